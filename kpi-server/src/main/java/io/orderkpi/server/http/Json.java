package io.orderkpi.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one {@link ObjectMapper} of the server: thread-safe once configured, and expensive enough
 * to build that it must be shared. Records are written with snake_case names
 * ({@code totalRevenue} → {@code total_revenue}), dates as {@code 2025-11-16}, instants as
 * ISO-8601 UTC with {@code Z}, and {@link java.math.BigDecimal} as plain numbers (money is always
 * passed as a scale-2 {@code BigDecimal}, so it shows as {@code 15234.50}).
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            // The API is strict about what it reads: a misspelt field is an error, not a default.
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {
    }
}
