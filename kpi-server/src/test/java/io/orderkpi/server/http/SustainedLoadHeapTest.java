package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, defect 13: under sustained keep-alive load the live heap (what is left after a full
 * GC) stays flat: the server keeps nothing per request. A growing RSS under load is the JVM
 * sizing its heap (see docs/deploy.md, Memory), not a leak.
 */
class SustainedLoadHeapTest {

    @TempDir
    Path dir;

    @Test
    void theHeapAfterAFullGcStaysFlatUnderSustainedLoad() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of())) {
            String path = "/api/v1/analytics/daily/" + LocalDate.now().minusDays(1);
            load(server, path, 5_000);
            long before = liveHeap();

            for (int round = 0; round < 3; round++) {
                load(server, path, 10_000);
            }
            long after = liveHeap();

            System.out.printf("live heap after a full GC: %d KiB before, %d KiB after 30,000 more requests%n",
                    before / 1024, after / 1024);
            assertThat(after).isLessThan(before + 16L * 1024 * 1024);
        }
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** {@code requests} GETs over 8 kept-alive connections. */
    private static void load(OrderKpiServer server, String path, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                done.add(pool.submit(() -> connection(server, path, requests / 8)));
            }
            for (Future<Integer> future : done) {
                assertThat(future.get()).isEqualTo(requests / 8);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int connection(OrderKpiServer server, String path, int requests) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int ok = 0;
        try (Socket socket = new Socket(server.uri().getHost(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < requests; i++) {
                out.write(request);
                out.flush();
                String head = readHead(in);
                int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                in.readNBytes(length);
                if (head.startsWith("HTTP/1.1 200 ")) {
                    ok++;
                }
            }
        }
        return ok;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a response head");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
