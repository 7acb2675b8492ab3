package io.orderkpi.server.http;

import java.util.List;
import java.util.Locale;

/**
 * Decides how a request's body is delimited (RFC 9112 §6): {@code Transfer-Encoding: chunked},
 * a {@code Content-Length}, or no body. Refuses the ambiguous framings that request smuggling
 * relies on: both headers at once, differing lengths, a length that is not a plain number, and
 * transfer codings other than {@code chunked}. Stateless.
 */
final class Framing {

    private Framing() {
    }

    /**
     * @throws HttpProtocolException 400 when the framing is malformed or ambiguous
     * @throws ApiException          413 when the declared length is over {@code limit}
     */
    static RequestBody body(HttpHead head, ClientInput in, long limit, RequestBody.FirstRead continueFirst)
            throws HttpProtocolException {
        RequestBody.FirstRead firstRead = head.expectsContinue() ? continueFirst : null;
        List<String> codings = head.all("Transfer-Encoding");
        List<String> lengths = head.all("Content-Length");
        if (!codings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new HttpProtocolException(400, "Both Content-Length and Transfer-Encoding are set;"
                        + " send only one of them");
            }
            if (!head.http11()) {
                throw new HttpProtocolException(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            }
            if (codings.size() != 1 || !codings.get(0).toLowerCase(Locale.ROOT).equals("chunked")) {
                throw new HttpProtocolException(400, "Unsupported Transfer-Encoding '"
                        + ClientInput.printable(String.join(", ", codings)) + "'; only chunked is accepted");
            }
            return RequestBody.chunked(in, limit, firstRead);
        }
        long length = -1;
        for (String value : lengths) {
            long parsed = contentLength(value);
            if (length != -1 && parsed != length) {
                throw new HttpProtocolException(400, "Content-Length is given twice with different values");
            }
            length = parsed;
        }
        length = Math.max(length, 0);
        if (length > limit) {
            throw ApiException.payloadTooLarge(limit);
        }
        return RequestBody.fixed(in, length, limit, firstRead);
    }

    private static long contentLength(String value) throws HttpProtocolException {
        // Digits only: no sign, no spaces inside, no list ("5, 5" is refused rather than guessed).
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpProtocolException(400, "Malformed Content-Length '" + ClientInput.printable(value)
                    + "': not a number of bytes");
        }
        return Long.parseLong(value);
    }
}
