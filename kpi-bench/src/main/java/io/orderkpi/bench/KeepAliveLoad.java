package io.orderkpi.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed-loop HTTP/1.1 load generator on loopback: a fixed number of keep-alive connections,
 * each sending its next GET when the previous answer has been read, for a bounded time. Every
 * latency is kept (a run of seconds is a few hundred thousand longs), so percentiles are exact.
 */
final class KeepAliveLoad {

    /** What one run saw. Latencies in nanoseconds, sorted. */
    record Result(long requests, long nanos, long[] latencies) {

        double perSecond() {
            return Pairs.perSecond(requests, nanos);
        }

        /** The {@code p}-th percentile latency (nearest rank) in microseconds. */
        double percentileMicros(double p) {
            if (latencies.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100 * latencies.length);
            return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1_000.0;
        }
    }

    private KeepAliveLoad() {
    }

    static Result run(int port, String path, int connections, Duration duration) throws Exception {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        try {
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                results.add(threads.submit(() -> connection(port, request, end)));
            }
            List<long[]> all = new ArrayList<>();
            long total = 0;
            for (Future<long[]> result : results) {
                long[] latencies = result.get();
                all.add(latencies);
                total += latencies.length;
            }
            long nanos = System.nanoTime() - start;
            long[] merged = new long[(int) total];
            int at = 0;
            for (long[] latencies : all) {
                System.arraycopy(latencies, 0, merged, at, latencies.length);
                at += latencies.length;
            }
            Arrays.sort(merged);
            return new Result(total, nanos, merged);
        } finally {
            threads.shutdownNow();
        }
    }

    private static long[] connection(int port, byte[] request, long end) throws IOException {
        long[] latencies = new long[1024];
        int count = 0;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                out.write(request);
                out.flush();
                readResponse(in);
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = System.nanoTime() - sent;
            }
        }
        return Arrays.copyOf(latencies, count);
    }

    /** Reads one response, its body sized by Content-Length or chunked; anything but 200 stops the run. */
    private static void readResponse(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("expected 200, got: " + status);
        }
        long length = -1;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            skipChunks(in);
        } else if (length >= 0) {
            in.skipNBytes(length); // an EOFException when the body is short
        } else {
            throw new IOException("a keep-alive response needs Content-Length or chunked encoding");
        }
    }

    private static void skipChunks(InputStream in) throws IOException {
        while (true) {
            String sizeLine = line(in);
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers, if any
                }
                return;
            }
            in.skipNBytes(size);
            line(in); // the CRLF after the chunk's data
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int last = line.length() - 1;
                return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("connection closed by the server");
    }
}
