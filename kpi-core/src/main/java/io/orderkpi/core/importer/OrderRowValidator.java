package io.orderkpi.core.importer;

import static io.orderkpi.core.importer.CsvColumns.CURRENCY;
import static io.orderkpi.core.importer.CsvColumns.CUSTOMER_EMAIL;
import static io.orderkpi.core.importer.CsvColumns.CUSTOMER_ID;
import static io.orderkpi.core.importer.CsvColumns.CUSTOMER_NAME;
import static io.orderkpi.core.importer.CsvColumns.ORDER_NUMBER;
import static io.orderkpi.core.importer.CsvColumns.PLACED_AT;
import static io.orderkpi.core.importer.CsvColumns.PRODUCT_ID;
import static io.orderkpi.core.importer.CsvColumns.PRODUCT_NAME;
import static io.orderkpi.core.importer.CsvColumns.QUANTITY;
import static io.orderkpi.core.importer.CsvColumns.SKU;
import static io.orderkpi.core.importer.CsvColumns.STATUS;
import static io.orderkpi.core.importer.CsvColumns.TOTAL_AMOUNT;
import static io.orderkpi.core.importer.CsvColumns.UNIT_PRICE;

import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The field rules of SPEC §3, applied to one collected record. Checks run in a fixed order and the
 * first failure is the row's reason: row size, field count, order_number, customer_id,
 * customer_name, customer_email, status, currency, total_amount, placed_at, then each item group
 * in ascending N (product_id, product_name, sku, quantity, unit_price), then "at least one item".
 */
final class OrderRowValidator {

    /** Values quoted in reasons are cut here: reasons are shown in lists and CSV reports. */
    private static final int MAX_QUOTED = 40;

    private final CsvColumns columns;
    private final ImportSettings settings;

    OrderRowValidator(CsvColumns columns, ImportSettings settings) {
        this.columns = columns;
        this.settings = settings;
    }

    ParsedRow validate(RecordCollector record) {
        String orderNumber = record.value(ORDER_NUMBER);
        try {
            return new ParsedRow.Valid(record.line(), order(record, orderNumber));
        } catch (RowRejected rejected) {
            return new ParsedRow.Rejected(new RejectedRow(record.line(), orderNumber, rejected.getMessage(),
                    record.rawFields()));
        }
    }

    private NewOrder order(RecordCollector record, String orderNumber) {
        if (record.oversized()) {
            throw new RowRejected("row: longer than " + RecordCollector.MAX_ROW_BYTES + " bytes");
        }
        if (record.fieldCount() > columns.headerFields()) {
            throw new RowRejected("row: has " + record.fieldCount() + " fields, header has " + columns.headerFields());
        }
        if (record.blank()) {
            throw new RowRejected("row: holds no value, only separators or spaces");
        }
        required(ORDER_NUMBER, orderNumber);
        maxLength(ORDER_NUMBER, orderNumber, NewOrder.MAX_ORDER_NUMBER);

        String customerId = record.value(CUSTOMER_ID);
        required(CUSTOMER_ID, customerId);
        maxLength(CUSTOMER_ID, customerId, NewOrder.MAX_CUSTOMER_ID);
        if (!isCustomerId(customerId)) {
            throw rejected(CUSTOMER_ID, "only letters, digits, '-', '_' and '.' are allowed " + quote(customerId));
        }
        String customerName = record.value(CUSTOMER_NAME);
        maxLength(CUSTOMER_NAME, customerName, NewOrder.MAX_NAME);
        String customerEmail = record.value(CUSTOMER_EMAIL);
        maxLength(CUSTOMER_EMAIL, customerEmail, NewOrder.MAX_EMAIL);

        OrderStatus status = status(record.value(STATUS));
        checkCurrency(record.value(CURRENCY));
        Money total = amount(TOTAL_AMOUNT, record.value(TOTAL_AMOUNT));
        Instant placedAt = placedAt(record.value(PLACED_AT));
        List<OrderItem> items = items(record);
        return new NewOrder(orderNumber, customerId, customerName, customerEmail, status, total,
                settings.currency(), items, placedAt);
    }

