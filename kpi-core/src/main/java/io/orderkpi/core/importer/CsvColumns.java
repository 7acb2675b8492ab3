package io.orderkpi.core.importer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where each known column of an order CSV sits, worked out once from the header so that a row is
 * read by array index, never by name. Values live in "slots": the eight order columns first, then
 * five slots per item group in ascending group number, so that validation walks items in order
 * however the header arranged them.
 */
final class CsvColumns {

    static final int ORDER_NUMBER = 0;
    static final int CUSTOMER_ID = 1;
    static final int CUSTOMER_NAME = 2;
    static final int CUSTOMER_EMAIL = 3;
    static final int STATUS = 4;
    static final int TOTAL_AMOUNT = 5;
    static final int CURRENCY = 6;
    static final int PLACED_AT = 7;
    static final int ORDER_SLOTS = 8;

    static final int PRODUCT_ID = 0;
    static final int PRODUCT_NAME = 1;
    static final int SKU = 2;
    static final int QUANTITY = 3;
    static final int UNIT_PRICE = 4;
    static final int ITEM_SLOTS = 5;

    private static final String[] ORDER_COLUMNS = {"order_number", "customer_id", "customer_name", "customer_email",
        "status", "total_amount", "currency", "placed_at"};
    private static final String[] ITEM_COLUMNS = {"product_id", "product_name", "sku", "quantity", "unit_price"};
    private static final List<String> REQUIRED = List.of("order_number", "customer_id", "total_amount",
            "item1_product_id", "item1_quantity", "item1_unit_price");

    /** Group numbers beyond this are not item columns; it keeps {@code itemN} parsing in an int. */
    private static final int MAX_GROUP_DIGITS = 6;

    private final int headerFields;
    private final int[] slotOfField;
    private final String[] slotNames;
    private final int itemGroups;

    private CsvColumns(int headerFields, int[] slotOfField, String[] slotNames, int itemGroups) {
        this.headerFields = headerFields;
        this.slotOfField = slotOfField;
        this.slotNames = slotNames;
        this.itemGroups = itemGroups;
    }

    /**
     * Maps a header row. Names are compared trimmed and case-insensitively; unknown names (and
     * repeats of them, such as the empty names of trailing commas) are ignored.
     *
     * @throws ImportRefusedException when a required column is missing or a known one repeats
     */
    static CsvColumns of(List<String> header) {
        Map<String, Integer> fieldOfName = new HashMap<>();
        SortedSet<Integer> groups = new TreeSet<>();
        List<String> duplicates = new ArrayList<>();
        for (int field = 0; field < header.size(); field++) {
            String name = header.get(field).strip().toLowerCase(Locale.ROOT);
            int group = itemGroup(name);
            if (group == 0 && !Arrays.asList(ORDER_COLUMNS).contains(name)) {
                continue;
            }
            if (fieldOfName.putIfAbsent(name, field) != null && !duplicates.contains(name)) {
                duplicates.add(name);
            }
            if (group > 0) {
                groups.add(group);
            }
        }

        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) {
            if (!fieldOfName.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            String message = "Missing required column(s): " + String.join(", ", missing);
            if (fieldOfName.isEmpty()) {
                message += " (the first non-blank line must be the header row naming the columns)";
            }
            throw new ImportRefusedException(message);
        }
        if (!duplicates.isEmpty()) {
            throw new ImportRefusedException("Duplicate column(s) in the header: " + String.join(", ", duplicates)
                    + " (each column may appear once)");
        }

        int slots = ORDER_SLOTS + ITEM_SLOTS * groups.size();
        String[] slotNames = new String[slots];
        System.arraycopy(ORDER_COLUMNS, 0, slotNames, 0, ORDER_SLOTS);
        int index = 0;
        for (int group : groups) {
            for (int f = 0; f < ITEM_SLOTS; f++) {
                slotNames[ORDER_SLOTS + index * ITEM_SLOTS + f] = "item" + group + "_" + ITEM_COLUMNS[f];
            }
            index++;
        }
        int[] slotOfField = new int[header.size()];
        Arrays.fill(slotOfField, -1);
        for (int slot = 0; slot < slots; slot++) {
            Integer field = fieldOfName.get(slotNames[slot]);
            if (field != null) {
                slotOfField[field] = slot;
            }
        }
        return new CsvColumns(header.size(), slotOfField, slotNames, groups.size());
    }

    /** N of an {@code itemN_<field>} name, or 0 when the name is no item column. */
    private static int itemGroup(String name) {
        if (!name.startsWith("item")) {
            return 0;
        }
        int underscore = name.indexOf('_', 4);
        int digits = underscore - 4;
        if (digits < 1 || digits > MAX_GROUP_DIGITS || name.charAt(4) == '0') {
            return 0;
        }
        int group = 0;
        for (int i = 4; i < underscore; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            group = group * 10 + (c - '0');
        }
        return Arrays.asList(ITEM_COLUMNS).contains(name.substring(underscore + 1)) ? group : 0;
    }

    /** Fields in the header row. */
    int headerFields() {
        return headerFields;
    }

    /** Slot of each header field, -1 for ignored ones; a row's extra fields have none. */
    int[] slotOfField() {
        return slotOfField.clone();
    }

    int slots() {
        return slotNames.length;
    }

    /** The column name of a slot as rejection reasons show it, e.g. {@code item2_quantity}. */
    String name(int slot) {
        return slotNames[slot];
    }

    int itemGroups() {
        return itemGroups;
    }

    /** The slot of field {@code field} (PRODUCT_ID…UNIT_PRICE) of the {@code index}-th group. */
    static int itemSlot(int index, int field) {
        return ORDER_SLOTS + index * ITEM_SLOTS + field;
    }
}
