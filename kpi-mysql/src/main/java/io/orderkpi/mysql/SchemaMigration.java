package io.orderkpi.mysql;

/** What a store does with the database schema when it starts ({@code ORDERKPI_MYSQL_MIGRATE}). */
public enum SchemaMigration {
    /** Create the schema or bring it to the current version (the default). */
    AUTO,
    /** Refuse to start unless the schema is exactly the current version; change nothing. */
    VALIDATE,
    /** Trust the schema as it is (the operator migrates with {@code ./orderkpi db migrate}). */
    OFF
}
