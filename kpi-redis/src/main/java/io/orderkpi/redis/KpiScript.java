package io.orderkpi.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisKpiStore}. Each takes only keys of one day, which share the
 * day's hash tag ({@link RedisKeys}), so each runs on one hash slot, also on Redis Cluster. Their
 * SHA-1 is computed here, so {@code EVALSHA} needs no {@code SCRIPT LOAD} round trip; a server
 * that lost its script cache answers {@code NOSCRIPT} and the store falls back to {@code EVAL}.
 */
enum KpiScript {

    /**
     * Applies facts of one day, each exactly once, with its idempotency check.
     * KEYS: kpi, cust, lb, applied. ARGV[1]: retention in ms (0: forever); then per fact its key,
     * kind ({@code c} completed, {@code f} failed, {@code r} refund), customer and cents.
     * Returns how many facts were applied.
     *
     * <p>Money sums are kept as Lua numbers (doubles) and written with {@code %d}, exact below
     * 2^53; a sum is flushed to the hash before it passes 2^52, so no batch can lose a cent.
     * Only an apply that takes effect touches the TTLs: a duplicate must not extend retention.
     */
    APPLY(ScriptOutputType.INTEGER, """
            local applied, ok, failed, customers, gross, refunds = 0, 0, 0, 0, 0, 0
            local function flush()
              if gross ~= 0 then redis.call('HINCRBY', KEYS[1], 'gross', string.format('%d', gross)) end
              if refunds ~= 0 then redis.call('HINCRBY', KEYS[1], 'refunds', string.format('%d', refunds)) end
              gross, refunds = 0, 0
            end
            for i = 2, #ARGV, 4 do
              if redis.call('SADD', KEYS[4], ARGV[i]) == 1 then
                applied = applied + 1
                local kind, customer, cents = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
                if kind == 'c' then
                  ok = ok + 1
                  gross = gross + tonumber(cents)
                  customers = customers + redis.call('SADD', KEYS[2], customer)
                  redis.call('ZINCRBY', KEYS[3], '-' .. cents, customer)
                elseif kind == 'f' then
                  failed = failed + 1
                else
                  refunds = refunds + tonumber(cents)
                  redis.call('ZINCRBY', KEYS[3], cents, customer)
                end
                if gross > 4503599627370496 or refunds > 4503599627370496 then flush() end
              end
            end
            if applied > 0 then
              flush()
              redis.call('HINCRBY', KEYS[1], 'success', ok)
              redis.call('HINCRBY', KEYS[1], 'failed', failed)
              redis.call('HINCRBY', KEYS[1], 'customers', customers)
              for k = 1, 4 do
                if ARGV[1] == '0' then redis.call('PERSIST', KEYS[k]) else redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
              end
            end
            return applied
            """),

    /**
     * Puts a day built under temporary keys in place of the day, in one step, so readers see the
     * old day or the new one. KEYS: kpi, cust, lb, applied, then their temporary twins. ARGV[1]:
     * retention in ms (0: forever). A temporary key that does not exist (an empty set) deletes
     * its target. Fails when the temporary hash is gone (its safety TTL ran out), rather than
     * putting an empty day in place.
     */
    SWAP_DAY(ScriptOutputType.STATUS, """
            if redis.call('EXISTS', KEYS[5]) == 0 then
              return redis.error_reply('ERR the rebuilt day ' .. KEYS[5] .. ' expired before it was swapped in')
            end
            for k = 1, 4 do
              if redis.call('EXISTS', KEYS[k + 4]) == 1 then
                redis.call('RENAME', KEYS[k + 4], KEYS[k])
                if ARGV[1] == '0' then redis.call('PERSIST', KEYS[k]) else redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
              else
                redis.call('DEL', KEYS[k])
              end
            end
            return 'OK'
            """),

    /**
     * A customer's net (as the stored negated score) and place, read together so that a write
     * between them cannot give a rank that does not match the net. KEYS: lb. ARGV: customer.
     * Empty when the customer is not listed (no score, or a net of zero or less).
     */
    RANK(ScriptOutputType.MULTI, """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score or tonumber(score) >= 0 then return {} end
            return {score, redis.call('ZRANK', KEYS[1], ARGV[1])}
            """),

    /**
     * A day's customers in one atomic read when there are at most ARGV[1] of them; otherwise
     * only their number (as a one-element table holding an integer), so a huge day is read in
     * bounded {@code SSCAN} steps instead of one long {@code SMEMBERS}. KEYS: cust.
     */
    CUSTOMERS_IF_FEW(ScriptOutputType.MULTI, """
            local count = redis.call('SCARD', KEYS[1])
            if count > tonumber(ARGV[1]) then return {count} end
            return redis.call('SMEMBERS', KEYS[1])
            """),

    /**
     * Completes a rebuild after data loss: the marker goes from {@code pending:T} to {@code ok:T}
     * only if it still says {@code pending:T}; a marker that vanished meanwhile means the data
     * was lost again during the rebuild. KEYS: marker. ARGV: T. Returns 1 when completed.
     */
    COMPLETE_REBUILD(ScriptOutputType.INTEGER, """
            local marker = redis.call('GET', KEYS[1])
            if marker == 'ok:' .. ARGV[1] then return 1 end
            if marker ~= 'pending:' .. ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], 'ok:' .. ARGV[1])
            return 1
            """);

    private final ScriptOutputType output;
    private final String source;
    private final String sha;

    KpiScript(ScriptOutputType output, String source) {
        this.output = output;
        this.source = source;
        this.sha = sha1(source);
    }

    ScriptOutputType output() {
        return output;
    }

    String source() {
        return source;
    }

    String sha() {
        return sha;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-1", e);
        }
    }
}
