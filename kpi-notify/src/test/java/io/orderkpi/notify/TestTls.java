package io.orderkpi.notify;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The tests' own certificate ({@code greenmail.p12} on the test class path, for {@code localhost}
 * and {@code 127.0.0.1}): GreenMail finds it before the one in its jar and serves it for SMTPS;
 * the STARTTLS front of {@link SmtpProxy} serves it too; and only the tests' clients trust it.
 */
final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private TestTls() {
    }

    /** A server context presenting the test certificate. */
    static SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client socket factory that trusts the test certificate and nothing else. */
    static SSLSocketFactory trustingTestCertificate() {
        try {
            KeyStore source = keyStore();
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("greenmail", source.getCertificate("greenmail"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore keyStore() {
        try (InputStream in = TestTls.class.getResourceAsStream("/greenmail.p12")) {
            if (in == null) {
                throw new IllegalStateException("greenmail.p12 is missing from the test class path");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
