package io.orderkpi.bench.soak;

import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The first and the last window of the traffic (a minute each, or a third of a shorter soak) and
 * the samples taken in them, compared to tell flat from growing.
 */
record Windows(Duration length, List<Sample> first, List<Sample> last) {

    static Duration length(Duration soak) {
        Duration third = soak.dividedBy(3);
        return third.compareTo(Duration.ofMinutes(1)) < 0 ? third : Duration.ofMinutes(1);
    }

    static Windows of(List<Sample> samples, Duration soak) {
        Duration length = length(soak);
        Duration lastStart = soak.minus(length);
        return new Windows(length,
                samples.stream().filter(s -> s.at().compareTo(length) <= 0).toList(),
                samples.stream().filter(s -> s.at().compareTo(lastStart) >= 0).toList());
    }

    boolean complete() {
        return !first.isEmpty() && !last.isEmpty();
    }

    static long median(List<Sample> samples, ToLongFunction<Sample> value) {
        long[] values = samples.stream().mapToLong(value).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    static long max(List<Sample> samples, ToLongFunction<Sample> value) {
        return samples.stream().mapToLong(value).max().orElseThrow();
    }
}
