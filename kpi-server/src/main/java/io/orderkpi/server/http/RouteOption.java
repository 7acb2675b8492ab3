package io.orderkpi.server.http;

/** How a route is guarded and run; see {@link Router#add}. */
public enum RouteOption {
    /**
     * Never needs a token. Only {@code GET /health}, {@code GET /} and {@code GET /assets/…} may
     * be public (SPEC §9); the token check goes by those paths, before any route is matched, and
     * {@link Router#add} refuses this option elsewhere.
     */
    PUBLIC,
    /** An analytics read: opened to everyone by {@code ORDERKPI_PUBLIC_ANALYTICS=true} (GET only). */
    ANALYTICS,
    /**
     * An upload: runs on the small import pool (429 when it is full) and may send up to
     * {@code ORDERKPI_MAX_UPLOAD_BYTES}; read it with {@link Request#body()}.
     */
    UPLOAD
}
