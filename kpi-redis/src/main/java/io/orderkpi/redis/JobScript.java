package io.orderkpi.redis;

import io.lettuce.core.ScriptOutputType;

/**
 * The Lua scripts of {@link RedisJobStore}: each SPI step that changes more than one key is one
 * script, so it is atomic with respect to every other process. Every script takes the store's key
 * base ({@code <prefix>:{jobs}:}) as {@code ARGV[1]} and builds the keys of the jobs it touches
 * from it; every key of the store shares the {@code {jobs}} hash tag, so all of them live in one
 * slot (also on Redis Cluster). Times are milliseconds of the store's clock, passed in.
 *
 * <p>A job is the hash {@code job:<id>}: {@code queue type payload subject dedup enq due att state
 * entry consumer token lease err failedAt fkey}. {@code state} is {@code ready} (an entry in the
 * stream, not yet read), {@code running} (read by a consumer: the entry is in the group's pending
 * list and the job in the {@code leases} set), {@code delayed} (in the {@code delayed} set, no
 * entry) or {@code failed}. The claim {@code token} fences every later step of a claim.
 */
final class JobScript {

    /** The consumer group every process reads a queue's stream with. */
    static final String GROUP = "okpi";

    /** Helpers every script starts with. */
    private static final String COMMON = """
            local base = ARGV[1]
            local function jobkey(id) return base .. 'job:' .. id end
            local function qkey(q, part) return base .. 'q:' .. q .. ':' .. part end
            local function stream(q)
              local s = qkey(q, 'stream')
              if redis.call('EXISTS', s) == 0 then redis.call('XGROUP', 'CREATE', s, 'okpi', '0', 'MKSTREAM') end
              return s
            end
            local function ready(id, q, now)
              local entry = redis.call('XADD', stream(q), '*', 'id', id)
              redis.call('HSET', jobkey(id), 'state', 'ready', 'entry', entry, 'due', now)
            end
            local function dedupkey(field)
              if field and field ~= '' then return base .. 'dedup:' .. string.sub(field, 2) end
              return nil
            end
            local function free_dedup(id, field)
              local k = dedupkey(field)
              if k and redis.call('GET', k) == id then redis.call('DEL', k) end
            end
            local function unclaim(id, q, entry)
              local s = qkey(q, 'stream')
              if entry and entry ~= '' then
                redis.call('XACK', s, 'okpi', entry)
                redis.call('XDEL', s, entry)
              end
              redis.call('ZREM', qkey(q, 'leases'), id)
            end
            local function to_failed(id, q, dedup, err, now)
              free_dedup(id, dedup)
              local key = redis.call('INCR', base .. 'failed:seq')
              redis.call('ZADD', base .. 'failed', key, id)
              redis.call('ZADD', base .. 'failed:at', now, id)
              redis.call('HSET', jobkey(id), 'state', 'failed', 'err', err, 'failedAt', now, 'fkey', key, 'entry', '')
              redis.call('HINCRBY', qkey(q, 'counts'), 'failed', 1)
            end
            local function drop_failed(id, q)
              redis.call('ZREM', base .. 'failed', id)
              redis.call('ZREM', base .. 'failed:at', id)
              redis.call('HINCRBY', qkey(q, 'counts'), 'failed', -1)
            end
            local function holder(id, consumer, token)
              local h = redis.call('HMGET', jobkey(id), 'state', 'consumer', 'token', 'queue', 'entry', 'dedup', 'att')
              if h[1] ~= 'running' or h[2] ~= consumer or h[3] ~= token then return nil end
              return h
            end
            local function take(id)
              local h = holder(id, ARGV[3], ARGV[4])
              if h then unclaim(id, h[4], h[5]) end
              return h
            end
            """;

    private JobScript() {
    }

    private static LuaScript script(ScriptOutputType output, String body) {
        return LuaScript.of(output, COMMON + body);
    }

