package io.orderkpi.server;

import java.util.Objects;

/**
 * One row of the configuration table ({@link ServerConfig#keys()}): a key's name, its default,
 * how its value is checked and typed, how it is shown, and one line saying what it does. The
 * table drives parsing, validation messages, {@code config print} and the configuration table of
 * {@code docs/deploy.md}. Immutable.
 *
 * @param name         the environment variable and properties key, e.g. {@code ORDERKPI_PORT}
 * @param defaultValue the raw default; {@code ""} means unset, and then the key is optional
 * @param parser       checks a non-empty raw value and turns it into its typed value
 * @param secrecy      how the value is shown in {@code config print}, logs and messages
 * @param shownDefault the default as the documentation shows it
 * @param doc          one line for the documentation table (Markdown)
 */
public record ConfigKey(String name, String defaultValue, Parser<?> parser, Secrecy secrecy, String shownDefault,
        String doc) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(secrecy, "secrecy");
        Objects.requireNonNull(doc, "doc");
        if (shownDefault == null) {
            shownDefault = defaultValue.isEmpty() ? "–" : defaultValue;
        }
    }

    /** An empty value means "not set" (the default is empty). */
    public boolean optional() {
        return defaultValue.isEmpty();
    }

    /**
     * Turns a non-empty raw value into its typed value. Thread-safe and without side effects.
     *
     * @param <T> the typed value
     */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * @throws IllegalArgumentException with the reason in plain words (e.g. "not a port
         *         number"); the caller adds the key and, where the secrecy allows, the value
         */
        T parse(String raw);
    }

    /** How a value may be shown. */
    public enum Secrecy {
        /** Shown as it is. */
        PLAIN,
        /** Shown in {@code config print} but never echoed in an error (an e-mail address). */
        PERSONAL,
        /** Never shown: {@code ****} when set. */
        SECRET,
        /** A URL that may carry a password: shown with the password as {@code ****}. */
        URL;

        /** The value as it may be printed. */
        public String show(String value) {
            return switch (this) {
                case PLAIN, PERSONAL -> value;
                case SECRET -> value.isEmpty() ? "" : "****";
                case URL -> Redaction.url(value);
            };
        }
    }
}
