package io.orderkpi.server.http;

/** Parses and checks the request line (RFC 9112 §3). Stateless. */
final class RequestLine {

    private RequestLine() {
    }

    static HttpHead parse(String line, HttpHead.Builder headers) throws HttpProtocolException {
        int first = line.indexOf(' ');
        int last = line.lastIndexOf(' ');
        if (first <= 0 || last == first) {
            throw new HttpProtocolException(400, "Malformed request line: expected METHOD /path HTTP/1.1");
        }
        String method = line.substring(0, first);
        String target = line.substring(first + 1, last);
        String version = line.substring(last + 1);
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) {
                throw new HttpProtocolException(400, "Malformed request line: the method is not a token");
            }
        }
        boolean http11;
        if (version.equals("HTTP/1.1")) {
            http11 = true;
        } else if (version.equals("HTTP/1.0")) {
            http11 = false;
        } else if (version.matches("HTTP/\\d\\.\\d")) {
            throw new HttpProtocolException(505, "HTTP version not supported: " + version + "; use HTTP/1.1");
        } else {
            throw new HttpProtocolException(400, "Malformed request line: expected METHOD /path HTTP/1.1");
        }
        if (!target.startsWith("/")) {
            throw new HttpProtocolException(400, "Malformed request target: it must start with '/'");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // Visible ASCII only: what a client must percent-encode is refused here, but
            // characters some URI parsers reject though they are harmless ({, |, }) are kept.
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpProtocolException(400, "Malformed request target: characters that are not"
                        + " visible ASCII must be percent-encoded");
            }
        }
        int hash = target.indexOf('#');
        String withoutFragment = hash < 0 ? target : target.substring(0, hash);
        int question = withoutFragment.indexOf('?');
        String path = question < 0 ? withoutFragment : withoutFragment.substring(0, question);
        String query = question < 0 ? "" : withoutFragment.substring(question + 1);
        return new HttpHead(method, path, query, http11, headers.headers);
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
