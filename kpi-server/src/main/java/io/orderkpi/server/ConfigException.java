package io.orderkpi.server;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * A configuration value is missing, malformed or not supported. The message is one line naming
 * the key and the reason, fit to be printed as the only output of a failed start.
 */
public final class ConfigException extends OrderKpiException {

    public ConfigException(String message) {
        super(message);
    }
}
