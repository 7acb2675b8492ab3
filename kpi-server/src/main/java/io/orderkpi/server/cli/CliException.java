package io.orderkpi.server.cli;

/**
 * A command failed for a reason the user can act on; its message is the one line printed on
 * stderr (exit 1). Thrown rather than returned so that helpers deep in a command can stop it.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
