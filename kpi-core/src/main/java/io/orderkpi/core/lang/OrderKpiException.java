package io.orderkpi.core.lang;

/**
 * Base of every exception OrderKPI throws on purpose. Unchecked: callers decide where to handle
 * failures; the message always names the thing and the reason.
 */
public class OrderKpiException extends RuntimeException {

    public OrderKpiException(String message) {
        super(message);
    }

    public OrderKpiException(String message, Throwable cause) {
        super(message, cause);
    }
}
