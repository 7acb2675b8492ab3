package io.orderkpi.notify;

import java.util.Objects;

/**
 * One e-mail's texts as an {@link EmailTemplate} renders them. Immutable.
 *
 * @param subject the subject; control characters in it are replaced before it reaches the header
 * @param text    the plain-text body
 * @param html    the HTML alternative: a complete document whose every value is escaped
 */
public record EmailContent(String subject, String text, String html) {

    public EmailContent {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }
}
