package io.orderkpi.core.importer;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes realistic sample orders as a seed-compatible CSV, for demos, tests and benchmarks.
 * Deterministic: the same {@link Options} give the same bytes. Streams: memory stays constant for
 * any count.
 *
 * <p>The file has the header {@code order_number,customer_id,customer_name,customer_email,status,
 * total_amount,currency,placed_at} and three item groups, LF line endings and quotes only where
 * needed. Each order has 1 to 3 distinct products of a fixed catalogue (unit prices 5.00 to
 * 500.00); {@code total_amount} is exactly the sum of its items. Statuses are about 85 % pending,
 * 8 % paid, 4 % failed, 2 % refunded, 1 % partially_refunded. Customers come from a pool of
 * {@code max(10, count / 5)}, some much more often than others, so leaderboards have a shape;
 * some names need quoting (a quote, a comma, a newline) and some are not ASCII.
 *
 * <p>Orders are written in {@code placed_at} order, as a shop's export would be: uniform over the
 * window from the start of the day {@code days - 1} days before {@code now}'s date (in
 * {@code zone}) up to {@code now}, so that a daily chart shows {@code days} days with today
 * partial. Times are instants with {@code Z}, to the second.
 *
 * <p>Order numbers are {@code ORD-<seed in base 36>-<index from 0000001>}: writing the seed in
 * full (not a hash of it) means two different seeds can never produce the same number, so several
 * samples can share one store, while the same seed again yields the same numbers and a re-import
 * skips them.
 */
public final class SampleOrders {

    private static final String[] HEADER = {"order_number", "customer_id", "customer_name", "customer_email",
        "status", "total_amount", "currency", "placed_at",
        "item1_product_id", "item1_product_name", "item1_sku", "item1_quantity", "item1_unit_price",
        "item2_product_id", "item2_product_name", "item2_sku", "item2_quantity", "item2_unit_price",
        "item3_product_id", "item3_product_name", "item3_sku", "item3_quantity", "item3_unit_price"};
    private static final int MAX_ITEMS = 3;

