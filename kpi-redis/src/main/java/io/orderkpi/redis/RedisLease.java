package io.orderkpi.redis;

import io.lettuce.core.ScriptOutputType;
import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Lease} on Redis, shared by every process using the same server and prefix: the relay's
 * "one process at a time per subscriber".
 *
 * <p><b>Layout</b> ({@code docs/redis.md}): the lease {@code <prefix>:{lease:<name>}} is a string
 * {@code "<token> <holder>"} set with {@code SET … PX} (Redis measures the duration), and
 * {@code <prefix>:{lease:<name>}:token} the last fencing token issued for the name, without TTL.
 * Both share a hash tag, so each script touches one slot.
 *
 * <p><b>Fencing tokens never go backwards.</b> A new acquisition takes {@code INCR} of the token
 * key, raised to at least the server's time in microseconds ({@code TIME}) when lower: a Redis
 * that lost its data (a restart without persistence, a fresh prefix) starts again above every token
 * it issued before, provided its clock did not go back.
 *
 * <p><b>Only the holder</b> renews or releases: a Lua script compares the stored token and holder
 * with the grant before it touches the key. Thread-safe: one multiplexed connection; every method
 * is one script or one {@code GET}. Redis unreachable: {@link io.orderkpi.core.lang.StoreUnavailableException}.
 */
public final class RedisLease implements Lease, AutoCloseable {

    // Scripts of the lease. KEYS[1]: the lease; KEYS[2]: its token counter.

    /**
     * ARGV: holder, duration in ms. Returns the token of the holder's lease (renewed, or new), or
     * nil when another holder has it.
     */
    private static final LuaScript ACQUIRE = LuaScript.of(ScriptOutputType.INTEGER, """
            local current = redis.call('GET', KEYS[1])
            if current then
              local space = string.find(current, ' ', 1, true)
              if string.sub(current, space + 1) ~= ARGV[1] then return false end
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return tonumber(string.sub(current, 1, space - 1))
            end
            local now = redis.call('TIME')
            local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
            local token = redis.call('INCR', KEYS[2])
            if token < floor then
              token = floor
              redis.call('SET', KEYS[2], string.format('%d', token))
            end
            redis.call('SET', KEYS[1], string.format('%d', token) .. ' ' .. ARGV[1], 'PX', ARGV[2])
            return token
            """);

    /** ARGV: token, holder, duration in ms. 1 when renewed, 0 when the grant no longer holds it. */
    private static final LuaScript RENEW = LuaScript.of(ScriptOutputType.INTEGER, """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] .. ' ' .. ARGV[2] then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);

    /** ARGV: token, holder. 1 when released, 0 when the grant no longer held it. */
    private static final LuaScript RELEASE = LuaScript.of(ScriptOutputType.INTEGER, """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] .. ' ' .. ARGV[2] then return 0 end
            redis.call('DEL', KEYS[1])
            return 1
            """);

    private final String prefix;
    private final RedisLink link;

    private RedisLease(Builder builder) {
        this.prefix = builder.prefix;
        this.link = new RedisLink("The Redis lease", builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prefix of every key, as given to the builder. */
    public String prefix() {
        return prefix;
    }

    @Override
    public Optional<LeaseGrant> acquire(String name, String holder, Duration duration) {
        Lease.checkNames(name, holder);
        Lease.checkDuration(duration);
        Long token = link.run(ACQUIRE, keys(name), new String[] {holder, millis(duration)},
                "acquire the lease " + name);
        return token == null ? Optional.empty() : Optional.of(new LeaseGrant(name, holder, token));
    }

    @Override
    public boolean renew(LeaseGrant grant, Duration duration) {
        Lease.checkDuration(duration);
        Long renewed = link.run(RENEW, keys(grant.name()),
                new String[] {Long.toString(grant.token()), grant.holder(), millis(duration)}, "renew the lease " + grant.name());
        return renewed == 1;
    }

    @Override
    public boolean release(LeaseGrant grant) {
        Long released = link.run(RELEASE, keys(grant.name()),
                new String[] {Long.toString(grant.token()), grant.holder()}, "release the lease " + grant.name());
        return released == 1;
    }

    @Override
    public Optional<LeaseGrant> current(String name) {
        String value = link.await(link.commands().get(keys(name)[0]), "read the lease " + name);
        if (value == null) {
            return Optional.empty();
        }
        int space = value.indexOf(' ');
        return Optional.of(new LeaseGrant(name, value.substring(space + 1), Long.parseLong(value.substring(0, space))));
    }

    /** Closes the connection (and the client, when built from a URI). Idempotent. */
    @Override
    public void close() {
        link.close();
    }

    private String[] keys(String name) {
        String lease = prefix + ":{lease:" + name + "}";
        return new String[] {lease, lease + ":token"};
    }

    /** Rounded up, so a positive duration below a millisecond is not refused by {@code PX 0}. */
    private static String millis(Duration duration) {
        long millis = duration.toMillis();
        return Long.toString(Duration.ofMillis(millis).equals(duration) ? millis : millis + 1);
    }

    /**
     * Settings of a {@link RedisLease}; {@link #uri} or {@link #client} is required. Not
     * thread-safe; the lease it builds is.
     */
    public static final class Builder extends RedisSettings<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the lease; it connects on first use. */
        public RedisLease build() {
            return new RedisLease(this);
        }
    }
}
