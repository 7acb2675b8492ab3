package io.orderkpi.redis;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script the adapters run with {@code EVALSHA}: its source, its SHA-1 (computed here, so no
 * {@code SCRIPT LOAD} round trip is needed) and the reply type Lettuce decodes.
 */
interface LuaScript {

    ScriptOutputType output();

    String source();

    String sha();

    /** A script of the given reply type. */
    static LuaScript of(ScriptOutputType output, String source) {
        return new Source(output, source, sha1(source));
    }

    /** A script made by {@link #of}. */
    record Source(ScriptOutputType output, String source, String sha) implements LuaScript {
    }

    /** The SHA-1 Redis names a script by. */
    static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-1", e);
        }
    }
}