    private List<OrderItem> items(RecordCollector record) {
        List<OrderItem> items = new ArrayList<>(Math.min(columns.itemGroups(), 4));
        for (int group = 0; group < columns.itemGroups(); group++) {
            int base = CsvColumns.itemSlot(group, 0);
            String productId = record.value(base + PRODUCT_ID);
            String productName = record.value(base + PRODUCT_NAME);
            String sku = record.value(base + SKU);
            String quantityText = record.value(base + QUANTITY);
            String unitPriceText = record.value(base + UNIT_PRICE);
            if (productId.isEmpty() && productName.isEmpty() && sku.isEmpty() && quantityText.isEmpty()
                    && unitPriceText.isEmpty()) {
                continue;
            }
            required(base + PRODUCT_ID, productId);
            maxLength(base + PRODUCT_ID, productId, NewOrder.MAX_PRODUCT_ID);
            maxLength(base + PRODUCT_NAME, productName, NewOrder.MAX_PRODUCT_NAME);
            maxLength(base + SKU, sku, NewOrder.MAX_SKU);
            int quantity = quantity(base + QUANTITY, quantityText);
            Money unitPrice = amount(base + UNIT_PRICE, unitPriceText);
            try {
                Math.multiplyExact(unitPrice.cents(), quantity);
            } catch (ArithmeticException e) {
                throw rejected(base + QUANTITY, "quantity * unit_price is too large");
            }
            items.add(new OrderItem(productId, productName, sku, quantity, unitPrice));
        }
        if (items.isEmpty()) {
            throw new RowRejected("items: at least one item is required");
        }
        return items;
    }

    private void required(int slot, String value) {
        if (value.isEmpty()) {
            throw rejected(slot, "required");
        }
    }

    /** Lengths count code points, as the stores' character columns do, not UTF-16 chars. */
    private void maxLength(int slot, String value, int max) {
        if (value.length() > max && value.codePointCount(0, value.length()) > max) {
            throw rejected(slot, "longer than " + max + " characters");
        }
    }

