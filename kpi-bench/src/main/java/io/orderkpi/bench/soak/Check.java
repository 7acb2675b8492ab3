package io.orderkpi.bench.soak;

/**
 * One verdict of the soak.
 *
 * @param name   what is checked, the same in every run
 * @param passed whether it held
 * @param detail the figures behind the verdict
 */
public record Check(String name, boolean passed, String detail) {
}
