package io.orderkpi.redis;

import java.util.Objects;

/**
 * Redis no longer holds everything a {@link RedisKpiStore} wrote under its prefix: it restarted
 * without persistence, was flushed, or failed over to a replica that never had the data; or a
 * rebuild after such a loss has not been completed yet. The holder rebuilds the retained days from
 * the records and then calls {@link RedisKpiStore#rebuildCompleted(DataLoss)}. Immutable and
 * thread-safe.
 *
 * @param token   names this loss in the store's marker, so a completion can tell it from a later loss
 * @param resumed true when the loss was noticed earlier (by this or another process) and its
 *                rebuild never completed, e.g. because that process died
 */
public record DataLoss(String token, boolean resumed) {

    public DataLoss {
        Objects.requireNonNull(token, "token");
    }
}
