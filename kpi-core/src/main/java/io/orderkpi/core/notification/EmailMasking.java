package io.orderkpi.core.notification;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks e-mail addresses for logs (SPEC §7: logs never show a full address). The local part
 * keeps its first character, the domain stays (it helps to tell a typo'd domain from a full
 * mailbox): {@code john.doe@example.com} becomes {@code j***@example.com}. Works on code points,
 * so a character outside the BMP is never cut in half. Stateless and thread-safe.
 */
public final class EmailMasking {

    private static final String STARS = "***";

    /**
     * Something shaped like an address inside free text, such as an SMTP error
     * ({@code 550 <jane@example.com>: mailbox unavailable}): no whitespace, no delimiters
     * that surround addresses, one {@code @}.
     */
    private static final Pattern ADDRESS_IN_TEXT = Pattern.compile("[^\\s<>()\\[\\],;:\"'@]+@[^\\s<>()\\[\\],;:\"'@]+");

    private EmailMasking() {
    }

    /**
     * One address, masked. An empty text stays empty; a text without {@code @} is treated as a
     * local part; a local part of a single character is hidden whole ({@code ***@example.com}),
     * since keeping it would show the full address.
     */
    public static String mask(String email) {
        Objects.requireNonNull(email, "email");
        String address = email.strip();
        if (address.isEmpty()) {
            return "";
        }
        // The last @ separates the domain: a quoted local part may itself contain one.
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at);
        return maskLocalPart(local) + domain;
    }

    /** Every address-like token of a free text masked with {@link #mask}; the rest unchanged. */
    public static String maskAll(String text) {
        Objects.requireNonNull(text, "text");
        Matcher matcher = ADDRESS_IN_TEXT.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        do {
            matcher.appendReplacement(masked, Matcher.quoteReplacement(mask(matcher.group())));
        } while (matcher.find());
        matcher.appendTail(masked);
        return masked.toString();
    }

    private static String maskLocalPart(String local) {
        if (local.codePointCount(0, local.length()) <= 1) {
            return STARS;
        }
        return local.substring(0, local.offsetByCodePoints(0, 1)) + STARS;
    }
}
