package io.orderkpi.server;

import java.util.regex.Pattern;

/**
 * Hides the passwords a URL may carry, wherever a URL is shown ({@code config print}, logs, error
 * messages): the password of the user-info ({@code redis://:pw@host}, {@code jdbc:mysql://u:pw@host})
 * and password-like query parameters ({@code ?password=…}, {@code &pwd=…}). Stateless.
 */
public final class Redaction {

    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:?#]*):[^/@?#]*@");
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)([?&;](?:password|pwd|pass|passwd|secret|token)=)[^&;#]*");

    private Redaction() {
    }

    /** The URL with every password replaced by {@code ****}. */
    public static String url(String url) {
        String masked = USER_INFO_PASSWORD.matcher(url).replaceAll("$1:****@");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1****");
    }
}