    /** Names that test the CSV quoting and UTF-8 handling of every consumer of the file. */
    private static final String[] SPECIAL_NAMES = {
        "Dwayne \"The Rock\" Johnson", "Smith, Jane", "Anna\nLindqvist", "Zoë Ångström", "José Müller", "李雷",
        "Renée O'Connor", "Łukasz Żółć", "Ólafur Þórsson", "Mr. \"Bob\" Builder, Jr."};
    /** Every {@code SPECIAL_EVERY}-th customer (from the third) has a special name. */
    private static final int SPECIAL_EVERY = 5;
    private static final String[] FIRST_NAMES = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia",
        "Lucas", "Mia", "Mateo", "Amelia", "Hiro", "Fatima", "Chen", "Priya", "Kwame", "Ingrid", "Diego", "Aisha",
        "Sven", "Yuki", "Omar", "Chloé", "Björn", "Nadia", "Tomás", "Leila", "Ravi", "Hannah", "Marek"};
    private static final String[] LAST_NAMES = {"Smith", "García", "Kim", "Nguyen", "Müller", "Rossi", "Kowalski",
        "Okafor", "Tanaka", "Silva", "Johansson", "Dubois", "Patel", "Cohen", "Novak", "Andersen", "Costa",
        "Yilmaz", "Murphy", "Schmidt", "Haddad", "Ivanova", "Lopez", "Brown", "Sato", "Fischer", "Mendes"};

    private static final String[] ADJECTIVES = {"Classic", "Organic", "Wireless", "Ergonomic", "Compact",
        "Premium", "Vintage", "Smart", "Handmade", "Portable"};
    private static final String[] NOUNS = {"Coffee Mug", "Desk Lamp", "Backpack", "Headphones", "Notebook",
        "Water Bottle", "Keyboard", "Sneakers", "Tea Set", "Cable, USB-C, 2 m"};
    private static final int PRODUCTS = ADJECTIVES.length * NOUNS.length;
    /** Catalogue prices come from a fixed seed: the same product costs the same in every sample. */
    private static final long CATALOGUE_SEED = 0x5EEDL;
    private static final long[] UNIT_PRICE_CENTS = new long[PRODUCTS];

    static {
        SplittableRandom prices = new SplittableRandom(CATALOGUE_SEED);
        for (int p = 0; p < PRODUCTS; p++) {
            UNIT_PRICE_CENTS[p] = prices.nextLong(500, 50_001);
        }
    }

    private SampleOrders() {
    }

    /**
     * What to generate. Immutable.
     *
     * @param count    number of orders, ≥ 0
     * @param seed     the random seed; also part of every order number
     * @param days     width of the placed_at window in days, ≥ 1
     * @param now      the end of the window; set it for reproducible files
     * @param zone     the zone whose days the window spans
     * @param currency the currency column, a 3-letter code (stored upper-case)
     */
    public record Options(int count, long seed, int days, Instant now, ZoneId zone, String currency) {

        public Options {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(currency, "currency");
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0: " + count);
            }
            if (days < 1) {
                throw new IllegalArgumentException("days must be >= 1: " + days);
            }
            if (!ImportSettings.isCurrencyCode(currency)) {
                throw new IllegalArgumentException("currency must be a 3-letter code such as USD: '" + currency + "'");
            }
            currency = currency.toUpperCase(Locale.ROOT);
        }

        /** A builder with 1,000 orders, seed 42, 30 days, now, UTC and USD. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builds {@link Options}; every setting has a default. Not thread-safe.
         */
        public static final class Builder {

            private int count = 1_000;
            private long seed = 42;
            private int days = 30;
            private @Nullable Instant now;
            private ZoneId zone = ZoneOffset.UTC;
            private String currency = "USD";

            private Builder() {
            }

            public Builder count(int count) {
                this.count = count;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder days(int days) {
                this.days = days;
                return this;
            }

            /** The end of the window; without it, the clock's now when {@link #build()} runs. */
            public Builder now(Instant now) {
                this.now = Objects.requireNonNull(now, "now");
                return this;
            }

            public Builder zone(ZoneId zone) {
                this.zone = Objects.requireNonNull(zone, "zone");
                return this;
            }

            public Builder currency(String currency) {
                this.currency = Objects.requireNonNull(currency, "currency");
                return this;
            }

            public Options build() {
                return new Options(count, seed, days, now != null ? now : Instant.now(), zone, currency);
            }
        }
    }

    /**
     * Writes the sample to a new or truncated UTF-8 file.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, Options options) {
        Objects.requireNonNull(file, "file");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, options);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write sample orders to " + file, e);
        }
    }

    /**
     * Writes the sample to {@code out} and flushes it; {@code out} stays open.
     *
     * @throws UncheckedIOException when {@code out} fails
     */
    public static void write(Writer out, Options options) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        // Not closed: closing the CsvWriter would close the caller's writer.
        CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out);
        csv.writeRecord(HEADER);
        new Generator(options).writeOrders(csv);
        try {
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write sample orders", e);
        }
    }

    /** The random walk of one sample; its state is the RNG and the last placed_at. */
    private static final class Generator {

        private final Options options;
        private final SplittableRandom random;
        private final String seedTag;
        private final int customers;
        private final long windowStart;
        private final long windowSeconds;
        private final int[] products = new int[MAX_ITEMS];
        private final int[] quantities = new int[MAX_ITEMS];
        /** Position in [0, 1] of the previous order in the window. */
        private double position;

        Generator(Options options) {
            this.options = options;
            this.random = new SplittableRandom(options.seed());
            this.seedTag = Long.toUnsignedString(options.seed(), 36).toUpperCase(Locale.ROOT);
            this.customers = Math.max(10, options.count() / 5);
            long end = options.now().getEpochSecond();
            long start = options.now().atZone(options.zone()).toLocalDate().minusDays(options.days() - 1L)
                    .atStartOfDay(options.zone()).toEpochSecond();
            this.windowStart = start;
            this.windowSeconds = end - start;
        }

        void writeOrders(CsvWriter csv) {
            for (int index = 0; index < options.count(); index++) {
                writeOrder(csv, index);
            }
        }

        private void writeOrder(CsvWriter csv, int index) {
            int customer = customer();
            int items = itemCount();
            long total = 0;
            for (int i = 0; i < items; i++) {
                products[i] = distinctProduct(i);
                quantities[i] = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(4);
                total += UNIT_PRICE_CENTS[products[i]] * quantities[i];
            }
            String customerId = customerId(customer);
            CsvWriter.CsvWriterRecord record = csv.writeRecord()
                    .writeField(orderNumber(index))
                    .writeField(customerId)
                    .writeField(customerName(customer))
                    .writeField(customerId.toLowerCase(Locale.ROOT) + "@example.com")
                    .writeField(status())
                    .writeField(money(total))
                    .writeField(options.currency())
                    .writeField(placedAt(index));
            for (int i = 0; i < MAX_ITEMS; i++) {
                if (i < items) {
                    int p = products[i];
                    record.writeField(productId(p)).writeField(productName(p)).writeField(sku(p))
                            .writeField(Integer.toString(quantities[i])).writeField(money(UNIT_PRICE_CENTS[p]));
                } else {
                    record.writeField("").writeField("").writeField("").writeField("").writeField("");
                }
            }
            record.endRecord();
        }

        private String orderNumber(int index) {
            return "ORD-" + seedTag + "-" + padded(index + 1L, 7);
        }

        /** Skewed to low indexes (density ∝ 1/√x): a few customers order much more than most. */
        private int customer() {
            double u = random.nextDouble();
            return Math.min(customers - 1, (int) (customers * u * u));
        }

        private int itemCount() {
            int r = random.nextInt(100);
            return r < 55 ? 1 : r < 85 ? 2 : 3;
        }

        private int distinctProduct(int slot) {
            while (true) {
                int candidate = random.nextInt(PRODUCTS);
                boolean taken = false;
                for (int i = 0; i < slot; i++) {
                    taken |= products[i] == candidate;
                }
                if (!taken) {
                    return candidate;
                }
            }
        }

        private String status() {
            int r = random.nextInt(100);
            if (r < 85) {
                return "pending";
            }
            if (r < 93) {
                return "paid";
            }
            if (r < 97) {
                return "failed";
            }
            return r < 99 ? "refunded" : "partially_refunded";
        }

        /**
         * The next of {@code count} sorted uniform points, drawn one at a time: the minimum of the
         * {@code n} points still to come is at {@code 1 - U^(1/n)} of the remaining span. This keeps
         * the file in time order without holding the points in memory.
         */
        private String placedAt(int index) {
            int remaining = options.count() - index;
            double u = 1.0 - random.nextDouble();
            position += (1.0 - position) * (1.0 - Math.pow(u, 1.0 / remaining));
            long offset = Math.min(windowSeconds, (long) (position * windowSeconds));
            return Instant.ofEpochSecond(windowStart + offset).toString();
        }

        private static String customerId(int customer) {
            return "CUST-" + padded(customer + 1L, 5);
        }

        private static String customerName(int customer) {
            if (customer % SPECIAL_EVERY == 2) {
                return SPECIAL_NAMES[(customer / SPECIAL_EVERY) % SPECIAL_NAMES.length];
            }
            String first = FIRST_NAMES[(customer * 7 + 3) % FIRST_NAMES.length];
            String last = LAST_NAMES[(customer + customer / FIRST_NAMES.length) % LAST_NAMES.length];
            return first + " " + last;
        }

        private static String productId(int product) {
            return "PRD-" + padded(product + 1L, 3);
        }

        private static String productName(int product) {
            return ADJECTIVES[product % ADJECTIVES.length] + " " + NOUNS[product / ADJECTIVES.length];
        }

        private static String sku(int product) {
            String noun = NOUNS[product / ADJECTIVES.length];
            return "SKU-" + noun.substring(0, 3).toUpperCase(Locale.ROOT) + "-" + padded(product + 1L, 3);
        }

        /** Zero-padded to at least {@code width} digits; wider numbers keep all their digits. */
        private static String padded(long value, int width) {
            String digits = Long.toString(value);
            return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
        }

        private static String money(long cents) {
            long cent = cents % 100;
            return (cents / 100) + (cent < 10 ? ".0" : ".") + cent;
        }
    }
}