    /**
     * ARGV: base, queue, id, type, payload, subject, dedup ('' for none, else '=' and the key), now,
     * dedup TTL ms.
     * Returns the new job's id, or the id of the job holding the dedup key.
     */
    static final LuaScript ENQUEUE = script(ScriptOutputType.VALUE, """
            local id, dedup = ARGV[3], ARGV[7]
            local k = dedupkey(dedup)
            if k then
              local holding = redis.call('GET', k)
              if holding then return holding end
              redis.call('SET', k, id, 'PX', ARGV[9])
            end
            redis.call('HSET', jobkey(id), 'queue', ARGV[2], 'type', ARGV[4], 'payload', ARGV[5], 'subject', ARGV[6],
              'dedup', dedup, 'enq', ARGV[8], 'att', 0)
            ready(id, ARGV[2], ARGV[8])
            redis.call('SADD', base .. 'queues', ARGV[2])
            return id
            """);

    /**
     * ARGV: base, queue, consumer, max, now, lease ms, dedup TTL ms. Moves the due delayed jobs to
     * the stream, then reads up to max entries with XREADGROUP and claims their jobs. Returns per
     * job: id, type, payload, attempts used, enqueued at, token.
     */
    static final LuaScript CLAIM = script(ScriptOutputType.MULTI, """
            local q, consumer, now = ARGV[2], ARGV[3], tonumber(ARGV[5])
            redis.call('SADD', base .. 'queues', q)
            if redis.call('SISMEMBER', base .. 'paused', q) == 1 then return {} end
            local delayed = qkey(q, 'delayed')
            local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', ARGV[5], 'LIMIT', 0, 1000)
            for _, id in ipairs(due) do
              local dueAt = redis.call('HGET', jobkey(id), 'due')
              if dueAt then ready(id, q, dueAt) end
              redis.call('ZREM', delayed, id)
            end
            local s = qkey(q, 'stream')
            if redis.call('EXISTS', s) == 0 then return {} end
            local out, want = {}, tonumber(ARGV[4])
            local leaseUntil = now + tonumber(ARGV[6])
            local waits = qkey(q, 'waits')
            while want > 0 do
              local read = redis.call('XREADGROUP', 'GROUP', 'okpi', consumer, 'COUNT', want, 'STREAMS', s, '>')
              if not read then break end
              local entries = read[1][2]
              for _, e in ipairs(entries) do
                local id = e[2][2]
                local job = jobkey(id)
                local h = redis.call('HMGET', job, 'state', 'entry', 'type', 'payload', 'att', 'enq', 'due', 'dedup')
                if h[1] ~= 'ready' or h[2] ~= e[1] then
                  -- An entry no job points to any more: nothing to run.
                  redis.call('XACK', s, 'okpi', e[1])
                  redis.call('XDEL', s, e[1])
                else
                  local token = redis.call('INCR', base .. 'token')
                  redis.call('HSET', job, 'state', 'running', 'consumer', consumer, 'token', token, 'lease', leaseUntil)
                  redis.call('ZADD', qkey(q, 'leases'), leaseUntil, id)
                  redis.call('LPUSH', waits, math.max(0, now - tonumber(h[7])))
                  local k = dedupkey(h[8])
                  if k then redis.call('PEXPIRE', k, ARGV[7]) end
                  table.insert(out, id)
                  table.insert(out, h[3])
                  table.insert(out, h[4])
                  table.insert(out, h[5])
                  table.insert(out, h[6])
                  table.insert(out, tostring(token))
                  want = want - 1
                end
              end
              if #entries == 0 then break end
            end
            if #out > 0 then
              redis.call('LTRIM', waits, 0, 999)
              redis.call('PEXPIRE', waits, 86400000)
            end
            return out
            """);

    /** ARGV: base, id, consumer, token, now. Acks, XACK + XDEL, frees the dedup key, counts. 1 when done. */
    static final LuaScript ACK = script(ScriptOutputType.INTEGER, """
            local id = ARGV[2]
            local h = take(id)
            if not h then return 0 end
            local q = h[4]
            free_dedup(id, h[6])
            redis.call('DEL', jobkey(id))
            redis.call('HINCRBY', qkey(q, 'counts'), 'completed', 1)
            local second = math.floor(tonumber(ARGV[5]) / 1000)
            local bucket = qkey(q, 'done:' .. math.floor(second / 60))
            redis.call('HINCRBY', bucket, second, 1)
            redis.call('PEXPIRE', bucket, 180000)
            return 1
            """);

