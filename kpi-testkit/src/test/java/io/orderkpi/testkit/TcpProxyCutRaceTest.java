package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpProxy#cut()} must have stopped listening and ended every connection when it returns,
 * even while the machine is too busy to run the proxy's own threads at once: a thread blocked in
 * {@code accept} keeps the listening socket alive until it leaves the call.
 */
class TcpProxyCutRaceTest {

    private static final int CYCLES = 100;

    private ServerSocket echo;
    private final AtomicBoolean busy = new AtomicBoolean(true);
    private final List<Thread> burners = new ArrayList<>();

    @BeforeEach
    void startEchoAndKeepEveryCoreBusy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    daemon(() -> {
                        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy cut the connection
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
            burners.add(daemon(() -> {
                while (busy.get()) {
                    // Spins: the proxy's threads then wait for a core, as on a loaded CI machine.
                }
            }));
        }
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        busy.set(false);
        for (Thread burner : burners) {
            burner.join();
        }
        echo.close();
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Test
    void everyCutRefusesTheNextConnectionAndEndsTheOpenOne() throws IOException {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            int port = proxy.port();
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    open.setSoTimeout(5_000);
                    open.getOutputStream().write('x');
                    assertThat(open.getInputStream().read()).as("cycle %d", cycle).isEqualTo('x');

                    proxy.cut();

                    int cycleNo = cycle;
                    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                            .as("a connection after cut %d", cycleNo)
                            .isInstanceOf(ConnectException.class);
                    int read;
                    try {
                        read = open.getInputStream().read();
                    } catch (IOException reset) {
                        read = -1;
                    }
                    assertThat(read).as("the open connection after cut %d", cycle).isEqualTo(-1);
                }
                proxy.restore();
            }
        }
    }
}
