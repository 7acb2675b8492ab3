package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against an echo server of the test's own. */
class TcpProxyTest {

    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread pump = new Thread(() -> {
                        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy cut the connection
                        }
                    }, "echo");
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes());
        socket.getOutputStream().flush();
        byte[] back = socket.getInputStream().readNBytes(text.length());
        return new String(back);
    }

    @Test
    void forwardsCutsEveryConnectionRefusesNewOnesAndRestoresOnTheSamePort() throws IOException {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            int port = proxy.port();
            Socket before = new Socket(InetAddress.getLoopbackAddress(), port);
            before.setSoTimeout(5_000);
            assertThat(roundTrip(before, "hello")).isEqualTo("hello");
            await().atMost(Duration.ofSeconds(5)).until(proxy::openConnections, open -> open == 1);

            proxy.cut();

            assertThat(proxy.isCut()).isTrue();
            assertThat(proxy.openConnections()).isZero();
            // The cut connection ends: end of stream or a reset, never an answer.
            assertThatThrownBy(() -> {
                String answer = roundTrip(before, "again");
                if (answer.length() < "again".length()) {
                    throw new IOException("end of stream");
                }
            }).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class).hasMessageContaining("refused");

            proxy.restore();

            assertThat(proxy.port()).isEqualTo(port);
            try (Socket after = new Socket(InetAddress.getLoopbackAddress(), port)) {
                after.setSoTimeout(5_000);
                assertThat(roundTrip(after, "back")).isEqualTo("back");
            }
            assertThat(proxy.acceptedConnections()).isEqualTo(2);
            before.close();
        }
    }
}
