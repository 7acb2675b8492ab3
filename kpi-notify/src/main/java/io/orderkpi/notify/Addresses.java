package io.orderkpi.notify;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The only way text from an order reaches an e-mail header: an address is accepted only as a
 * bare, strictly valid ASCII address; a name or subject has every control and line-breaking
 * character replaced, and a name is then encoded as a display name (RFC 2047) by Jakarta Mail,
 * never concatenated into a header. Stateless.
 */
final class Addresses {

    private Addresses() {
    }

    /**
     * The address when {@code text} is exactly one plain address ({@code ada@example.com}): no
     * display name, group, comment, route, white space or control character, printable ASCII only
     * (internationalised addresses need SMTPUTF8, which not every relay offers).
     */
    static Optional<InternetAddress> parse(String text) {
        if (text.isEmpty() || text.length() > 254) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return Optional.empty();
            }
        }
        try {
            InternetAddress address = new InternetAddress(text, true);
            address.validate();
            int at = text.lastIndexOf('@');
            if (address.isGroup() || address.getPersonal() != null || !text.equals(address.getAddress())
                    || at < 1 || at == text.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(address);
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    /** {@code address} with {@code name} as its display name, or without one when the name is blank. */
    static InternetAddress named(InternetAddress address, String name) {
        String clean = headerText(name);
        if (clean.isEmpty()) {
            return address;
        }
        try {
            return new InternetAddress(address.getAddress(), clean, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /**
     * Text safe for a header value: every control character (CR and LF included) and every Unicode
     * line or paragraph separator becomes a space, runs of white space shrink to one, ends trimmed.
     */
    static String headerText(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean blank = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c);
            if (blank) {
                space = clean.length() > 0;
            } else {
                if (space) {
                    clean.append(' ');
                    space = false;
                }
                clean.append(c);
            }
        }
        return clean.toString();
    }

    /** The domain of a valid address: what follows its last {@code @}. */
    static String domain(InternetAddress address) {
        String text = address.getAddress();
        return text.substring(text.lastIndexOf('@') + 1);
    }
}
