package io.orderkpi.server;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * A configuration value is missing, malformed or not supported. The message is one line naming
 * the key and the reason, fit to be printed as the only output of a failed start.
 */
public final class ConfigException extends OrderKpiException {

    public ConfigException(String message) {
        super(oneLine(message));
    }

    /**
     * Control characters and line breaks escaped: a message may echo a value, and a value (from a
     * properties file's escapes, or an environment variable) may hold anything, a CR that would
     * overwrite the key's name on a terminal included (found by ServerConfigFuzzTest).
     */
    private static String oneLine(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            int type = Character.getType(c);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