    /**
     * ARGV: base, id, consumer, token, now, delay ms, count attempt (1/0). Pending again: in the
     * stream when the delay is not positive, else in the delayed set. 1 when done.
     */
    static final LuaScript RELEASE = script(ScriptOutputType.INTEGER, """
            local id = ARGV[2]
            local h = take(id)
            if not h then return 0 end
            local q = h[4]
            if ARGV[7] == '1' then redis.call('HINCRBY', jobkey(id), 'att', 1) end
            local delay = tonumber(ARGV[6])
            if delay <= 0 then
              ready(id, q, ARGV[5])
            else
              local due = tonumber(ARGV[5]) + delay
              redis.call('HSET', jobkey(id), 'state', 'delayed', 'entry', '', 'due', due)
              redis.call('ZADD', qkey(q, 'delayed'), due, id)
            end
            return 1
            """);

    /** ARGV: base, id, consumer, token, now, error. To the failed list with an attempt used. 1 when done. */
    static final LuaScript FAIL = script(ScriptOutputType.INTEGER, """
            local id = ARGV[2]
            local h = take(id)
            if not h then return 0 end
            redis.call('HINCRBY', jobkey(id), 'att', 1)
            to_failed(id, h[4], h[6], ARGV[6], ARGV[5])
            return 1
            """);

    /**
     * ARGV: base, id, consumer, token, lease end. Moves the lease and resets the entry's idle time
     * in the pending list ({@code XCLAIM … JUSTID}). 1 when done.
     */
    static final LuaScript EXTEND = script(ScriptOutputType.INTEGER, """
            local id = ARGV[2]
            local h = holder(id, ARGV[3], ARGV[4])
            if not h then return 0 end
            redis.call('HSET', jobkey(id), 'lease', ARGV[5])
            redis.call('ZADD', qkey(h[4], 'leases'), ARGV[5], id)
            if h[5] and h[5] ~= '' then
              redis.call('XCLAIM', qkey(h[4], 'stream'), 'okpi', ARGV[3], 0, h[5], 'JUSTID')
            end
            return 1
            """);

    /**
     * ARGV: base, queue, now, max attempts, stray idle ms. Takes back the running jobs whose lease
     * ended before now (by the leases set); then sweeps the group's pending list with
     * {@code XAUTOCLAIM} for entries idle longer than the stray idle time that no running job
     * holds (left by a trim or a lost job), and drops them. Redis 7 drops deleted entries from the
     * pending list itself and lists them apart; Redis 6.2 hands their ids back like the others, so
     * an id is checked with XRANGE. Returns {jobs taken back, entries dropped}.
     */
    static final LuaScript RECLAIM = script(ScriptOutputType.MULTI, """
            local q, now, max = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
            local leases = qkey(q, 'leases')
            local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', '(' .. ARGV[3], 'LIMIT', 0, 1000)
            local taken = 0
            for _, id in ipairs(expired) do
              local h = redis.call('HMGET', jobkey(id), 'state', 'consumer', 'lease', 'entry', 'dedup', 'att')
              if h[1] ~= 'running' then
                redis.call('ZREM', leases, id)
              else
                unclaim(id, q, h[4])
                local att = redis.call('HINCRBY', jobkey(id), 'att', 1)
                taken = taken + 1
                if att >= max then
                  to_failed(id, q, h[5], "Lease of consumer '" .. h[2] .. "' expired at " .. h[3]
                    .. " ms since the epoch, during attempt " .. att .. ' of ' .. max .. '; the consumer stopped', ARGV[3])
                else
                  ready(id, q, ARGV[3])
                end
              end
            end
            local dropped = 0
            local s = qkey(q, 'stream')
            if redis.call('EXISTS', s) == 1 then
              local cursorKey = qkey(q, 'sweep')
              local cursor = redis.call('GET', cursorKey) or '0-0'
              local swept = redis.call('XAUTOCLAIM', s, 'okpi', 'okpi-sweeper', ARGV[5], cursor, 'COUNT', 100, 'JUSTID')
              redis.call('SET', cursorKey, swept[1], 'PX', 86400000)
              for _, entry in ipairs(swept[2]) do
                local found = redis.call('XRANGE', s, entry, entry)
                local live = false
                if #found == 1 then
                  local id = found[1][2][2]
                  local h = redis.call('HMGET', jobkey(id), 'state', 'entry')
                  live = h[1] == 'running' and h[2] == entry
                end
                if not live then
                  redis.call('XACK', s, 'okpi', entry)
                  if #found == 1 then redis.call('XDEL', s, entry) end
                  dropped = dropped + 1
                end
              end
              if swept[3] then dropped = dropped + #swept[3] end
            end
            return {taken, dropped}
            """);