    /** ASCII only: customer ids end up in URLs, cache keys and log lines. */
    private static boolean isCustomerId(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private OrderStatus status(String value) {
        if (value.isEmpty()) {
            return OrderStatus.PENDING;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "pending" -> OrderStatus.PENDING;
            case "reserved" -> OrderStatus.STOCK_RESERVED;
            case "paid" -> OrderStatus.COMPLETED;
            case "failed" -> OrderStatus.CANCELLED;
            case "refunded" -> OrderStatus.REFUNDED;
            case "partially_refunded" -> OrderStatus.PARTIALLY_REFUNDED;
            default -> throw rejected(STATUS, "unknown status " + quote(value)
                    + " (expected pending, reserved, paid, failed, refunded or partially_refunded)");
        };
    }

    private void checkCurrency(String value) {
        if (value.isEmpty() || value.equalsIgnoreCase(settings.currency())) {
            return;
        }
        if (!ImportSettings.isCurrencyCode(value)) {
            throw rejected(CURRENCY, "not a 3-letter ISO 4217 code " + quote(value));
        }
        throw rejected(CURRENCY, value.toUpperCase(Locale.ROOT) + " is not the reporting currency "
                + settings.currency());
    }

    /** A positive amount with at most two decimals, parsed by {@link Money#parse} once its shape is right. */
    private Money amount(int slot, String value) {
        required(slot, value);
        int decimals = decimals(value);
        if (decimals < 0) {
            throw rejected(slot, "not a decimal number " + quote(value));
        }
        Money money;
        try {
            money = Money.parse(value);
        } catch (NumberFormatException e) {
            throw rejected(slot, decimals > 2 ? "more than 2 decimals " + quote(value)
                    : "not a decimal number " + quote(value));
        } catch (ArithmeticException e) {
            throw rejected(slot, "too large " + quote(value));
        }
        if (!money.isPositive()) {
            throw rejected(slot, "must be greater than 0");
        }
        return money;
    }

    /**
     * The number of significant decimals of a plain decimal ({@code [+-]digits[.digits]}, trailing
     * zeros not counted), or -1 when the text is not one; {@code 1e3}, {@code 1,5} and
     * {@code 1.2.3} are not.
     */
    private static int decimals(String value) {
        int i = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
        int digits = 0;
        int point = -1;
        int lastNonZero = -1;
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                if (c != '0') {
                    lastNonZero = i;
                }
            } else if (c == '.' && point < 0) {
                point = i;
            } else {
                return -1;
            }
        }
        if (digits == 0) {
            return -1;
        }
        return point < 0 || lastNonZero < point ? 0 : lastNonZero - point;
    }

    private int quantity(int slot, String value) {
        required(slot, value);
        boolean negative = value.charAt(0) == '-';
        int i = negative || value.charAt(0) == '+' ? 1 : 0;
        if (i == value.length()) {
            throw rejected(slot, "not an integer " + quote(value));
        }
        long quantity = 0;
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw rejected(slot, "not an integer " + quote(value));
            }
            if (quantity <= Integer.MAX_VALUE) {
                quantity = quantity * 10 + (c - '0');
            }
        }
        if (negative || quantity == 0) {
            throw rejected(slot, "must be greater than 0");
        }
        if (quantity > Integer.MAX_VALUE) {
            throw rejected(slot, "too large " + quote(value));
        }
        return (int) quantity;
    }

    /**
     * ISO-8601: a date (start of that day in the import's zone), a local date-time (in that zone)
     * or a date-time with {@code Z} or an offset. A space instead of {@code T} is accepted, as
     * database exports write it.
     */
    private Instant placedAt(String value) {
        if (value.isEmpty()) {
            return settings.defaultPlacedAt();
        }
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(settings.zone()).toInstant();
            }
            String text = value.length() > 10 && value.charAt(10) == ' '
                    ? value.substring(0, 10) + 'T' + value.substring(11) : value;
            Instant fast = fastUtc(text);
            if (fast != null) {
                return fast;
            }
            if (hasOffset(text)) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).atZone(settings.zone()).toInstant();
        } catch (DateTimeException e) {
            throw rejected(PLACED_AT, "not an ISO-8601 date or date-time " + quote(value));
        }
    }

    private static boolean hasOffset(String text) {
        char last = text.charAt(text.length() - 1);
        if (last == 'Z' || last == 'z') {
            return true;
        }
        for (int i = 11; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+' || c == '-') {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ssZ}, the form exports (and {@link SampleOrders}) write most, without
     * the general formatter, which costs more than the rest of a row's checks together. Null when
     * the text has another form; the general parsers then decide.
     */
    private static Instant fastUtc(String t) {
        if (t.length() != 20 || t.charAt(19) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
                || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        // LocalDateTime.of validates every field (month 13, 30 February) with DateTimeException.
        return Instant.ofEpochSecond(LocalDateTime.of(year, month, day, hour, minute, second)
                .toEpochSecond(ZoneOffset.UTC));
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private RowRejected rejected(int slot, String reason) {
        return new RowRejected(columns.name(slot) + ": " + reason);
    }

    private static String quote(String value) {
        if (value.length() <= MAX_QUOTED) {
            return "'" + value + "'";
        }
        int cut = Character.isHighSurrogate(value.charAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
        return "'" + value.substring(0, cut) + "...'";
    }

    /**
     * Ends the checks of a row at its first problem. No stack trace: rejected rows can be many,
     * and the reason is all that is reported.
     */
    private static final class RowRejected extends RuntimeException {

        RowRejected(String reason) {
            super(reason, null, false, false);
        }
    }
}
