package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderValidationTest {

    private static final ImportSettings UTC = new ImportSettings("USD", ZoneOffset.UTC,
            Instant.parse("2025-06-01T12:00:00Z"));

    private static Map<String, String> validFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("order_number", "ORD-1");
        fields.put("customer_id", "CUST-1");
        fields.put("customer_name", "Zoë Ångström");
        fields.put("customer_email", "zoe@example.com");
        fields.put("total_amount", "129.50");
        fields.put("item1_product_id", "P-1");
        fields.put("item1_product_name", "Mug");
        fields.put("item1_sku", "SKU-1");
        fields.put("item1_quantity", "2");
        fields.put("item1_unit_price", "64.75");
        return fields;
    }

    @Test
    void acceptsAValidOrderWithTheDefaultsOfACsvRow() {
        NewOrder order = OrderValidation.validate(validFields(), UTC);

        assertThat(order.orderNumber()).isEqualTo("ORD-1");
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.currency()).isEqualTo("USD");
        assertThat(order.placedAt()).isEqualTo(UTC.defaultPlacedAt());
        assertThat(order.totalAmount()).isEqualTo(Money.parse("129.50"));
        assertThat(order.items()).containsExactly(new OrderItem("P-1", "Mug", "SKU-1", 2, Money.parse("64.75")));
    }

    @Test
    void givesTheSameOrderAsTheSameCsvRow() {
        Map<String, String> fields = validFields();
        fields.put("status", "reserved");
        fields.put("placed_at", "2025-05-31 10:00:00");
        String csv = String.join(",", fields.keySet()) + "\n" + String.join(",", fields.values()) + "\n";
        NewOrder fromCsv;
        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), UTC)) {
            fromCsv = ((ParsedRow.Valid) reader.next()).order();
        }

        assertThat(OrderValidation.validate(fields, UTC)).isEqualTo(fromCsv);
    }

    @Test
    void namesTheFirstFieldThatFailsAsACsvRejectionDoes() {
        Map<String, String> fields = validFields();
        fields.put("total_amount", "-1");
        fields.put("item1_quantity", "x");

        assertThatThrownBy(() -> OrderValidation.validate(fields, UTC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total_amount: must be greater than 0");
    }

    @Test
    void treatsAMissingRequiredFieldAsEmptyNotAsARefusedFile() {
        Map<String, String> fields = validFields();
        fields.remove("total_amount");

        assertThatThrownBy(() -> OrderValidation.validate(fields, UTC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total_amount: required");
    }

    @Test
    void checksLaterItemGroupsAndCurrency() {
        Map<String, String> fields = validFields();
        fields.put("item2_product_id", "P-2");
        fields.put("item2_quantity", "1");
        assertThatThrownBy(() -> OrderValidation.validate(fields, UTC)).hasMessage("item2_unit_price: required");

        Map<String, String> euros = validFields();
        euros.put("currency", "EUR");
        assertThatThrownBy(() -> OrderValidation.validate(euros, UTC)).hasMessageStartingWith("currency: ");
    }
}
