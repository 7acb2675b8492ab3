package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TcpProxy#freeze()}: a hung server, whose connections stay open and silent until restored. */
class TcpProxyFreezeTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerBehindAProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread copier = new Thread(() -> echoBack(socket), "echo");
                    copier.setDaemon(true);
                    copier.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
    }

    private static void echoBack(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The client went away.
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(300);
        return socket;
    }

    @Test
    void frozenConnectionsStayOpenButSilentAndGoOnWithTheHeldBytesWhenRestored() throws IOException {
        try (Socket before = connect()) {
            before.getOutputStream().write('a');
            assertThat(before.getInputStream().read()).isEqualTo('a');

            proxy.freeze();
            before.getOutputStream().write('b');
            assertThatThrownBy(() -> before.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket during = connect()) {
                during.getOutputStream().write('c');
                assertThatThrownBy(() -> during.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                proxy.restore();
                before.setSoTimeout(10_000);
                during.setSoTimeout(10_000);
                assertThat(before.getInputStream().read()).isEqualTo('b');
                assertThat(during.getInputStream().read()).isEqualTo('c');
            }
        }
    }

    @Test
    void aCutEndsFrozenConnections() throws IOException {
        try (Socket frozen = connect()) {
            proxy.freeze();
            frozen.getOutputStream().write('a');
            frozen.setSoTimeout(10_000);

            proxy.cut();

            // Closed with the held byte unread the end is a reset, else an end of stream: ended either way.
            int read;
            try {
                read = frozen.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
        }
    }
}
