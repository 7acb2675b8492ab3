package io.orderkpi.notify;

import static io.orderkpi.notify.TestNotifications.completed;
import static io.orderkpi.notify.TestNotifications.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderkpi.core.notification.NotificationRejectedException;
import io.orderkpi.notify.TestNotifications.Sample;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.security.cert.CertPathBuilderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS with a login. GreenMail serves SMTPS (implicit TLS) with the tests' certificate; its SMTP
 * has no STARTTLS, so {@link SmtpProxy} offers and terminates STARTTLS in front of it.
 */
class EmailNotifierTlsTest {

    private static final String USER = "mailer";
    private static final String PASSWORD = "s3cret-pass";

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(
            new ServerSetup[] {TestSmtp.smtp(), TestSmtp.smtps()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@example.com", USER, PASSWORD));

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Sample sample = completed(7, order("A-1001", "Ada Lovelace", "ada@example.com"));

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private EmailNotifier notifier(SmtpSettings settings) {
        EmailNotifier notifier = new EmailNotifier(settings);
        closeables.add(notifier);
        return notifier;
    }

    private SmtpProxy startTlsFront() throws Exception {
        SmtpProxy proxy = SmtpProxy.withStartTls(GREEN_MAIL.getSmtp().getPort(), TestTls.serverContext());
        closeables.add(proxy);
        return proxy;
    }

    private static SmtpSettings.Builder implicit() {
        return SmtpSettings.builder("127.0.0.1", "shop@example.com").tls(SmtpTls.IMPLICIT)
                .port(GREEN_MAIL.getSmtps().getPort());
    }

    private static SmtpSettings.Builder startTls(int port) {
        return SmtpSettings.builder("127.0.0.1", "shop@example.com").tls(SmtpTls.STARTTLS).port(port);
    }

    @Test
    void implicitTlsWithALoginDelivers() throws Exception {
        EmailNotifier notifier = notifier(implicit().credentials(USER, PASSWORD)
                .sslSocketFactory(TestTls.trustingTestCertificate()).build());

        notifier.send(sample.notification(), sample.message());

        MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("Order #A-1001 Confirmed");
        assertThat(notifier.check()).isEqualTo("ok");
    }

    @Test
    void implicitTlsWithAWrongPasswordFailsForARetryAfterTheFixNotForGood() {
        EmailNotifier notifier = notifier(implicit().credentials(USER, "wrong-password")
                .sslSocketFactory(TestTls.trustingTestCertificate()).build());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(AuthenticationFailedException.class)
                .isNotInstanceOf(NotificationRejectedException.class);
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerCertificateTheClientDoesNotTrustIsRefused() {
        // The JVM's default trust store does not know the tests' self-signed certificate.
        EmailNotifier notifier = notifier(implicit().credentials(USER, PASSWORD).build());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(MessagingException.class).hasRootCauseInstanceOf(
                        CertPathBuilderException.class);
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
        assertThat(notifier.check()).contains("unable to find valid certification path");
    }

    @Test
    void startTlsComesBeforeTheLoginSoTheCredentialsNeverTravelInClear() throws Exception {
        SmtpProxy front = startTlsFront();
        EmailNotifier notifier = notifier(startTls(front.port()).credentials(USER, PASSWORD)
                .sslSocketFactory(TestTls.trustingTestCertificate()).build());

        notifier.send(sample.notification(), sample.message());

        assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(1);
        assertThat(front.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "AUTH")
                .containsSubsequence("AUTH", "MAIL", "RCPT", "DATA");
    }

    @Test
    void startTlsWithAWrongPasswordIsRefusedByTheServer() throws Exception {
        SmtpProxy front = startTlsFront();
        EmailNotifier notifier = notifier(startTls(front.port()).credentials(USER, "wrong-password")
                .sslSocketFactory(TestTls.trustingTestCertificate()).build());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerThatDoesNotOfferStartTlsIsRefusedRatherThanUsedInClear() {
        EmailNotifier notifier = notifier(startTls(GREEN_MAIL.getSmtp().getPort()).credentials(USER, PASSWORD)
                .sslSocketFactory(TestTls.trustingTestCertificate()).build());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("STARTTLS");
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void startTlsChecksTheCertificateToo() throws Exception {
        SmtpProxy front = startTlsFront();
        EmailNotifier notifier = notifier(startTls(front.port()).credentials(USER, PASSWORD).build());

        assertThatThrownBy(() -> notifier.send(sample.notification(), sample.message()))
                .isInstanceOf(MessagingException.class).hasRootCauseInstanceOf(
                        CertPathBuilderException.class);
        assertThat(front.verbs()).doesNotContain("AUTH");
        assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
    }
}
