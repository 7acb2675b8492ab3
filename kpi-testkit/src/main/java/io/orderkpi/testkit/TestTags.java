package io.orderkpi.testkit;

/**
 * JUnit 5 tags, so a build can select tests by what they need (Maven: {@code -Dgroups=...},
 * {@code -DexcludedGroups=...}).
 */
public final class TestTags {

    /**
     * A test whose MySQL or Redis is located as {@link MySqlServerExtension#create()} and
     * {@link RedisExtension#shared()} do: the server named by the environment, else the local one,
     * else one started from Maven artifacts. Only these tests run differently on a machine with
     * nothing but Java; a test that always starts or owns its server does not, and is not tagged.
     */
    public static final String LOCATED_SERVER = "located-server";

    /**
     * A test that runs servers in child JVMs and kills, stops or restarts them: the slowest tests
     * of the build, minutes of it.
     */
    public static final String CHILD_JVM = "child-jvm";

    private TestTags() {
    }
}
