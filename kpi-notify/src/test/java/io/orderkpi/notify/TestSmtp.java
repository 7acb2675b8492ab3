package io.orderkpi.notify;

import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;

/** GreenMail servers for the tests: on free ports, with room to start on a busy machine. */
final class TestSmtp {

    private TestSmtp() {
    }

    /** Plain SMTP. */
    static ServerSetup smtp() {
        return onFreePort(ServerSetupTest.SMTP);
    }

    /** SMTP over implicit TLS, with the tests' certificate ({@link TestTls}). */
    static ServerSetup smtps() {
        return onFreePort(ServerSetupTest.SMTPS);
    }

    private static ServerSetup onFreePort(ServerSetup base) {
        ServerSetup setup = base.dynamicPort();
        // GreenMail's default of 2 s is too short when the tests share two cores with other builds.
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
