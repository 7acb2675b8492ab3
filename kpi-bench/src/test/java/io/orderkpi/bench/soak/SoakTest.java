package io.orderkpi.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A soak of 24 s on a real MySQL and Redis: every check is evaluated and holds, progress is
 * printed, and nothing the soak created is left behind. No figure is asserted but the verdicts.
 */
@Tag(TestTags.LOCATED_SERVER)
@Tag(TestTags.CHILD_JVM)
class SoakTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    @Test
    void aShortSoakEvaluatesEveryCheckAndPassesAndLeavesNothingBehind() throws Exception {
        String mysql = MYSQL.newDatabase();
        SoakOptions options = SoakOptions.parse("0.4").on(mysql, REDIS.redis().uri(), Duration.ofSeconds(10));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        SoakReport report = Soak.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(report.checks()).extracting(Check::name).containsExactlyElementsOf(SoakReport.ALL);
        assertThat(report.checks()).allSatisfy(check -> assertThat(check.passed()).as("%s\n%s", check, output)
                .isTrue());
        assertThat(report.passed()).isTrue();
        assertThat(output).contains("Soak passed.").containsPattern("\\[10 s / 24 s] orders sent \\d+");

        String database = group(output, "MySQL database (\\S+),");
        String prefix = group(output, "Redis prefix (\\S+),");
        assertThat(REDIS.redis().keys(prefix + ":")).as("keys left under %s", prefix).isEmpty();
        try (Connection connection = DriverManager.getConnection(mysql);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).as("database %s left behind", database).isZero();
            }
        }
    }

    private static String group(String output, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        assertThat(matcher.find()).as("%s in\n%s", regex, output).isTrue();
        return matcher.group(1);
    }
}
