package io.orderkpi.mysql;

import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.lang.StoreUnavailableException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The record store's schema, versioned by Flyway migrations under
 * {@code io/orderkpi/mysql/migration} (history table {@code flyway_schema_history}).
 */
public final class MySqlSchema {

    private MySqlSchema() {
    }

    /**
     * Applies {@code migration} to the database of {@code dataSource}.
     *
     * @return how many migrations ran (0 unless {@link SchemaMigration#AUTO} found work)
     * @throws OrderKpiException         when the schema is not current and must not be changed, or
     *                                   a migration fails
     * @throws StoreUnavailableException when the database cannot be reached
     */
    public static int apply(DataSource dataSource, SchemaMigration migration) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(migration, "migration");
        if (migration == SchemaMigration.OFF) {
            return 0;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:io/orderkpi/mysql/migration")
                .failOnMissingLocations(true)
                .load();
        try {
            if (migration == SchemaMigration.VALIDATE) {
                var result = flyway.validateWithResult();
                if (!result.validationSuccessful) {
                    throw new OrderKpiException("The MySQL schema is not at the version this OrderKPI needs ("
                            + result.getAllErrorMessages() + "); run ./orderkpi db migrate or set "
                            + "ORDERKPI_MYSQL_MIGRATE=auto");
                }
                return 0;
            }
            MigrateResult result = flyway.migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            if (isConnectionFailure(e)) {
                throw new StoreUnavailableException("MySQL unavailable while checking the schema: " + e.getMessage(),
                        e);
            }
            throw new OrderKpiException("MySQL schema migration failed: " + e.getMessage(), e);
        }
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException
                    || cause instanceof java.sql.SQLNonTransientConnectionException
                    || cause instanceof java.sql.SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }
}