    /** ARGV: base, queue. Deletes the ready and delayed jobs of the queue. Returns how many. */
    static final LuaScript CLEAR = script(ScriptOutputType.INTEGER, """
            local q = ARGV[2]
            local removed = 0
            local s = qkey(q, 'stream')
            for _, e in ipairs(redis.call('XRANGE', s, '-', '+')) do
              local id = e[2][2]
              local h = redis.call('HMGET', jobkey(id), 'state', 'entry', 'dedup')
              if h[1] == 'ready' and h[2] == e[1] then
                free_dedup(id, h[3])
                redis.call('DEL', jobkey(id))
                redis.call('XDEL', s, e[1])
                removed = removed + 1
              end
            end
            local delayed = qkey(q, 'delayed')
            for _, id in ipairs(redis.call('ZRANGE', delayed, 0, -1)) do
              free_dedup(id, redis.call('HGET', jobkey(id), 'dedup'))
              redis.call('DEL', jobkey(id))
              removed = removed + 1
            end
            redis.call('DEL', delayed)
            return removed
            """);

    /**
     * ARGV: base, now. Per queue: name, paused (1/0), pending, running, completed, failed,
     * completions of the last 60 s, the number of wait samples, then the samples.
     */
    static final LuaScript STATS = script(ScriptOutputType.MULTI, """
            local now = tonumber(ARGV[2])
            local second = math.floor(now / 1000)
            local minute = math.floor(second / 60)
            local names = redis.call('SUNION', base .. 'queues', base .. 'paused')
            local out = {}
            for _, q in ipairs(names) do
              local running = redis.call('ZCARD', qkey(q, 'leases'))
              local pending = redis.call('XLEN', qkey(q, 'stream')) - running + redis.call('ZCARD', qkey(q, 'delayed'))
              local counts = redis.call('HMGET', qkey(q, 'counts'), 'completed', 'failed')
              local done = 0
              for m = minute - 1, minute do
                local fields = redis.call('HGETALL', qkey(q, 'done:' .. m))
                for i = 1, #fields, 2 do
                  local at = tonumber(fields[i])
                  if at > second - 60 and at <= second then done = done + tonumber(fields[i + 1]) end
                end
              end
              local waits = redis.call('LRANGE', qkey(q, 'waits'), 0, -1)
              table.insert(out, q)
              table.insert(out, redis.call('SISMEMBER', base .. 'paused', q))
              table.insert(out, math.max(0, pending))
              table.insert(out, running)
              table.insert(out, tonumber(counts[1] or '0'))
              table.insert(out, tonumber(counts[2] or '0'))
              table.insert(out, done)
              table.insert(out, #waits)
              for _, w in ipairs(waits) do table.insert(out, tonumber(w)) end
            end
            return out
            """);

    /**
     * ARGV: base, now, dedup TTL ms, then job ids. Moves each failed job back to its queue with no
     * attempt used, taking its dedup key back when it is free. Returns the queues it touched.
     */
    static final LuaScript RETRY = script(ScriptOutputType.MULTI, """
            local queues = {}
            for i = 4, #ARGV do
              local id = ARGV[i]
              local h = redis.call('HMGET', jobkey(id), 'state', 'queue', 'dedup')
              if h[1] == 'failed' then
                drop_failed(id, h[2])
                redis.call('HSET', jobkey(id), 'att', 0)
                redis.call('HDEL', jobkey(id), 'err', 'failedAt', 'fkey')
                local k = dedupkey(h[3])
                if k then redis.call('SET', k, id, 'NX', 'PX', ARGV[3]) end
                ready(id, h[2], ARGV[2])
                table.insert(queues, h[2])
              end
            end
            return queues
            """);

    /** ARGV: base, then job ids. Deletes each failed job. Returns how many. */
    static final LuaScript FORGET = script(ScriptOutputType.INTEGER, """
            local n = 0
            for i = 2, #ARGV do
              local id = ARGV[i]
              local h = redis.call('HMGET', jobkey(id), 'state', 'queue')
              if h[1] == 'failed' then
                drop_failed(id, h[2])
                redis.call('DEL', jobkey(id))
                n = n + 1
              end
            end
            return n
            """);
}
