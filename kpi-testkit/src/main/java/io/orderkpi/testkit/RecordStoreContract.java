package io.orderkpi.testkit;

import static io.orderkpi.testkit.TestEvents.TAG;
import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestImports.aChunk;
import static io.orderkpi.testkit.TestImports.anImport;
import static io.orderkpi.testkit.TestNotifications.aNotification;
import static io.orderkpi.testkit.TestOrders.aNewOrder;
import static io.orderkpi.testkit.TestOrders.anItem;
import static io.orderkpi.testkit.TestOrders.anOrder;
import static io.orderkpi.testkit.TestOrders.uniqueOrderNumber;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.IllegalTransitionException;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.OrderNotRefundableException;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.refund.RefundType;
import io.orderkpi.core.spi.ChunkOutOfOrderException;
import io.orderkpi.core.spi.DuplicateOrderException;
import io.orderkpi.core.spi.FencedOutException;
import io.orderkpi.core.spi.ImportRecords;
import io.orderkpi.core.spi.ImportedOrderEvents;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.spi.RefundQuery;
import io.orderkpi.core.spi.RefundRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RecordStore} must have, as JUnit 5 tests: the orders view (insert,
 * import chunks, status transitions, keyset listing), the imports, refunds and notifications views,
 * the outbox (delivery per subscriber, registered subscribers, fenced marks, dead letters that hold
 * back their order, positions whose sequences become visible in order) and history retention,
 * including the atomicity and compare-and-set guarantees under concurrent calls.
 *
 * <p>An adapter author subclasses it and returns a fresh, empty store from {@link #newStore()};
 * every test gets its own store and closes it afterwards:
 *
 * <pre>{@code
 * class JdbcRecordStoreContractTest extends RecordStoreContract {
 *
 *     @RegisterExtension
 *     static final MyDatabaseExtension DB = new MyDatabaseExtension();
 *
 *     @Override
 *     protected RecordStore newStore() {
 *         return JdbcRecordStore.create(DB.freshSchema());
 *     }
 * }
 * }</pre>
 *
 * <p>The tests are grouped in {@link Nested} classes per view, which JUnit runs for the subclass
 * too. They never sleep: concurrent tests start their threads together on a barrier or latch and
 * wait for them with a bound. Instants the tests choose are whole seconds, so a store may keep
 * microseconds; what a store returns from a write must equal what it reads back.
 */
public abstract class RecordStoreContract {

    private static final int WAIT_SECONDS = 30;
    /** The fencing token of marks in tests that are not about fencing. */
    private static final long FENCE = 1;

    private RecordStore store;

    /** A new, empty store. Called once before each test; the test closes it. */
    protected abstract RecordStore newStore();

    /** The store of the running test. */
    protected final RecordStore store() {
        return store;
    }

    @BeforeEach
    final void openStore() {
        store = newStore();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- shortcuts ----

    private OrderRecords orders() {
        return store.orders();
    }

    private ImportRecords imports() {
        return store.imports();
    }

    private Outbox outbox() {
        return store.outbox();
    }

    private Order insert(NewOrder order, NewEvent... events) {
        return orders().insert(order, List.of(events));
    }

    private Optional<Order> transition(Order order, OrderStatus from, OrderStatus to, NewEvent... events) {
        return orders().transition(order.id(), from, to, OrderChanges.none(), List.of(events));
    }

    private ChunkOutcome insertChunk(ImportChunk chunk) {
        return orders().insertChunk(chunk, ImportedOrderEvents.NONE);
    }

    /** Every page of a query, following {@code nextKey} until it is empty. */
    private List<Page<Order>> pages(OrderQuery firstPage) {
        List<Page<Order>> pages = new ArrayList<>();
        OrderQuery query = firstPage;
        while (true) {
            Page<Order> page = orders().list(query);
            pages.add(page);
            if (page.nextKey().isEmpty()) {
                return pages;
            }
            assertThat(pages).as("pages of %s (a nextKey that never ends?)", firstPage).hasSizeLessThan(10_000);
            query = query.before(page.nextKey().getAsLong());
        }
    }

    private List<Order> listAll(OrderQuery firstPage) {
        return pages(firstPage).stream().flatMap(page -> page.items().stream()).toList();
    }

    private static List<Long> ids(List<Order> orders) {
        return orders.stream().map(Order::id).toList();
    }

    private static List<Long> newestFirst(List<Order> orders) {
        List<Long> ids = new ArrayList<>(ids(orders));
        Collections.reverse(ids);
        return ids;
    }

    private static List<String> tags(List<OutboxEvent> events) {
        return events.stream().map(event -> event.data().get(TAG)).toList();
    }

    private static List<Long> sequences(List<OutboxEvent> events) {
        return events.stream().map(OutboxEvent::sequence).toList();
    }

    /** Every dead letter of a subscriber (or all), newest first, following the pages. */
    private List<DeadLetter> deadLetters(String subscriber) {
        List<DeadLetter> all = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            Page<DeadLetter> page = outbox().deadLetters(subscriber, before, 2);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                return all;
            }
            assertThat(all).as("dead letters (a nextKey that never ends?)").hasSizeLessThan(10_000);
            before = page.nextKey().getAsLong();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.get(WAIT_SECONDS, SECONDS);
    }

    @Nested
    class OrdersView {

        @Test
        void insertStoresEveryFieldWithAStoreAssignedIdAndTimestamps() {
            NewOrder placed = anOrder("A-1").withCustomer("cust-7", "Grace Hopper", "grace@example.com")
                    .withItems(anItem("P-1", 2, "10.00"), anItem("P-2", 1, "5.25"))
                    .build();

            Order stored = insert(placed);

            assertThat(stored.id()).isPositive();
            assertThat(stored).extracting(Order::orderNumber, Order::customerId, Order::customerName,
                    Order::customerEmail, Order::status, Order::totalAmount, Order::currency, Order::items,
                    Order::placedAt)
                    .containsExactly(placed.orderNumber(), placed.customerId(), placed.customerName(),
                            placed.customerEmail(), placed.status(), placed.totalAmount(), placed.currency(),
                            placed.items(), placed.placedAt());
            assertThat(stored).extracting(Order::reservedAt, Order::paidAt, Order::failedAt, Order::failureReason,
                    Order::paymentReference).containsOnlyNulls();
            assertThat(stored.updatedAt()).isEqualTo(stored.createdAt());
        }

        @Test
        void idsIncreaseInInsertionOrder() {
            Order first = insert(aNewOrder("A-1"));
            Order second = insert(aNewOrder("A-2"));
            Order third = insert(aNewOrder("A-3"));

            assertThat(List.of(first.id(), second.id(), third.id())).isSorted().doesNotHaveDuplicates();
        }

        @Test
        void getAndByOrderNumberReadBackWhatInsertReturned() {
            Order stored = insert(anOrder("A-1").withItems(anItem("P-1", 3, "1.99")).build());

            assertThat(orders().get(stored.id())).contains(stored);
            assertThat(orders().byOrderNumber("A-1")).contains(stored);
        }

        @Test
        void lookupsOfUnknownOrdersAreEmpty() {
            Order stored = insert(aNewOrder("A-1"));

            assertThat(orders().get(stored.id() + 1000)).isEmpty();
            assertThat(orders().byOrderNumber("A-2")).isEmpty();
        }

        @Test
        void insertRefusesADuplicateOrderNumberAndStoresNothing() {
            Order first = insert(aNewOrder("A-1"), anEvent("first"));

            assertThatThrownBy(() -> insert(anOrder("A-1").withCustomerId("someone-else").build(), anEvent("dup")))
                    .isInstanceOf(DuplicateOrderException.class)
                    .hasMessageContaining("A-1");

            assertThat(orders().byOrderNumber("A-1")).contains(first);
            assertThat(listAll(OrderQuery.firstPage(10))).extracting(Order::id).containsExactly(first.id());
            assertThat(tags(outbox().pending("audit", 10))).containsExactly("first");
        }

        @Test
        void insertRecordsItsEventsWithTheOrderInTheGivenOrder() {
            Order stored = insert(aNewOrder("A-1"), anEvent("one"), anEvent(EventType.ORDER_COMPLETED, "two"));

            assertThat(outbox().eventsOf(stored.id()))
                    .extracting(OutboxEvent::orderId, OutboxEvent::type, event -> event.data().get(TAG))
                    .containsExactly(tuple(stored.id(), EventType.ORDER_PROCESS_STARTED, "one"),
                            tuple(stored.id(), EventType.ORDER_COMPLETED, "two"));
        }

        @Test
        void existingOrderNumbersNamesOnlyTheStoredOnes() {
            insert(aNewOrder("A-1"));
            insert(aNewOrder("A-3"));

            assertThat(orders().existingOrderNumbers(List.of("A-1", "A-2", "A-3", "A-4")))
                    .containsExactlyInAnyOrder("A-1", "A-3");
            assertThat(orders().existingOrderNumbers(List.of())).isEmpty();
        }
    }

    @Nested
    class Refunds {

        private final Instant t0 = Instant.parse("2025-11-17T09:00:00Z");

        private RefundRecords refunds() {
            return store.refunds();
        }

        /** An order with this total taken along the workflow's legal path to {@code completed}. */
        private Order aCompletedOrder(String customerId, String total) {
            Order order = insert(anOrder().withCustomerId(customerId).withItems(anItem("P-1", 1, total)).build());
            List<OrderStatus> path = List.of(OrderStatus.PENDING, OrderStatus.RESERVING_STOCK,
                    OrderStatus.STOCK_RESERVED, OrderStatus.PROCESSING_PAYMENT, OrderStatus.PAYMENT_SUCCEEDED,
                    OrderStatus.COMPLETED);
            for (int i = 1; i < path.size(); i++) {
                assertThat(transition(order, path.get(i - 1), path.get(i))).isPresent();
            }
            return orders().get(order.id()).orElseThrow();
        }

        private Order aCompletedOrder(String total) {
            return aCompletedOrder("cust-1", total);
        }

        private Refund beginPartial(Order order, String amount) {
            return refunds().begin(RefundRequest.partial(order.id(), Money.parse(amount))).refund();
        }

        private Refund beginFull(Order order) {
            return refunds().begin(RefundRequest.full(order.id())).refund();
        }

        private Refund completeAt(Refund refund, Instant processedAt, NewEvent... events) {
            refunds().markProcessing(refund.refundId());
            return refunds().complete(refund.refundId(), "REF-" + refund.refundId(), processedAt, List.of(events));
        }

        private Refund failWith(Refund refund, String reason, NewEvent... events) {
            refunds().markProcessing(refund.refundId());
            return refunds().fail(refund.refundId(), reason, List.of(events));
        }

        private OrderStatus statusOf(Order order) {
            return orders().get(order.id()).orElseThrow().status();
        }

        private List<Page<Refund>> refundPages(RefundQuery firstPage) {
            List<Page<Refund>> pages = new ArrayList<>();
            RefundQuery query = firstPage;
            while (true) {
                Page<Refund> page = refunds().list(query);
                pages.add(page);
                if (page.nextKey().isEmpty()) {
                    return pages;
                }
                assertThat(pages).as("pages of %s (a nextKey that never ends?)", firstPage).hasSizeLessThan(10_000);
                query = query.before(page.nextKey().getAsLong());
            }
        }

        private List<String> listedIds(RefundQuery firstPage) {
            return refundPages(firstPage).stream().flatMap(page -> page.items().stream())
                    .map(Refund::refundId).toList();
        }

        @Test
        void beginStoresAPendingRefundWithTheOrdersCustomerAndChangesNothingElse() {
            Order order = aCompletedOrder("cust-9", "100.00");
            List<OutboxEvent> trail = outbox().eventsOf(order.id());

            RefundOutcome outcome = refunds().begin(RefundRequest.partial(order.id(), Money.parse("30.00"))
                    .withReason("arrived damaged").withRefundId("r-1"));

            assertThat(outcome.created()).isTrue();
            assertThat(outcome.refund())
                    .extracting(Refund::refundId, Refund::orderId, Refund::customerId, Refund::type, Refund::amount,
                            Refund::reason, Refund::status, Refund::failureReason, Refund::paymentReference,
                            Refund::processedAt)
                    .containsExactly("r-1", order.id(), "cust-9", RefundType.PARTIAL, Money.parse("30.00"),
                            "arrived damaged", RefundStatus.PENDING, null, null, null);
            assertThat(outcome.refund().updatedAt()).isEqualTo(outcome.refund().createdAt());
            assertThat(refunds().get("r-1")).contains(outcome.refund());
            assertThat(refunds().get("r-2")).isEmpty();
            assertThat(refunds().ofOrder(order.id())).containsExactly(outcome.refund());
            assertThat(orders().get(order.id())).contains(order);
            assertThat(outbox().eventsOf(order.id())).isEqualTo(trail);
        }

        @Test
        void aFullRefundTakesTheWholeTotalOfAFreshOrder() {
            Order order = aCompletedOrder("100.00");

            Refund full = beginFull(order);

            assertThat(full).extracting(Refund::type, Refund::amount, Refund::status)
                    .containsExactly(RefundType.FULL, Money.parse("100.00"), RefundStatus.PENDING);
        }

        @Test
        void aFullRefundTakesWhatRemainsAfterCompletedAndPendingPartialOnes() {
            Order order = aCompletedOrder("100.00");
            completeAt(beginPartial(order, "30.00"), t0);
            beginPartial(order, "20.00");

            Refund full = beginFull(order);

            assertThat(full.amount()).isEqualTo(Money.parse("50.00"));
            assertThat(refunds().ofOrder(order.id())).extracting(Refund::amount)
                    .containsExactly(Money.parse("30.00"), Money.parse("20.00"), Money.parse("50.00"));
        }

        @Test
        void refusesAnAmountAboveTheRefundableSayingHowMuchIsLeftAndStoresNothing() {
            Order order = aCompletedOrder("100.00");
            Refund first = beginPartial(order, "70.00");

            assertThatThrownBy(() -> beginPartial(order, "30.01"))
                    .isInstanceOf(RefundAmountException.class)
                    .hasMessageContaining("30.01")
                    .hasMessageContaining("30.00")
                    .hasMessageContaining("order " + order.id());

            assertThat(refunds().ofOrder(order.id())).containsExactly(first);
            assertThat(beginPartial(order, "30.00").amount()).isEqualTo(Money.parse("30.00"));
        }

        @Test
        void refusesAnAmountOfZeroOrLess() {
            Order order = aCompletedOrder("100.00");

            assertThatThrownBy(() -> beginPartial(order, "0.00")).isInstanceOf(RefundAmountException.class);
            assertThatThrownBy(() -> beginPartial(order, "-5.00")).isInstanceOf(RefundAmountException.class);

            assertThat(refunds().ofOrder(order.id())).isEmpty();
        }

        @Test
        void pendingAndProcessingRefundsCountAgainstTheRefundableAmountAndFailedOnesGiveItBack() {
            Order order = aCompletedOrder("100.00");
            beginPartial(order, "40.00");
            Refund processing = beginPartial(order, "40.00");
            refunds().markProcessing(processing.refundId());

            assertThatThrownBy(() -> beginPartial(order, "20.01"))
                    .isInstanceOf(RefundAmountException.class).hasMessageContaining("20.00");

            failWith(processing, "Refund declined by bank");
            assertThat(beginPartial(order, "60.00").amount()).isEqualTo(Money.parse("60.00"));
            assertThatThrownBy(() -> beginFull(order)).isInstanceOf(RefundAmountException.class);
        }

        @Test
        void aFullRefundIsRefusedWhenNothingIsLeft() {
            Order order = aCompletedOrder("100.00");
            beginFull(order);

            assertThatThrownBy(() -> beginFull(order))
                    .isInstanceOf(RefundAmountException.class)
                    .hasMessageContaining("order " + order.id());

            assertThat(refunds().ofOrder(order.id())).hasSize(1);
        }

        @Test
        void refusesOrdersThatAreNotCompletedOrPartiallyRefunded() {
            Order pending = insert(aNewOrder(uniqueOrderNumber()));
            Order cancelled = insert(aNewOrder(uniqueOrderNumber()));
            transition(cancelled, OrderStatus.PENDING, OrderStatus.CANCELLED);
            Order refunded = aCompletedOrder("10.00");
            completeAt(beginFull(refunded), t0);

            for (Order order : List.of(pending, cancelled, refunded)) {
                OrderStatus status = statusOf(order);
                assertThatThrownBy(() -> beginPartial(order, "1.00"))
                        .isInstanceOfSatisfying(OrderNotRefundableException.class, e -> {
                            assertThat(e.orderId()).isEqualTo(order.id());
                            assertThat(e.status()).isEqualTo(status);
                        })
                        .hasMessageContaining(status.wireName());
                assertThatThrownBy(() -> beginFull(order)).isInstanceOf(OrderNotRefundableException.class);
            }
            assertThat(refunds().ofOrder(pending.id())).isEmpty();
            assertThat(refunds().ofOrder(cancelled.id())).isEmpty();
            assertThat(refunds().ofOrder(refunded.id())).hasSize(1);
        }

        @Test
        void refusesAnUnknownOrder() {
            Order order = aCompletedOrder("100.00");

            assertThatThrownBy(() -> refunds().begin(RefundRequest.full(order.id() + 1000).withRefundId("ghost")))
                    .isInstanceOf(NoSuchElementException.class);

            assertThat(refunds().get("ghost")).isEmpty();
        }

        @Test
        void theSameRefundIdForTheSameRequestReturnsTheFirstRefundAndStoresNothing() {
            Order order = aCompletedOrder("100.00");
            RefundRequest partial = RefundRequest.partial(order.id(), Money.parse("30.00")).withRefundId("r-1");
            RefundRequest full = RefundRequest.full(order.id()).withRefundId("r-2");
            Refund first = refunds().begin(partial).refund();
            Refund firstFull = refunds().begin(full).refund();

            RefundOutcome again = refunds().begin(partial.withReason("asked twice"));
            RefundOutcome fullAgain = refunds().begin(full);

            assertThat(again).isEqualTo(new RefundOutcome(first, false));
            assertThat(fullAgain).isEqualTo(new RefundOutcome(firstFull, false));
            assertThat(refunds().ofOrder(order.id())).containsExactly(first, firstFull);

            Refund completed = completeAt(first, t0);
            completeAt(firstFull, t0);
            assertThat(statusOf(order)).isEqualTo(OrderStatus.REFUNDED);
            assertThat(refunds().begin(partial)).isEqualTo(new RefundOutcome(completed, false));
            assertThat(refunds().ofOrder(order.id())).hasSize(2);
        }

        @Test
        void theSameRefundIdWithAnotherOrderTypeOrAmountIsAConflict() {
            Order order = aCompletedOrder("100.00");
            Order other = aCompletedOrder("100.00");
            Refund first = refunds().begin(RefundRequest.partial(order.id(), Money.parse("30.00"))
                    .withRefundId("r-1")).refund();

            for (RefundRequest conflicting : List.of(
                    RefundRequest.partial(order.id(), Money.parse("30.01")).withRefundId("r-1"),
                    RefundRequest.partial(other.id(), Money.parse("30.00")).withRefundId("r-1"),
                    RefundRequest.full(order.id()).withRefundId("r-1"))) {
                assertThatThrownBy(() -> refunds().begin(conflicting))
                        .isInstanceOf(RefundConflictException.class)
                        .hasMessageContaining("r-1");
            }

            assertThat(refunds().get("r-1")).contains(first);
            assertThat(refunds().ofOrder(order.id())).containsExactly(first);
            assertThat(refunds().ofOrder(other.id())).isEmpty();
        }

        @Test
        void markProcessingMovesOnlyAPendingRefund() {
            Refund refund = beginPartial(aCompletedOrder("100.00"), "10.00");

            Optional<Refund> processing = refunds().markProcessing(refund.refundId());

            assertThat(processing).get().satisfies(moved -> {
                assertThat(moved.status()).isEqualTo(RefundStatus.PROCESSING);
                assertThat(moved.updatedAt()).isAfterOrEqualTo(refund.updatedAt());
                assertThat(moved).usingRecursiveComparison().ignoringFields("status", "updatedAt").isEqualTo(refund);
            });
            assertThat(refunds().get(refund.refundId())).isEqualTo(processing);
            assertThat(refunds().markProcessing(refund.refundId())).isEmpty();
            assertThatThrownBy(() -> refunds().markProcessing("no-such-refund"))
                    .isInstanceOf(NoSuchElementException.class);
        }

        @Test
        void completeMovesTheOrderToPartiallyRefundedThenRefundedTogetherWithItsEvents() {
            Order order = aCompletedOrder("100.00");
            Refund partial = beginPartial(order, "30.00");

            Refund completed = completeAt(partial, t0, anEvent(EventType.REFUND_PROCESSED, "partial-done"));

            assertThat(completed).extracting(Refund::status, Refund::paymentReference, Refund::processedAt,
                    Refund::failureReason)
                    .containsExactly(RefundStatus.COMPLETED, "REF-" + partial.refundId(), t0, null);
            assertThat(refunds().get(partial.refundId())).contains(completed);
            Order partiallyRefunded = orders().get(order.id()).orElseThrow();
            assertThat(partiallyRefunded.status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
            assertThat(partiallyRefunded.updatedAt()).isAfterOrEqualTo(order.updatedAt());
            assertThat(partiallyRefunded).usingRecursiveComparison().ignoringFields("status", "updatedAt")
                    .isEqualTo(order);
            assertThat(outbox().eventsOf(order.id())).last()
                    .extracting(OutboxEvent::orderId, OutboxEvent::type, event -> event.data().get(TAG))
                    .containsExactly(order.id(), EventType.REFUND_PROCESSED, "partial-done");

            Refund rest = beginFull(order);
            completeAt(rest, t0.plusSeconds(60), anEvent(EventType.REFUND_PROCESSED, "rest-done"));

            assertThat(statusOf(order)).isEqualTo(OrderStatus.REFUNDED);
            assertThat(tags(outbox().eventsOf(order.id()))).endsWith("partial-done", "rest-done");
        }

        @Test
        void completingTwiceChangesNothing() {
            Order order = aCompletedOrder("100.00");
            Refund completed = completeAt(beginPartial(order, "30.00"), t0, anEvent(EventType.REFUND_PROCESSED, "done"));
            Order after = orders().get(order.id()).orElseThrow();
            List<OutboxEvent> trail = outbox().eventsOf(order.id());

            Refund again = refunds().complete(completed.refundId(), "REF-other", t0.plusSeconds(3600),
                    List.of(anEvent(EventType.REFUND_PROCESSED, "done-again")));

            assertThat(again).isEqualTo(completed);
            assertThat(refunds().get(completed.refundId())).contains(completed);
            assertThat(orders().get(order.id())).contains(after);
            assertThat(outbox().eventsOf(order.id())).isEqualTo(trail);
        }

        @Test
        void withCompletedRefundsNamesOnlyOrdersWithACompletedRefund() {
            Order completedOnce = aCompletedOrder("100.00");
            completeAt(beginPartial(completedOnce, "30.00"), t0, anEvent(EventType.REFUND_PROCESSED, "done"));
            Order onlyFailed = aCompletedOrder("100.00");
            Refund declined = beginPartial(onlyFailed, "10.00");
            failWith(declined, "Refund declined by bank", anEvent(EventType.REFUND_FAILED, "declined"));
            Order onlyPending = aCompletedOrder("100.00");
            beginPartial(onlyPending, "10.00");
            Order none = aCompletedOrder("100.00");

            assertThat(refunds().withCompletedRefunds(
                    List.of(completedOnce.id(), onlyFailed.id(), onlyPending.id(), none.id(), 999_999L)))
                    .containsExactly(completedOnce.id());
            assertThat(refunds().withCompletedRefunds(List.of())).isEmpty();
        }

        @Test
        void failRecordsTheReasonAndItsEventAndLeavesTheOrderUnchanged() {
            Order order = aCompletedOrder("100.00");
            Refund refund = beginPartial(order, "30.00");

            Refund failed = failWith(refund, "Refund declined by bank", anEvent(EventType.REFUND_FAILED, "declined"));

            assertThat(failed).extracting(Refund::status, Refund::failureReason, Refund::paymentReference,
                    Refund::processedAt)
                    .containsExactly(RefundStatus.FAILED, "Refund declined by bank", null, null);
            assertThat(refunds().get(refund.refundId())).contains(failed);
            assertThat(orders().get(order.id())).contains(order);
            assertThat(outbox().eventsOf(order.id())).last()
                    .extracting(OutboxEvent::type, event -> event.data().get(TAG))
                    .containsExactly(EventType.REFUND_FAILED, "declined");

            List<OutboxEvent> trail = outbox().eventsOf(order.id());
            assertThat(refunds().fail(refund.refundId(), "again", List.of(anEvent(EventType.REFUND_FAILED, "again"))))
                    .isEqualTo(failed);
            assertThat(outbox().eventsOf(order.id())).isEqualTo(trail);
        }

        @Test
        void completeAndFailRefuseARefundThatIsNotProcessingAndChangeNothing() {
            Order order = aCompletedOrder("100.00");
            Refund pending = beginPartial(order, "30.00");
            Refund completed = completeAt(beginPartial(order, "20.00"), t0);
            Refund failed = failWith(beginPartial(order, "10.00"), "declined");
            Order before = orders().get(order.id()).orElseThrow();
            List<OutboxEvent> trail = outbox().eventsOf(order.id());

            assertThatThrownBy(() -> refunds().complete(pending.refundId(), "REF-1", t0, List.of(anEvent("x"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(pending.refundId());
            assertThatThrownBy(() -> refunds().fail(pending.refundId(), "no", List.of(anEvent("x"))))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> refunds().fail(completed.refundId(), "no", List.of(anEvent("x"))))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> refunds().complete(failed.refundId(), "REF-1", t0, List.of(anEvent("x"))))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> refunds().complete("no-such-refund", "REF-1", t0, List.of()))
                    .isInstanceOf(NoSuchElementException.class);

            assertThat(refunds().ofOrder(order.id())).containsExactly(pending, completed, failed);
            assertThat(orders().get(order.id())).contains(before);
            assertThat(outbox().eventsOf(order.id())).isEqualTo(trail);
        }

        @Test
        void listsRefundsNewestFirstAcrossPagesAndFilters() {
            Order mine = aCompletedOrder("cust-me", "100.00");
            Order other = aCompletedOrder("cust-other", "100.00");
            List<String> begun = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                begun.add(beginPartial(mine, "5.00").refundId());
                begun.add(beginPartial(other, "5.00").refundId());
            }
            String fullOfOther = beginFull(other).refundId();
            begun.add(fullOfOther);
            completeAt(refunds().get(begun.get(0)).orElseThrow(), t0);
            completeAt(refunds().get(begun.get(3)).orElseThrow(), t0);
            List<String> newestFirst = new ArrayList<>(begun);
            Collections.reverse(newestFirst);

            List<Page<Refund>> pages = refundPages(RefundQuery.firstPage(4));

            assertThat(pages).extracting(page -> page.items().size()).containsExactly(4, 4, 1);
            assertThat(listedIds(RefundQuery.firstPage(4))).isEqualTo(newestFirst);
            assertThat(refundPages(RefundQuery.firstPage(9))).singleElement()
                    .satisfies(page -> assertThat(page.nextKey()).isEmpty());
            assertThat(listedIds(RefundQuery.firstPage(2).withOrderId(mine.id())))
                    .containsExactly(begun.get(6), begun.get(4), begun.get(2), begun.get(0));
            assertThat(listedIds(RefundQuery.firstPage(2).withCustomerId("cust-other")))
                    .containsExactly(fullOfOther, begun.get(7), begun.get(5), begun.get(3), begun.get(1));
            assertThat(listedIds(RefundQuery.firstPage(2).withStatus(RefundStatus.COMPLETED)))
                    .containsExactly(begun.get(3), begun.get(0));
            assertThat(listedIds(RefundQuery.firstPage(2).withType(RefundType.FULL))).containsExactly(fullOfOther);
            assertThat(listedIds(RefundQuery.firstPage(2).withOrderId(other.id()).withStatus(RefundStatus.PENDING)
                    .withType(RefundType.PARTIAL))).containsExactly(begun.get(7), begun.get(5), begun.get(1));
            assertThat(listedIds(RefundQuery.firstPage(2).withOrderId(other.id() + 1000))).isEmpty();
            assertThat(refunds().list(RefundQuery.firstPage(2).withCustomerId("cust-nobody")))
                    .satisfies(page -> {
                        assertThat(page.items()).isEmpty();
                        assertThat(page.nextKey()).isEmpty();
                    });
        }

        @Test
        void laterRefundPagesNeitherRepeatNorMissRefundsWhenNewOnesArrive() {
            Order order = aCompletedOrder("1000.00");
            List<String> original = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                original.add(beginPartial(order, "1.00").refundId());
            }
            List<String> listed = new ArrayList<>();

            RefundQuery query = RefundQuery.firstPage(3);
            while (true) {
                Page<Refund> page = refunds().list(query);
                page.items().forEach(refund -> listed.add(refund.refundId()));
                beginPartial(order, "1.00");
                if (page.nextKey().isEmpty()) {
                    break;
                }
                assertThat(listed).as("listed so far").hasSizeLessThanOrEqualTo(original.size());
                query = query.before(page.nextKey().getAsLong());
            }

            Collections.reverse(original);
            assertThat(listed).isEqualTo(original);
        }

        @Test
        void processedBetweenListsCompletedRefundsByProcessedAtInAHalfOpenRange() {
            Order order = aCompletedOrder("100.00");
            Refund late = completeAt(beginPartial(order, "1.00"), t0.plusSeconds(7200));
            Refund first = completeAt(beginPartial(order, "2.00"), t0);
            Refund atEnd = completeAt(beginPartial(order, "3.00"), t0.plus(Duration.ofDays(1)));
            Refund before = completeAt(beginPartial(order, "4.00"), t0.minusSeconds(1));
            beginPartial(order, "5.00");
            failWith(beginPartial(order, "6.00"), "declined");

            assertThat(refunds().processedBetween(t0, t0.plus(Duration.ofDays(1))))
                    .containsExactly(first, late);
            assertThat(refunds().processedBetween(t0.minusSeconds(1), t0.plus(Duration.ofDays(2))))
                    .containsExactly(before, first, late, atEnd);
            assertThat(refunds().processedBetween(t0.plusSeconds(1), t0.plusSeconds(7200))).isEmpty();
        }

        @Test
        void unfinishedListsPendingAndProcessingRefundsOldestFirst() {
            Order order = aCompletedOrder("100.00");
            Refund pending = beginPartial(order, "1.00");
            Refund processing = beginPartial(order, "2.00");
            refunds().markProcessing(processing.refundId());
            completeAt(beginPartial(order, "3.00"), t0);
            failWith(beginPartial(order, "4.00"), "declined");
            Refund laterPending = beginPartial(order, "5.00");

            assertThat(refunds().unfinished()).extracting(Refund::refundId, Refund::status)
                    .containsExactly(tuple(pending.refundId(), RefundStatus.PENDING),
                            tuple(processing.refundId(), RefundStatus.PROCESSING),
                            tuple(laterPending.refundId(), RefundStatus.PENDING));
        }

        @Test
        void concurrentPartialRefundsOfOneOrderNeverExceedItsTotal() throws Exception {
            int threadCount = 8;
            int attemptsPerThread = 3;
            Order order = aCompletedOrder("100.00");
            Money amount = Money.parse("12.50");
            ExecutorService threads = Executors.newFixedThreadPool(threadCount);
            List<Refund> accepted;
            try {
                CyclicBarrier start = new CyclicBarrier(threadCount);
                List<Future<List<Refund>>> done = new ArrayList<>();
                for (int t = 0; t < threadCount; t++) {
                    done.add(threads.submit(() -> {
                        start.await(WAIT_SECONDS, SECONDS);
                        List<Refund> mine = new ArrayList<>();
                        for (int i = 0; i < attemptsPerThread; i++) {
                            try {
                                mine.add(refunds().begin(RefundRequest.partial(order.id(), amount)).refund());
                            } catch (RefundAmountException refused) {
                                // expected once the total is taken
                            }
                        }
                        return mine;
                    }));
                }
                accepted = new ArrayList<>();
                for (Future<List<Refund>> future : done) {
                    accepted.addAll(await(future));
                }

                assertThat(accepted).hasSize(8);
                assertThat(accepted.stream().map(Refund::amount).reduce(Money.ZERO, Money::plus))
                        .isEqualTo(order.totalAmount());
                assertThat(refunds().ofOrder(order.id())).containsExactlyInAnyOrderElementsOf(accepted);

                // Completing them concurrently must sum them atomically: the last one refunds the order.
                CyclicBarrier completeTogether = new CyclicBarrier(threadCount);
                List<Future<Refund>> completions = new ArrayList<>();
                for (Refund refund : accepted) {
                    refunds().markProcessing(refund.refundId());
                    completions.add(threads.submit(() -> {
                        completeTogether.await(WAIT_SECONDS, SECONDS);
                        return refunds().complete(refund.refundId(), "REF-" + refund.refundId(), t0,
                                List.of(anEvent(EventType.REFUND_PROCESSED, refund.refundId())));
                    }));
                }
                for (Future<Refund> future : completions) {
                    assertThat(await(future).status()).isEqualTo(RefundStatus.COMPLETED);
                }
            } finally {
                threads.shutdownNow();
            }

            assertThat(statusOf(order)).isEqualTo(OrderStatus.REFUNDED);
            assertThat(outbox().eventsOf(order.id())).filteredOn(event -> event.type() == EventType.REFUND_PROCESSED)
                    .extracting(event -> event.data().get(TAG))
                    .containsExactlyInAnyOrderElementsOf(accepted.stream().map(Refund::refundId).toList());
        }
    }

    @Nested
    class ImportChunks {

        @Test
        void insertsNewRowsAndSkipsExistingAndRepeatedNumbersFirstOccurrenceWinning() {
            Order existing = insert(anOrder("A-3").withCustomerId("before-import").build());
            ImportRun run = imports().create(anImport().build());

            ChunkOutcome outcome = insertChunk(aChunk(run, 0)
                    .withOrders(anOrder("A-1").withCustomerId("first").build(), aNewOrder("A-2"),
                            aNewOrder("A-3"), anOrder("A-1").withCustomerId("second").build(), aNewOrder("A-4"))
                    .build());

            assertThat(outcome.applied()).isTrue();
            assertThat(outcome.inserted()).extracting(Order::orderNumber).containsExactly("A-1", "A-2", "A-4");
            assertThat(ids(outcome.inserted())).isSorted().doesNotHaveDuplicates();
            assertThat(outcome.skipped()).containsExactly("A-3", "A-1");
            assertThat(orders().byOrderNumber("A-1")).get().extracting(Order::customerId).isEqualTo("first");
            assertThat(orders().byOrderNumber("A-3")).contains(existing);
            for (Order inserted : outcome.inserted()) {
                assertThat(orders().get(inserted.id())).contains(inserted);
            }
        }

        @Test
        void aNumberSeenInAnEarlierChunkIsSkipped() {
            ImportRun run = imports().create(anImport().build());
            insertChunk(aChunk(run, 0).withOrders(anOrder("A-1").withCustomerId("first").build()).build());

            ChunkOutcome second = insertChunk(aChunk(run, 1)
                    .withOrders(anOrder("A-1").withCustomerId("second").build(), aNewOrder("A-2")).last().build());

            assertThat(second.skipped()).containsExactly("A-1");
            assertThat(second.inserted()).extracting(Order::orderNumber).containsExactly("A-2");
            assertThat(orders().byOrderNumber("A-1")).get().extracting(Order::customerId).isEqualTo("first");
        }

        @Test
        void eachChunkAdvancesTheImportsProgressAndTheLastCompletesIt() {
            ImportRun run = imports().create(anImport().build());

            ChunkOutcome first = insertChunk(aChunk(run, 0).withOrders(aNewOrder("A-1"), aNewOrder("A-2"))
                    .withRejected("A-x", "total_amount: not a number").build());

            assertThat(first.run()).extracting(ImportRun::state, ImportRun::counters, ImportRun::chunksApplied,
                    ImportRun::chunksTotal, ImportRun::finishedAt)
                    .containsExactly(ImportState.RUNNING, new ImportCounters(3, 2, 0, 1), 1L, -1L, null);
            assertThat(imports().get(run.importId())).contains(first.run());

            ChunkOutcome last = insertChunk(aChunk(run, 1).withOrders(aNewOrder("A-3"), aNewOrder("A-1"))
                    .last().build());

            assertThat(last.run()).extracting(ImportRun::state, ImportRun::counters, ImportRun::chunksApplied,
                    ImportRun::chunksTotal)
                    .containsExactly(ImportState.COMPLETED, new ImportCounters(5, 3, 1, 1), 2L, 2L);
            assertThat(last.run().finishedAt()).isNotNull();
            assertThat(imports().get(run.importId())).contains(last.run());
        }

        @Test
        void storesRejectedRowsAndReadsThemBackInLineOrderWithOffsetAndLimit() {
            ImportRun run = imports().create(anImport().build());
            insertChunk(aChunk(run, 0).startingAtLine(2)
                    .withOrders(aNewOrder("A-1"))
                    .withRejected("R-3", "customer_id: empty")
                    .withOrders(aNewOrder("A-2"))
                    .withRejected("R-5", "item1_quantity: not a number")
                    .build());
            insertChunk(aChunk(run, 1).startingAtLine(6)
                    .withRejected("R-6", "currency: EUR is not the reporting currency")
                    .withRejected("", "order_number: empty")
                    .withOrders(aNewOrder("A-3"))
                    .withRejected("R-9", "total_amount: more than 2 decimals")
                    .last().build());

            List<RejectedRow> all = imports().rejectedRows(run.importId(), 0, 100);

            assertThat(all).extracting(RejectedRow::line, RejectedRow::orderNumber, RejectedRow::reason)
                    .containsExactly(tuple(3L, "R-3", "customer_id: empty"),
                            tuple(5L, "R-5", "item1_quantity: not a number"),
                            tuple(6L, "R-6", "currency: EUR is not the reporting currency"),
                            tuple(7L, "", "order_number: empty"),
                            tuple(9L, "R-9", "total_amount: more than 2 decimals"));
            assertThat(imports().rejectedRows(run.importId(), 1, 2)).containsExactly(all.get(1), all.get(2));
            assertThat(imports().rejectedRows(run.importId(), 4, 10)).containsExactly(all.get(4));
            assertThat(imports().rejectedRows(run.importId(), 5, 10)).isEmpty();
            assertThat(imports().get(run.importId())).get().extracting(ImportRun::counters)
                    .isEqualTo(new ImportCounters(8, 3, 0, 5));
        }

        @Test
        void keepsEachRejectedRecordExactlyAsTheFileHadIt() {
            List<String> tricky = List.of(" R-1 ", "Smith, \"Jane\"", "line one\r\nline two\nthree", "",
                    "\uD83D\uDE00 \u00e9", "\t");
            List<String> wide = List.of("R-4", "x".repeat(65_000));
            ImportRun run = imports().create(anImport().build());
            insertChunk(aChunk(run, 0).startingAtLine(2)
                    .withRejected("R-1", "total_amount: required", tricky)
                    .withRejected("", "row: holds no value, only separators or spaces", List.of(""))
                    .withRejected("", "row: longer than 65536 bytes")
                    .withRejected("R-4", "customer_id: required", wide)
                    .last().build());

            assertThat(imports().rejectedRows(run.importId(), 0, 10)).containsExactly(
                    new RejectedRow(2, "R-1", "total_amount: required", tricky),
                    new RejectedRow(3, "", "row: holds no value, only separators or spaces", List.of("")),
                    new RejectedRow(4, "", "row: longer than 65536 bytes"),
                    new RejectedRow(5, "R-4", "customer_id: required", wide));

            ImportRun dry = imports().create(anImport().dryRun().build());
            imports().recordDryRunChunk(dry.importId(), 0, new ImportCounters(1, 0, 0, 1),
                    List.of(new RejectedRow(2, "R-1", "total_amount: required", tricky)), true);
            assertThat(imports().rejectedRows(dry.importId(), 0, 10))
                    .containsExactly(new RejectedRow(2, "R-1", "total_amount: required", tricky));
        }

        @Test
        void aRedeliveredChunkChangesNothing() {
            ImportRun run = imports().create(anImport().build());
            ImportChunk chunk = aChunk(run, 0).withOrders(aNewOrder("A-1"))
                    .withRejected("R-1", "customer_id: empty").build();
            ChunkOutcome first = orders().insertChunk(chunk, order -> List.of(anEvent(order.orderNumber())));

            ChunkOutcome again = orders().insertChunk(aChunk(run, 0).withOrders(aNewOrder("A-1"), aNewOrder("A-2"))
                    .build(), order -> List.of(anEvent(order.orderNumber())));

            assertThat(again.applied()).isFalse();
            assertThat(again.inserted()).isEmpty();
            assertThat(again.skipped()).isEmpty();
            assertThat(again.run()).isEqualTo(first.run());
            assertThat(imports().get(run.importId())).contains(first.run());
            assertThat(orders().byOrderNumber("A-2")).isEmpty();
            assertThat(imports().rejectedRows(run.importId(), 0, 10)).hasSize(1);
            assertThat(tags(outbox().pending("audit", 10))).containsExactly("A-1");
        }

        @Test
        void aChunkAheadOfItsTurnIsRefusedAndChangesNothing() {
            ImportRun run = imports().create(anImport().build());

            assertThatThrownBy(() -> insertChunk(aChunk(run, 1).withOrders(aNewOrder("A-1"))
                    .withRejected("R-1", "customer_id: empty").build()))
                    .isInstanceOf(ChunkOutOfOrderException.class);

            assertThat(imports().get(run.importId())).contains(run);
            assertThat(orders().byOrderNumber("A-1")).isEmpty();
            assertThat(imports().rejectedRows(run.importId(), 0, 10)).isEmpty();

            insertChunk(aChunk(run, 0).withOrders(aNewOrder("A-0")).build());
            assertThatThrownBy(() -> insertChunk(aChunk(run, 2).withOrders(aNewOrder("A-2")).build()))
                    .isInstanceOf(ChunkOutOfOrderException.class);
            assertThat(imports().get(run.importId())).get().extracting(ImportRun::chunksApplied).isEqualTo(1L);
        }

        @Test
        void aChunkOfAnUnknownImportIsRefused() {
            assertThatThrownBy(() -> insertChunk(aChunk("no-such-import", 0).withOrders(aNewOrder("A-1")).build()))
                    .isInstanceOf(NoSuchElementException.class);

            assertThat(orders().byOrderNumber("A-1")).isEmpty();
        }

        @Test
        void recordsTheEventsOfEachInsertedOrderAndNoneForSkippedRows() {
            insert(aNewOrder("A-2"));
            ImportRun run = imports().create(anImport().build());
            ImportedOrderEvents completedOnImport = order -> List.of(
                    anEvent(EventType.ORDER_COMPLETED, order.orderNumber() + ":" + order.id()),
                    anEvent(EventType.PAYMENT_PROCESSED, order.orderNumber() + ":paid"));

            ChunkOutcome outcome = orders().insertChunk(aChunk(run, 0)
                    .withOrders(aNewOrder("A-1"), aNewOrder("A-2"), aNewOrder("A-3")).last().build(),
                    completedOnImport);

            Order a1 = outcome.inserted().get(0);
            Order a3 = outcome.inserted().get(1);
            assertThat(outbox().eventsOf(a1.id()))
                    .extracting(OutboxEvent::orderId, OutboxEvent::type, event -> event.data().get(TAG))
                    .containsExactly(tuple(a1.id(), EventType.ORDER_COMPLETED, "A-1:" + a1.id()),
                            tuple(a1.id(), EventType.PAYMENT_PROCESSED, "A-1:paid"));
            assertThat(tags(outbox().eventsOf(a3.id()))).containsExactly("A-3:" + a3.id(), "A-3:paid");
            assertThat(outbox().eventsOf(orders().byOrderNumber("A-2").orElseThrow().id())).isEmpty();
            assertThat(tags(outbox().pending("audit", 10)))
                    .containsExactly("A-1:" + a1.id(), "A-1:paid", "A-3:" + a3.id(), "A-3:paid");
        }

        @Test
        void aChunkWhoseEventsCannotBeMadeChangesNothing() {
            ImportRun run = imports().create(anImport().build());
            ImportChunk chunk = aChunk(run, 0).withOrders(aNewOrder("A-1"), aNewOrder("A-2"))
                    .withRejected("R-3", "customer_id: empty").build();
            ImportedOrderEvents failingOnTheSecond = order -> {
                if (order.orderNumber().equals("A-2")) {
                    throw new IllegalStateException("no events for A-2");
                }
                return List.of(anEvent(order.orderNumber()));
            };

            assertThatThrownBy(() -> orders().insertChunk(chunk, failingOnTheSecond))
                    .hasStackTraceContaining("no events for A-2");

            assertThat(orders().existingOrderNumbers(List.of("A-1", "A-2"))).isEmpty();
            assertThat(imports().get(run.importId())).contains(run);
            assertThat(imports().rejectedRows(run.importId(), 0, 10)).isEmpty();
            assertThat(outbox().pending("audit", 10)).isEmpty();
            assertThat(orders().insertChunk(chunk, order -> List.of(anEvent(order.orderNumber()))).inserted())
                    .extracting(Order::orderNumber).containsExactly("A-1", "A-2");
        }

        @Test
        void concurrentImportsOfOverlappingFilesStoreEveryNumberOnce() throws Exception {
            int importCount = 4;
            int chunks = 8;
            int chunkSize = 40;
            List<String> numbers = IntStream.range(0, chunks * chunkSize).mapToObj(i -> "C-" + i).toList();
            List<ImportRun> runs = new ArrayList<>();
            List<List<ImportChunk>> files = new ArrayList<>();
            for (int i = 0; i < importCount; i++) {
                ImportRun run = imports().create(anImport().withChunkSize(chunkSize).build());
                List<String> file = new ArrayList<>(numbers);
                Collections.shuffle(file, new Random(i));
                List<ImportChunk> chunksOfFile = new ArrayList<>();
                for (int c = 0; c < chunks; c++) {
                    TestImports.ChunkBuilder chunk = aChunk(run, c).startingAtLine(2L + (long) c * chunkSize)
                            .withOrders(file.subList(c * chunkSize, (c + 1) * chunkSize).stream()
                                    .map(number -> anOrder(number).withCustomerId("import-" + run.importId()).build())
                                    .toList());
                    chunksOfFile.add((c == chunks - 1 ? chunk.last() : chunk).build());
                }
                runs.add(run);
                files.add(chunksOfFile);
            }
            ImportedOrderEvents oneEvent = order -> List.of(anEvent(order.orderNumber()));
            ExecutorService threads = Executors.newFixedThreadPool(importCount);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (List<ImportChunk> file : files) {
                    done.add(threads.submit((Callable<Void>) () -> {
                        start.await();
                        for (ImportChunk chunk : file) {
                            orders().insertChunk(chunk, oneEvent);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : done) {
                    await(future);
                }
            } finally {
                threads.shutdownNow();
            }

            List<Order> stored = listAll(OrderQuery.firstPage(100));
            assertThat(stored).extracting(Order::orderNumber).containsExactlyInAnyOrderElementsOf(numbers);
            assertThat(orders().existingOrderNumbers(numbers)).containsExactlyInAnyOrderElementsOf(numbers);
            List<ImportRun> finished = runs.stream()
                    .map(run -> imports().get(run.importId()).orElseThrow()).toList();
            assertThat(finished).allSatisfy(run -> {
                assertThat(run.state()).isEqualTo(ImportState.COMPLETED);
                assertThat(run.counters().rowsRead()).isEqualTo(numbers.size());
                assertThat(run.counters().imported() + run.counters().skippedExisting()).isEqualTo(numbers.size());
            });
            assertThat(finished.stream().mapToLong(run -> run.counters().imported()).sum())
                    .isEqualTo(numbers.size());
            assertThat(tags(outbox().pending("audit", numbers.size() + 1)))
                    .containsExactlyInAnyOrderElementsOf(numbers);
            for (Order order : stored) {
                assertThat(tags(outbox().eventsOf(order.id()))).containsExactly(order.orderNumber());
            }
        }
    }

    @Nested
    class Transitions {

        @Test
        void changesTheStatusAppliesTheChangesAndAppendsTheEventsInOrder() {
            Order placed = insert(aNewOrder("A-1"));
            Instant reservedAt = Instant.parse("2025-11-16T10:20:00Z");

            Optional<Order> reserving = transition(placed, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK,
                    anEvent(EventType.ORDER_PROCESS_STARTED, "started"));
            Optional<Order> reserved = orders().transition(placed.id(), OrderStatus.RESERVING_STOCK,
                    OrderStatus.STOCK_RESERVED, OrderChanges.none().reservedAt(reservedAt),
                    List.of(anEvent(EventType.STOCK_RESERVED, "reserved-1"),
                            anEvent(EventType.STOCK_RESERVED, "reserved-2")));

            assertThat(reserving).get().extracting(Order::status).isEqualTo(OrderStatus.RESERVING_STOCK);
            assertThat(reserved).get().satisfies(order -> {
                assertThat(order.status()).isEqualTo(OrderStatus.STOCK_RESERVED);
                assertThat(order.reservedAt()).isEqualTo(reservedAt);
                assertThat(order.createdAt()).isEqualTo(placed.createdAt());
                assertThat(order.updatedAt()).isAfterOrEqualTo(placed.updatedAt());
                assertThat(order.items()).isEqualTo(placed.items());
                assertThat(order).usingRecursiveComparison()
                        .ignoringFields("status", "reservedAt", "updatedAt").isEqualTo(placed);
            });
            assertThat(orders().get(placed.id())).isEqualTo(reserved);
            assertThat(outbox().eventsOf(placed.id()))
                    .extracting(OutboxEvent::orderId, OutboxEvent::type, event -> event.data().get(TAG))
                    .containsExactly(tuple(placed.id(), EventType.ORDER_PROCESS_STARTED, "started"),
                            tuple(placed.id(), EventType.STOCK_RESERVED, "reserved-1"),
                            tuple(placed.id(), EventType.STOCK_RESERVED, "reserved-2"));
        }

        @Test
        void keepsTheFieldsAChangeDoesNotSet() {
            Order order = insert(aNewOrder("A-1"));
            Instant reservedAt = Instant.parse("2025-11-16T10:20:00Z");
            Instant paidAt = Instant.parse("2025-11-16T10:21:00Z");
            transition(order, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK);
            orders().transition(order.id(), OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED,
                    OrderChanges.none().reservedAt(reservedAt), List.of());
            transition(order, OrderStatus.STOCK_RESERVED, OrderStatus.PROCESSING_PAYMENT);

            Optional<Order> paid = orders().transition(order.id(), OrderStatus.PROCESSING_PAYMENT,
                    OrderStatus.PAYMENT_SUCCEEDED, OrderChanges.none().paidAt(paidAt).paymentReference("pay-42"),
                    List.of());

            assertThat(paid).get()
                    .extracting(Order::status, Order::reservedAt, Order::paidAt, Order::paymentReference,
                            Order::failedAt, Order::failureReason)
                    .containsExactly(OrderStatus.PAYMENT_SUCCEEDED, reservedAt, paidAt, "pay-42", null, null);
            assertThat(orders().get(order.id())).isEqualTo(paid);
        }

        @Test
        void returnsEmptyAndChangesNothingWhenTheOrderIsNotInTheFromStatus() {
            Order placed = insert(aNewOrder("A-1"));

            Optional<Order> result = transition(placed, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED,
                    anEvent(EventType.STOCK_RESERVED, "too-early"));

            assertThat(result).isEmpty();
            assertThat(orders().get(placed.id())).contains(placed);
            assertThat(outbox().eventsOf(placed.id())).isEmpty();
        }

        @Test
        void refusesAnIllegalTransitionAndChangesNothing() {
            Order placed = insert(aNewOrder("A-1"));

            assertThatThrownBy(() -> transition(placed, OrderStatus.PENDING, OrderStatus.COMPLETED,
                    anEvent(EventType.ORDER_COMPLETED, "illegal")))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(OrderStatus.PENDING);
                        assertThat(e.to()).isEqualTo(OrderStatus.COMPLETED);
                    });

            assertThat(orders().get(placed.id())).contains(placed);
            assertThat(outbox().eventsOf(placed.id())).isEmpty();
        }

        @Test
        void refusesAnUnknownOrder() {
            Order placed = insert(aNewOrder("A-1"));

            assertThatThrownBy(() -> orders().transition(placed.id() + 1000, OrderStatus.PENDING,
                    OrderStatus.RESERVING_STOCK, OrderChanges.none(), List.of(anEvent("ghost"))))
                    .isInstanceOf(NoSuchElementException.class);

            assertThat(outbox().pending("audit", 10)).isEmpty();
        }

        @Test
        void exactlyOneOfTwoConcurrentTransitionsFromTheSameStatusWins() throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 200; round++) {
                    Order order = insert(anOrder().build());
                    CyclicBarrier start = new CyclicBarrier(2);
                    Future<Optional<Order>> reserve = threads.submit(() -> {
                        start.await(WAIT_SECONDS, SECONDS);
                        return transition(order, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK,
                                anEvent(EventType.ORDER_PROCESS_STARTED, "reserve"));
                    });
                    Future<Optional<Order>> cancel = threads.submit(() -> {
                        start.await(WAIT_SECONDS, SECONDS);
                        return transition(order, OrderStatus.PENDING, OrderStatus.CANCELLED,
                                anEvent(EventType.ORDER_FAILED, "cancel"));
                    });
                    Optional<Order> reserved = await(reserve);
                    Optional<Order> cancelled = await(cancel);

                    assertThat(reserved.isPresent() ^ cancelled.isPresent())
                            .as("round %d: exactly one of reserve %s and cancel %s wins", round, reserved, cancelled)
                            .isTrue();
                    Order winner = reserved.isPresent() ? reserved.get() : cancelled.orElseThrow();
                    assertThat(orders().get(order.id())).contains(winner);
                    assertThat(tags(outbox().eventsOf(order.id())))
                            .as("round %d: the events of the winner only", round)
                            .containsExactly(reserved.isPresent() ? "reserve" : "cancel");
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Nested
    class OutboxDelivery {

        /** Events a1 b1 a2 b2 a3 a4 over two orders. */
        private List<OutboxEvent> sixEventsOverTwoOrders() {
            Order a = insert(aNewOrder("A-1"), anEvent("a1"));
            Order b = insert(aNewOrder("B-1"), anEvent("b1"));
            transition(a, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, anEvent("a2"));
            transition(b, OrderStatus.PENDING, OrderStatus.CANCELLED, anEvent(EventType.ORDER_FAILED, "b2"));
            transition(a, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED,
                    anEvent(EventType.STOCK_RESERVED, "a3"), anEvent(EventType.STOCK_RESERVED, "a4"));
            return outbox().pending("setup", 100);
        }

        @Test
        void holdsEventsInSequenceOrderAcrossOrdersAndPerOrder() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();

            assertThat(tags(all)).containsExactly("a1", "b1", "a2", "b2", "a3", "a4");
            assertThat(sequences(all)).isSorted().doesNotHaveDuplicates();
            assertThat(all).allSatisfy(event -> assertThat(event.recordedAt()).isNotNull());
            long a = all.get(0).orderId();
            long b = all.get(1).orderId();
            assertThat(all).extracting(OutboxEvent::orderId).containsExactly(a, b, a, b, a, a);
            assertThat(tags(outbox().eventsOf(a))).containsExactly("a1", "a2", "a3", "a4");
            assertThat(tags(outbox().eventsOf(b))).containsExactly("b1", "b2");
            assertThat(outbox().eventsOf(a)).isEqualTo(List.of(all.get(0), all.get(2), all.get(4), all.get(5)));
        }

        @Test
        void pendingReturnsAtMostLimitEventsOldestFirst() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();

            List<OutboxEvent> firstTwo = outbox().pending("analytics", 2);
            assertThat(firstTwo).isEqualTo(all.subList(0, 2));
            outbox().markDelivered("analytics", FENCE, sequences(firstTwo));
            assertThat(outbox().pending("analytics", 2)).isEqualTo(all.subList(2, 4));
            assertThat(outbox().pending("analytics", 100)).isEqualTo(all.subList(2, 6));
        }

        @Test
        void aNewSubscriberHasEveryEventPending() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().markDelivered("analytics", FENCE, sequences(all));

            assertThat(outbox().pending("analytics", 100)).isEmpty();
            assertThat(outbox().pending("late-subscriber", 100)).isEqualTo(all);
        }

        @Test
        void deliveryToOneSubscriberLeavesTheEventsPendingForAnother() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();

            outbox().markDelivered("analytics", FENCE, sequences(all.subList(0, 4)));

            assertThat(outbox().pending("analytics", 100)).isEqualTo(all.subList(4, 6));
            assertThat(outbox().pending("notifications", 100)).isEqualTo(all);
        }

        @Test
        void markingDeliveredAgainChangesNothing() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().markDelivered("analytics", FENCE, sequences(all.subList(0, 3)));

            outbox().markDelivered("analytics", FENCE, sequences(all.subList(0, 3)));
            outbox().markDelivered("analytics", FENCE, List.of(all.get(1).sequence(), all.get(1).sequence()));

            assertThat(outbox().pending("analytics", 100)).isEqualTo(all.subList(3, 6));
        }

        @Test
        void anEventBetweenDeliveredOnesStaysPending() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();

            outbox().markDelivered("analytics", FENCE, List.of(all.get(0).sequence(), all.get(2).sequence()));
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("b1", "b2", "a3", "a4");

            outbox().markDelivered("analytics", FENCE, List.of(all.get(4).sequence(), all.get(3).sequence()));
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("b1", "a4");
            assertThat(tags(outbox().pending("analytics", 1))).containsExactly("b1");

            outbox().markDelivered("analytics", FENCE, List.of(all.get(1).sequence()));
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("a4");
        }

        @Test
        void unknownSequencesAreIgnoredAndNeverHideALaterEvent() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            long last = all.get(all.size() - 1).sequence();

            outbox().markDelivered("analytics", FENCE, List.of(-1L, 0L, last + 1, last + 2, Long.MAX_VALUE));
            assertThat(outbox().pending("analytics", 100)).isEqualTo(all);

            Order c = insert(aNewOrder("C-1"), anEvent("c1"), anEvent("c2"));
            assertThat(tags(outbox().pending("analytics", 100)))
                    .containsExactly("a1", "b1", "a2", "b2", "a3", "a4", "c1", "c2");
            assertThat(tags(outbox().eventsOf(c.id()))).containsExactly("c1", "c2");
        }

        @Test
        void aRunOfSequencesReachingPastTheLastEventDeliversOnlyTheStoredOnes() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            long last = all.get(all.size() - 1).sequence();
            List<Long> run = new ArrayList<>(all.stream().map(OutboxEvent::sequence).toList());
            run.add(last + 1);
            run.add(last + 2);

            outbox().markDelivered("analytics", FENCE, run);
            assertThat(outbox().pending("analytics", 100)).isEmpty();

            insert(aNewOrder("C-1"), anEvent("c1"), anEvent("c2"), anEvent("c3"));
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("c1", "c2", "c3");
        }

        @Test
        void aRunStartingAfterTheFirstPendingEventLeavesItAndLaterEventsPending() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            long last = all.get(all.size() - 1).sequence();
            // As many sequences as there are stored events up to the last one given, but not the same.
            List<Long> run = new ArrayList<>(all.subList(1, all.size()).stream().map(OutboxEvent::sequence).toList());
            run.add(last + 1);

            outbox().markDelivered("analytics", FENCE, run);
            assertThat(outbox().pending("analytics", 100)).containsExactly(all.get(0));

            insert(aNewOrder("C-1"), anEvent("c1"));
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("a1", "c1");
        }

        @Test
        void deliveringTheEventsJustAboveTheCheckpointBatchAfterBatchLeavesTheRestPending() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();

            outbox().markDelivered("analytics", FENCE, List.of(all.get(1).sequence(), all.get(0).sequence()));
            outbox().markDelivered("analytics", FENCE, List.of(all.get(2).sequence(), all.get(3).sequence()));

            assertThat(outbox().pending("analytics", 100)).containsExactly(all.get(4), all.get(5));
            assertThat(outbox().pending("notifications", 100)).isEqualTo(all);
        }

        @Test
        void anOrderWithoutEventsHasAnEmptyTrail() {
            Order quiet = insert(aNewOrder("A-1"));

            assertThat(outbox().eventsOf(quiet.id())).isEmpty();
            assertThat(outbox().eventsOf(quiet.id() + 1000)).isEmpty();
            assertThat(outbox().pending("analytics", 10)).isEmpty();
        }

        @Test
        void aDeadLetteredEventHoldsBackTheLaterEventsOfItsOrderForItsSubscriberOnly() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            long b1 = all.get(1).sequence();

            outbox().deadLetter("analytics", FENCE, b1, "IllegalStateException: boom");

            // b2 waits behind b1; order A goes on.
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("a1", "a2", "a3", "a4");
            assertThat(tags(outbox().pending("notifications", 10))).hasSize(6);
            assertThat(deadLetters("analytics")).singleElement().satisfies(letter -> {
                assertThat(letter.event()).isEqualTo(all.get(1));
                assertThat(letter.error()).isEqualTo("IllegalStateException: boom");
                assertThat(letter.subscriber()).isEqualTo("analytics");
                assertThat(letter.deadAt()).isNotNull();
            });
            assertThat(deadLetters(null)).hasSize(1);
            assertThat(deadLetters("notifications")).isEmpty();
            assertThat(outbox().deadLetterCount("analytics")).isEqualTo(1);
            assertThat(outbox().deadLetterCount("notifications")).isZero();
            assertThat(outbox().eventsOf(all.get(1).orderId())).as("still visible").hasSize(2);
        }

        @Test
        void eventsOfTheOrderRecordedAfterTheDeadLetterWaitBehindItToo() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            Order a = orders().get(all.get(0).orderId()).orElseThrow();
            outbox().markDelivered("analytics", FENCE, sequences(all.subList(0, 2)));
            outbox().deadLetter("analytics", FENCE, all.get(2).sequence(), "boom");

            transition(a, OrderStatus.STOCK_RESERVED, OrderStatus.PROCESSING_PAYMENT, anEvent("a5"));
            Order c = insert(aNewOrder("C-1"), anEvent("c1"));

            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("b2", "c1");
            outbox().markDelivered("analytics", FENCE, List.of(all.get(3).sequence()));
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("c1");
            assertThat(tags(outbox().eventsOf(c.id()))).containsExactly("c1");
        }

        @Test
        void aRedeliveredEventIsPendingAgainAheadOfTheEventsThatWaitedBehindIt() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().markDelivered("analytics", FENCE, List.of(all.get(0).sequence(), all.get(1).sequence()));
            outbox().deadLetter("analytics", FENCE, all.get(2).sequence(), "boom");
            outbox().markDelivered("analytics", FENCE, List.of(all.get(3).sequence()));
            assertThat(outbox().pending("analytics", 10)).isEmpty();

            assertThat(outbox().redeliver("analytics", all.get(2).sequence())).isTrue();

            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("a2", "a3", "a4");
            assertThat(tags(outbox().pending("analytics", 1))).containsExactly("a2");
            assertThat(deadLetters("analytics")).isEmpty();
            assertThat(outbox().redeliver("analytics", all.get(2).sequence())).as("not dead any more").isFalse();
            assertThat(outbox().redeliver("analytics", all.get(0).sequence())).as("never dead").isFalse();
            assertThat(outbox().redeliver("nobody", all.get(2).sequence())).isFalse();

            // Failing again holds a3 and a4 back again; delivering it releases them.
            outbox().deadLetter("analytics", FENCE, all.get(2).sequence(), "boom again");
            assertThat(outbox().pending("analytics", 10)).isEmpty();
            outbox().redeliver("analytics", all.get(2).sequence());
            outbox().markDelivered("analytics", FENCE, List.of(all.get(2).sequence()));
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("a3", "a4");
        }

        @Test
        void redeliverAllPutsBackEveryDeadLetterOfOneSubscriberOrOfAll() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().deadLetter("analytics", FENCE, all.get(0).sequence(), "boom");
            outbox().deadLetter("analytics", FENCE, all.get(1).sequence(), "boom");
            outbox().deadLetter("notifications", FENCE, all.get(1).sequence(), "boom");

            assertThat(outbox().redeliverAll("analytics")).isEqualTo(2);
            assertThat(outbox().redeliverAll("analytics")).isZero();
            assertThat(outbox().pending("analytics", 10)).isEqualTo(all);
            assertThat(deadLetters(null)).extracting(DeadLetter::subscriber).containsExactly("notifications");

            assertThat(outbox().redeliverAll(null)).isEqualTo(1);
            assertThat(deadLetters(null)).isEmpty();
            assertThat(outbox().pending("notifications", 10)).isEqualTo(all);
        }

        @Test
        void resolvingADeadLetterCountsItDeliveredOnceAndReleasesItsOrder() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().deadLetter("analytics", FENCE, all.get(0).sequence(), "boom");
            outbox().deadLetter("analytics", FENCE, all.get(0).sequence(), "boom again");

            assertThat(deadLetters("analytics")).singleElement()
                    .satisfies(letter -> assertThat(letter.error()).isEqualTo("boom again"));
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("b1", "b2");
            assertThat(outbox().resolveDeadLetter("analytics", all.get(0).sequence())).isTrue();
            assertThat(outbox().resolveDeadLetter("analytics", all.get(0).sequence())).isFalse();
            assertThat(outbox().resolveDeadLetter("analytics", all.get(1).sequence())).isFalse();
            assertThat(deadLetters(null)).isEmpty();
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("b1", "a2", "b2", "a3", "a4");
        }

        @Test
        void markingADeadLetteredEventDeliveredResolvesIt() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().deadLetter("analytics", FENCE, all.get(0).sequence(), "boom");

            outbox().markDelivered("analytics", FENCE, List.of(all.get(0).sequence()));

            assertThat(deadLetters("analytics")).isEmpty();
            assertThat(outbox().deadLetterCount("analytics")).isZero();
            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("b1", "a2", "b2", "a3", "a4");
        }

        @Test
        void deadLettersPageNewestFirstAndFilterBySubscriber() {
            List<OutboxEvent> all = sixEventsOverTwoOrders();
            outbox().deadLetter("analytics", FENCE, all.get(3).sequence(), "third");
            outbox().deadLetter("notifications", FENCE, all.get(0).sequence(), "first");
            outbox().deadLetter("analytics", FENCE, all.get(0).sequence(), "second");
            // Dead-lettering again makes it the newest.
            outbox().deadLetter("analytics", FENCE, all.get(3).sequence(), "third again");

            assertThat(deadLetters(null)).extracting(DeadLetter::error)
                    .containsExactly("third again", "second", "first");
            assertThat(deadLetters(null)).extracting(DeadLetter::id).isSortedAccordingTo(Comparator.reverseOrder());
            assertThat(deadLetters("analytics")).extracting(DeadLetter::error).containsExactly("third again", "second");

            Page<DeadLetter> first = outbox().deadLetters(null, Long.MAX_VALUE, 2);
            assertThat(first.items()).hasSize(2);
            assertThat(first.nextKey()).hasValue(first.items().get(1).id());
            Page<DeadLetter> last = outbox().deadLetters(null, first.nextKey().getAsLong(), 2);
            assertThat(last.items()).extracting(DeadLetter::error).containsExactly("first");
            assertThat(last.nextKey()).isEmpty();
            Page<DeadLetter> exact = outbox().deadLetters("analytics", Long.MAX_VALUE, 2);
            assertThat(exact.items()).hasSize(2);
            assertThat(exact.nextKey()).as("a full last page has no next key").isEmpty();
            assertThatThrownBy(() -> outbox().deadLetter("analytics", FENCE, all.get(5).sequence() + 100, "x"))
                    .isInstanceOf(NoSuchElementException.class);
        }
    }

    /** Subscribers registered in the store and the fencing of their marks. */
    @Nested
    class OutboxSubscribers {

        @Test
        void registrationIsIdempotentAndImpliedByAMark() {
            Order a = insert(aNewOrder("A-1"), anEvent("a1"));
            assertThat(outbox().subscribers()).isEmpty();

            outbox().registerSubscriber("notifications");
            outbox().registerSubscriber("analytics");
            outbox().registerSubscriber("analytics");
            outbox().markDelivered("audit", FENCE, sequences(outbox().eventsOf(a.id())));
            outbox().pending("reader", 10);

            assertThat(outbox().subscribers()).containsExactly("analytics", "audit", "notifications");
            assertThatThrownBy(() -> outbox().registerSubscriber(" ")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aMarkWithATokenOlderThanOneSeenIsRefusedAndChangesNothing() {
            Order a = insert(aNewOrder("A-1"), anEvent("a1"), anEvent("a2"), anEvent("a3"));
            List<OutboxEvent> all = outbox().eventsOf(a.id());
            outbox().markDelivered("analytics", 7, List.of(all.get(0).sequence()));

            assertThatThrownBy(() -> outbox().markDelivered("analytics", 6, List.of(all.get(1).sequence())))
                    .isInstanceOf(FencedOutException.class).hasMessageContaining("analytics")
                    .hasMessageContaining("6").hasMessageContaining("7");
            assertThatThrownBy(() -> outbox().deadLetter("analytics", 6, all.get(1).sequence(), "boom"))
                    .isInstanceOf(FencedOutException.class);

            assertThat(tags(outbox().pending("analytics", 10))).containsExactly("a2", "a3");
            assertThat(deadLetters("analytics")).isEmpty();
            // The same token goes on, a greater one takes over, and then the old one is out.
            outbox().markDelivered("analytics", 7, List.of(all.get(1).sequence()));
            outbox().deadLetter("analytics", 8, all.get(2).sequence(), "boom");
            assertThatThrownBy(() -> outbox().markDelivered("analytics", 7, List.of(all.get(2).sequence())))
                    .isInstanceOf(FencedOutException.class);
            assertThat(deadLetters("analytics")).hasSize(1);
            // Tokens are per subscriber.
            outbox().markDelivered("notifications", 1, sequences(all));
            assertThat(outbox().pending("notifications", 10)).isEmpty();
        }

        @Test
        void concurrentMarksWithTwoTokensLeaveOnlyTheNewerHolderMarking() throws Exception {
            Order a = insert(aNewOrder("A-1"), IntStream.range(0, 200).mapToObj(i -> anEvent("e" + i))
                    .toArray(NewEvent[]::new));
            List<OutboxEvent> all = outbox().eventsOf(a.id());
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Callable<Integer> older = () -> marks(start, 1, all);
                Callable<Integer> newer = () -> marks(start, 2, all);
                Future<Integer> olderMarks = threads.submit(older);
                Future<Integer> newerMarks = threads.submit(newer);

                assertThat(await(newerMarks)).isEqualTo(all.size());
                int olderAccepted = await(olderMarks);
                assertThat(olderAccepted).isLessThanOrEqualTo(all.size());
                // Once token 2 was seen, no mark with token 1 went through.
                assertThatThrownBy(() -> outbox().markDelivered("analytics", 1, List.of(all.get(0).sequence())))
                        .isInstanceOf(FencedOutException.class);
                assertThat(outbox().pending("analytics", 1000)).isEmpty();
            } finally {
                threads.shutdownNow();
            }
        }

        /** Marks each event with {@code token} until refused; returns how many marks were accepted. */
        private int marks(CyclicBarrier start, long token, List<OutboxEvent> events) throws Exception {
            start.await(WAIT_SECONDS, SECONDS);
            int accepted = 0;
            for (OutboxEvent event : events) {
                try {
                    outbox().markDelivered("analytics", token, List.of(event.sequence()));
                    accepted++;
                } catch (FencedOutException refused) {
                    return accepted;
                }
            }
            return accepted;
        }
    }

    /**
     * Outbox positions, which a KPI rebuild reads before the records and replays after. A store
     * whose sequences can commit out of order (an auto-increment column) fails these.
     */
    @Nested
    class OutboxPositions {

        @Test
        void eventsRecordedAfterAPositionComeAfterItInSequenceOrderAndPage() {
            Order a = insert(aNewOrder("A-1"), anEvent("a1"));
            assertThat(tags(outbox().recordedAfter(OutboxPosition.START, 10))).containsExactly("a1");
            OutboxPosition before = outbox().position();

            insert(aNewOrder("B-1"), anEvent("b1"), anEvent("b2"));
            transition(a, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, anEvent("a2"));

            assertThat(tags(outbox().recordedAfter(before, 10))).containsExactly("b1", "b2", "a2");
            List<OutboxEvent> firstTwo = outbox().recordedAfter(before, 2);
            assertThat(tags(firstTwo)).containsExactly("b1", "b2");
            OutboxPosition next = new OutboxPosition(firstTwo.get(1).sequence());
            assertThat(tags(outbox().recordedAfter(next, 2))).containsExactly("a2");
            assertThat(outbox().recordedAfter(outbox().position(), 10)).isEmpty();
            assertThat(outbox().position().sequence()).isGreaterThan(before.sequence());
            assertThat(outbox().recordedAfter(before, 0)).isEmpty();
        }

        @Test
        void anEmptyOutboxIsAtItsStart() {
            assertThat(outbox().recordedAfter(outbox().position(), 10)).isEmpty();
            insert(aNewOrder("A-1"), anEvent("a1"));
            assertThat(tags(outbox().recordedAfter(OutboxPosition.START, 10))).containsExactly("a1");
        }

        @Test
        void noEventAtOrBelowAPositionAppearsAfterItWasReadUnderConcurrentWrites() throws Exception {
            int writers = 4;
            int perWriter = 150;
            CyclicBarrier start = new CyclicBarrier(writers + 1);
            ExecutorService threads = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    done.add(threads.submit(() -> {
                        start.await(WAIT_SECONDS, SECONDS);
                        for (int i = 0; i < perWriter; i++) {
                            insert(aNewOrder("W" + writer + "-" + i), anEvent("w" + writer + "-" + i));
                        }
                        return null;
                    }));
                }
                start.await(WAIT_SECONDS, SECONDS);
                // Each position with what was visible at or below it when it was read.
                List<OutboxPosition> positions = new ArrayList<>();
                List<Long> seenAtOrBelow = new ArrayList<>();
                // At least one position, even when a slow reader sees the writers already done.
                do {
                    OutboxPosition position = outbox().position();
                    positions.add(position);
                    seenAtOrBelow.add((long) visibleAtOrBelow(position));
                } while (positions.size() < 200 && done.stream().anyMatch(future -> !future.isDone()));
                for (Future<?> writer : done) {
                    await(writer);
                }

                assertThat(positions).isNotEmpty();
                for (int i = 0; i < positions.size(); i++) {
                    assertThat((long) visibleAtOrBelow(positions.get(i)))
                            .as("events at or below %s, then and after every write", positions.get(i))
                            .isEqualTo(seenAtOrBelow.get(i));
                }
                assertThat(outbox().recordedAfter(OutboxPosition.START, writers * perWriter + 1))
                        .hasSize(writers * perWriter);
            } finally {
                threads.shutdownNow();
            }
        }

        private int visibleAtOrBelow(OutboxPosition position) {
            return (int) outbox().recordedAfter(OutboxPosition.START, Integer.MAX_VALUE).stream()
                    .filter(event -> event.sequence() <= position.sequence()).count();
        }
    }

    @Nested
    class Listing {

        private List<Order> insertOrders(int count) {
            List<Order> inserted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                inserted.add(insert(anOrder().withItems(anItem("P-" + i, 1, "3.00")).build()));
            }
            return inserted;
        }

        @Test
        void pagesThroughEveryOrderOnceNewestFirstWithoutItems() {
            List<Order> inserted = insertOrders(23);

            List<Page<Order>> pages = pages(OrderQuery.firstPage(5));

            assertThat(pages).extracting(page -> page.items().size()).containsExactly(5, 5, 5, 5, 3);
            assertThat(pages.subList(0, 4)).allSatisfy(page -> assertThat(page.nextKey()).isPresent());
            List<Order> listed = pages.stream().flatMap(page -> page.items().stream()).toList();
            assertThat(ids(listed)).isEqualTo(newestFirst(inserted));
            assertThat(listed).allSatisfy(order -> assertThat(order.items()).isEmpty());
            assertThat(listed.get(0)).isEqualTo(inserted.get(22).withoutItems());
        }

        @Test
        void findsOrdersByPlacedAtInAHalfOpenRangeWithTheirItems() {
            Instant day = Instant.parse("2025-11-16T00:00:00Z");
            Order before = insert(anOrder().withPlacedAt(day.minusMillis(1)).build());
            Order atStart = insert(anOrder().withPlacedAt(day).build());
            Order inside = insert(anOrder().withPlacedAt(day.plusSeconds(3600)).build());
            Order sameInstant = insert(anOrder().withPlacedAt(day.plusSeconds(3600)).build());
            Order atEnd = insert(anOrder().withPlacedAt(day.plusSeconds(86_400)).build());

            List<Order> found = new ArrayList<>();
            store().orders().forEachPlacedBetween(day, day.plusSeconds(86_400), found::add);

            assertThat(found).extracting(Order::id)
                    .containsExactlyInAnyOrder(atStart.id(), inside.id(), sameInstant.id());
            assertThat(found).allSatisfy(order -> assertThat(order.items()).isNotEmpty());
            assertThat(List.of(before.id(), atEnd.id())).doesNotContainAnyElementsOf(ids(found));
        }

        @Test
        void theLastPageHasNoNextKeyEvenWhenItIsFull() {
            List<Order> inserted = insertOrders(10);

            List<Page<Order>> pages = pages(OrderQuery.firstPage(5));

            assertThat(pages).hasSize(2);
            assertThat(pages.get(1).items()).hasSize(5);
            assertThat(pages.get(1).nextKey()).isEmpty();
            assertThat(ids(listAll(OrderQuery.firstPage(10)))).isEqualTo(newestFirst(inserted));
            assertThat(orders().list(OrderQuery.firstPage(10)).nextKey()).isEmpty();
        }

        @Test
        void anEmptyStoreListsOneEmptyLastPage() {
            Page<Order> page = orders().list(OrderQuery.firstPage(5));

            assertThat(page.items()).isEmpty();
            assertThat(page.nextKey()).isEmpty();
        }

        @Test
        void laterPagesNeitherRepeatNorMissOrdersWhenNewOnesArrive() {
            List<Order> original = insertOrders(10);
            List<Order> listed = new ArrayList<>();

            OrderQuery query = OrderQuery.firstPage(3);
            while (true) {
                Page<Order> page = orders().list(query);
                listed.addAll(page.items());
                insertOrders(2);
                if (page.nextKey().isEmpty()) {
                    break;
                }
                assertThat(listed).as("listed so far").hasSizeLessThanOrEqualTo(original.size());
                query = query.before(page.nextKey().getAsLong());
            }

            assertThat(ids(listed)).isEqualTo(newestFirst(original));
        }

        @Test
        void filtersByStatus() {
            List<Order> inserted = insertOrders(6);
            for (int i = 0; i < 6; i += 2) {
                transition(inserted.get(i), OrderStatus.PENDING, OrderStatus.CANCELLED);
            }
            Order imported = insert(anOrder().withStatus(OrderStatus.COMPLETED).build());

            assertThat(ids(listAll(OrderQuery.firstPage(2).withStatus(OrderStatus.CANCELLED))))
                    .containsExactly(inserted.get(4).id(), inserted.get(2).id(), inserted.get(0).id());
            assertThat(listAll(OrderQuery.firstPage(2).withStatus(OrderStatus.PENDING)))
                    .extracting(Order::id, Order::status)
                    .containsExactly(tuple(inserted.get(5).id(), OrderStatus.PENDING),
                            tuple(inserted.get(3).id(), OrderStatus.PENDING),
                            tuple(inserted.get(1).id(), OrderStatus.PENDING));
            assertThat(ids(listAll(OrderQuery.firstPage(2).withStatus(OrderStatus.COMPLETED))))
                    .containsExactly(imported.id());
            assertThat(listAll(OrderQuery.firstPage(2).withStatus(OrderStatus.REFUNDED))).isEmpty();
        }

        @Test
        void inProgressListsOnlyStartedUnfinishedOrdersUpdatedBeforeTheCutoffOldestFirst() {
            List<Order> inserted = insertOrders(7);
            List<Order> started = new ArrayList<>();
            started.add(transition(inserted.get(0), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK).orElseThrow());
            Order reserved = transition(inserted.get(2), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK).orElseThrow();
            started.add(transition(reserved, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED).orElseThrow());
            Order failing = transition(inserted.get(3), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK).orElseThrow();
            started.add(transition(failing, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVATION_FAILED)
                    .orElseThrow());
            Order done = transition(inserted.get(4), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK).orElseThrow();
            done = transition(done, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVATION_FAILED).orElseThrow();
            transition(done, OrderStatus.STOCK_RESERVATION_FAILED, OrderStatus.CANCELLED).orElseThrow();
            transition(inserted.get(5), OrderStatus.PENDING, OrderStatus.CANCELLED).orElseThrow();
            insert(anOrder().withStatus(OrderStatus.COMPLETED).build());
            Instant afterAll = started.stream().map(Order::updatedAt).max(Comparator.naturalOrder()).orElseThrow()
                    .plusMillis(1);

            assertThat(orders().inProgress(afterAll, 0, 10))
                    .extracting(Order::id, Order::status)
                    .containsExactly(tuple(inserted.get(0).id(), OrderStatus.RESERVING_STOCK),
                            tuple(inserted.get(2).id(), OrderStatus.STOCK_RESERVED),
                            tuple(inserted.get(3).id(), OrderStatus.STOCK_RESERVATION_FAILED));
            assertThat(orders().inProgress(afterAll, 0, 10)).allSatisfy(order -> assertThat(order.items()).isEmpty());
            assertThat(ids(orders().inProgress(afterAll, 0, 2)))
                    .containsExactly(inserted.get(0).id(), inserted.get(2).id());
            assertThat(ids(orders().inProgress(afterAll, inserted.get(2).id(), 2)))
                    .containsExactly(inserted.get(3).id());
            assertThat(orders().inProgress(afterAll, inserted.get(3).id(), 2)).isEmpty();
        }

        @Test
        void inProgressTakesOnlyOrdersUpdatedStrictlyBeforeTheCutoff() {
            Order first = transition(insertOrders(1).get(0), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK)
                    .orElseThrow();

            assertThat(orders().inProgress(first.updatedAt(), 0, 10)).isEmpty();
            assertThat(ids(orders().inProgress(first.updatedAt().plusNanos(1_000), 0, 10)))
                    .containsExactly(first.id());
            assertThat(orders().inProgress(Instant.MAX, 0, 10)).extracting(Order::id).containsExactly(first.id());
            assertThatThrownBy(() -> orders().inProgress(Instant.MAX, 0, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void filtersByCustomerAcrossPages() {
            List<Order> mine = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                mine.add(insert(anOrder().withCustomerId("cust-me").build()));
                insert(anOrder().withCustomerId("cust-other").build());
            }

            List<Page<Order>> pages = pages(OrderQuery.firstPage(2).withCustomerId("cust-me"));

            assertThat(pages).extracting(page -> page.items().size()).containsExactly(2, 2, 1);
            assertThat(ids(pages.stream().flatMap(page -> page.items().stream()).toList()))
                    .isEqualTo(newestFirst(mine));
            assertThat(listAll(OrderQuery.firstPage(2).withCustomerId("cust-nobody"))).isEmpty();
        }

        @Test
        void filtersByOrderNumber() {
            insertOrders(3);
            Order wanted = insert(aNewOrder("WANTED-1"));
            insertOrders(3);

            Page<Order> page = orders().list(OrderQuery.firstPage(10).withOrderNumber("WANTED-1"));

            assertThat(page.items()).containsExactly(wanted.withoutItems());
            assertThat(page.nextKey()).isEmpty();
            assertThat(orders().list(OrderQuery.firstPage(10).withOrderNumber("WANTED-1").before(wanted.id()))
                    .items()).isEmpty();
            assertThat(orders().list(OrderQuery.firstPage(10).withOrderNumber("NOPE")).items()).isEmpty();
        }

        @Test
        void combinesFilters() {
            Order mineCancelled = insert(anOrder().withCustomerId("cust-me").build());
            transition(mineCancelled, OrderStatus.PENDING, OrderStatus.CANCELLED);
            insert(anOrder().withCustomerId("cust-me").build());
            Order otherCancelled = insert(anOrder().withCustomerId("cust-other").build());
            transition(otherCancelled, OrderStatus.PENDING, OrderStatus.CANCELLED);

            OrderQuery query = OrderQuery.firstPage(10).withCustomerId("cust-me").withStatus(OrderStatus.CANCELLED);

            assertThat(ids(listAll(query))).containsExactly(mineCancelled.id());
            assertThat(listAll(query.withOrderNumber(otherCancelled.orderNumber()))).isEmpty();
        }
    }

    @Nested
    class ImportRuns {

        private final Instant t0 = Instant.parse("2025-11-16T09:00:00Z");

        @Test
        void readsBackTheRunItCreated() {
            ImportRun run = anImport().withSource("/var/spool/orderkpi/upload-1.csv").build();

            assertThat(imports().create(run)).isEqualTo(run);
            assertThat(imports().get(run.importId())).contains(run);
            assertThat(imports().get("no-such-import")).isEmpty();
        }

        @Test
        void refusesASecondRunWithTheSameId() {
            ImportRun run = imports().create(anImport().build());

            assertThatThrownBy(() -> imports().create(anImport().withId(run.importId()).build()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(imports().get(run.importId())).contains(run);
        }

        @Test
        void bySha256AnswersWithTheLatestRealRunThatHasNotFailed() {
            String sha = TestImports.sha256Of("the same file");
            imports().create(anImport().withSha256(sha).createdAt(t0).build());
            ImportRun latest = imports().create(anImport().withSha256(sha).createdAt(t0.plusSeconds(60)).build());
            imports().create(anImport().withSha256(sha).dryRun().createdAt(t0.plusSeconds(120)).build());
            ImportRun failed = imports().create(anImport().withSha256(sha).createdAt(t0.plusSeconds(180)).build());
            imports().updateState(failed.importId(), ImportState.QUEUED, ImportState.FAILED, "disk full");
            imports().create(anImport().createdAt(t0.plusSeconds(240)).build());

            assertThat(imports().bySha256(sha)).contains(latest);
            assertThat(imports().bySha256(TestImports.sha256Of("never imported"))).isEmpty();
        }

        @Test
        void bySha256IgnoresAFileThatOnlyHadDryRuns() {
            ImportRun dry = imports().create(anImport().dryRun().build());

            assertThat(imports().bySha256(dry.sha256())).isEmpty();
        }

        @Test
        void recentListsRunsNewestFirstUpToTheLimit() {
            ImportRun first = imports().create(anImport().createdAt(t0).build());
            ImportRun second = imports().create(anImport().dryRun().createdAt(t0.plusSeconds(1)).build());
            ImportRun third = imports().create(anImport().createdAt(t0.plusSeconds(2)).build());

            assertThat(imports().recent(2)).containsExactly(third, second);
            assertThat(imports().recent(10)).containsExactly(third, second, first);
        }

        @Test
        void pagesWalkEveryRunNewestFirstOnceAndAreStableUnderInserts() {
            List<ImportRun> created = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(imports().create(anImport().createdAt(t0.plusSeconds(i)).build()));
            }

            Page<ImportRun> first = imports().page(Long.MAX_VALUE, 2);
            imports().create(anImport().createdAt(t0.plusSeconds(10)).build());
            Page<ImportRun> second = imports().page(first.nextKey().orElseThrow(), 2);
            Page<ImportRun> last = imports().page(second.nextKey().orElseThrow(), 2);

            assertThat(first.items()).containsExactly(created.get(4), created.get(3));
            assertThat(second.items()).containsExactly(created.get(2), created.get(1));
            assertThat(last.items()).containsExactly(created.get(0));
            assertThat(last.nextKey()).isEmpty();
            assertThat(first.nextKey().getAsLong()).isPositive();
        }

        @Test
        void aPageExactlyAsLongAsWhatIsLeftIsTheLast() {
            imports().create(anImport().createdAt(t0).build());
            imports().create(anImport().createdAt(t0.plusSeconds(1)).build());

            assertThat(imports().page(Long.MAX_VALUE, 2).nextKey()).isEmpty();
            assertThat(imports().page(Long.MAX_VALUE, 1).nextKey()).isPresent();
            assertThat(imports().page(Long.MAX_VALUE, 1).items()).hasSize(1);
            assertThatThrownBy(() -> imports().page(Long.MAX_VALUE, 0)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void unfinishedListsQueuedAndRunningRunsOldestFirst() {
            ImportRun queued = imports().create(anImport().createdAt(t0).build());
            ImportRun running = imports().create(anImport().createdAt(t0.plusSeconds(1)).build());
            ImportRun completed = imports().create(anImport().createdAt(t0.plusSeconds(2)).build());
            ImportRun failed = imports().create(anImport().createdAt(t0.plusSeconds(3)).build());
            ImportRun chunked = imports().create(anImport().createdAt(t0.plusSeconds(4)).build());
            imports().updateState(running.importId(), ImportState.QUEUED, ImportState.RUNNING, null);
            imports().updateState(completed.importId(), ImportState.QUEUED, ImportState.COMPLETED, null);
            imports().updateState(failed.importId(), ImportState.QUEUED, ImportState.FAILED, "parse error");
            insertChunk(aChunk(chunked, 0).withOrders(aNewOrder("A-1")).build());

            assertThat(imports().unfinished()).extracting(ImportRun::importId, ImportRun::state)
                    .containsExactly(tuple(queued.importId(), ImportState.QUEUED),
                            tuple(running.importId(), ImportState.RUNNING),
                            tuple(chunked.importId(), ImportState.RUNNING));
        }

        @Test
        void updateStateToFailedKeepsTheErrorAndFinishesTheRun() {
            ImportRun run = imports().create(anImport().build());

            ImportRun failed = imports().updateState(run.importId(), ImportState.QUEUED, ImportState.FAILED,
                    "source file vanished").orElseThrow();

            assertThat(failed).extracting(ImportRun::state, ImportRun::error)
                    .containsExactly(ImportState.FAILED, "source file vanished");
            assertThat(failed.finishedAt()).isNotNull();
            assertThat(failed.updatedAt()).isAfterOrEqualTo(run.updatedAt());
            assertThat(failed).usingRecursiveComparison()
                    .ignoringFields("state", "error", "updatedAt", "finishedAt").isEqualTo(run);
            assertThat(imports().get(run.importId())).contains(failed);
        }

        @Test
        void updateStateIsACompareAndSetOnTheState() {
            ImportRun run = imports().create(anImport().build());
            ImportRun running = imports().updateState(run.importId(), ImportState.QUEUED, ImportState.RUNNING, null)
                    .orElseThrow();

            assertThat(imports().updateState(run.importId(), ImportState.QUEUED, ImportState.FAILED, "late sweep"))
                    .isEmpty();
            assertThat(imports().get(run.importId())).contains(running);
            assertThat(imports().updateState(run.importId(), ImportState.RUNNING, ImportState.FAILED, "chunk 3 failed"))
                    .get().extracting(ImportRun::state, ImportRun::error)
                    .containsExactly(ImportState.FAILED, "chunk 3 failed");
        }

        @Test
        void aChunkAppliedToARunThatFailedOnItLetsTheRunGoOnWithoutTheError() {
            ImportRun run = imports().create(anImport().build());
            insertChunk(aChunk(run, 0).withOrders(aNewOrder("G-1")).build());
            imports().updateState(run.importId(), ImportState.RUNNING, ImportState.FAILED, "chunk 1 failed");

            ImportRun afterRetry = insertChunk(aChunk(run, 1).withOrders(aNewOrder("G-2")).build()).run();

            assertThat(afterRetry).extracting(ImportRun::state, ImportRun::error, ImportRun::finishedAt)
                    .containsExactly(ImportState.RUNNING, null, null);
            assertThat(insertChunk(aChunk(run, 2).withOrders(aNewOrder("G-3")).last().build()).run().state())
                    .isEqualTo(ImportState.COMPLETED);
        }

        @Test
        void claimTakesARunOnlyFromTheExpectedOwnerAndStartsItsHeartbeat() {
            ImportRun run = imports().create(anImport().build());
            Instant now = t0.plusSeconds(10);

            ImportRun mine = imports().claim(run.importId(), null, "node-a", now).orElseThrow();

            assertThat(mine).extracting(ImportRun::owner, ImportRun::heartbeatAt).containsExactly("node-a", now);
            assertThat(imports().get(run.importId())).contains(mine);
            assertThat(imports().claim(run.importId(), null, "node-b", now)).isEmpty();
            assertThat(imports().claim(run.importId(), "node-c", "node-b", now)).isEmpty();
            assertThat(imports().claim(run.importId(), "node-a", "node-b", now.plusSeconds(1)).orElseThrow())
                    .extracting(ImportRun::owner, ImportRun::heartbeatAt)
                    .containsExactly("node-b", now.plusSeconds(1));
            assertThatThrownBy(() -> imports().claim("no-such-import", null, "node-a", now))
                    .isInstanceOf(NoSuchElementException.class);
        }

        @Test
        void exactlyOneOfTwoConcurrentClaimsOfAnOrphanWins() throws Exception {
            for (int round = 0; round < 50; round++) {
                ImportRun run = imports().create(anImport().build());
                imports().claim(run.importId(), null, "gone", t0);
                CyclicBarrier start = new CyclicBarrier(2);
                ExecutorService threads = Executors.newFixedThreadPool(2);
                try {
                    List<Future<Optional<ImportRun>>> claims = new ArrayList<>();
                    for (String node : List.of("node-a", "node-b")) {
                        claims.add(threads.submit(() -> {
                            start.await(WAIT_SECONDS, SECONDS);
                            return imports().claim(run.importId(), "gone", node, t0.plusSeconds(60));
                        }));
                    }
                    List<Optional<ImportRun>> results = List.of(await(claims.get(0)), await(claims.get(1)));
                    assertThat(results.stream().filter(Optional::isPresent).count()).isEqualTo(1);
                    String winner = results.stream().flatMap(Optional::stream).findFirst().orElseThrow().owner();
                    assertThat(imports().get(run.importId()).orElseThrow().owner()).isEqualTo(winner);
                } finally {
                    threads.shutdownNow();
                }
            }
        }

        @Test
        void heartbeatTouchesOnlyUnfinishedRunsOfItsOwnerAndSaysWhichItTouched() {
            ImportRun mine = imports().claim(imports().create(anImport().build()).importId(), null, "node-a", t0)
                    .orElseThrow();
            ImportRun theirs = imports().claim(imports().create(anImport().build()).importId(), null, "node-b", t0)
                    .orElseThrow();
            ImportRun done = imports().claim(imports().create(anImport().build()).importId(), null, "node-a", t0)
                    .orElseThrow();
            imports().updateState(done.importId(), ImportState.QUEUED, ImportState.COMPLETED, null);
            Instant later = t0.plusSeconds(5);

            Set<String> touched = imports().heartbeat("node-a",
                    List.of(mine.importId(), theirs.importId(), done.importId(), "no-such-import"), later);

            assertThat(touched).containsExactly(mine.importId());
            ImportRun beaten = imports().get(mine.importId()).orElseThrow();
            assertThat(beaten.heartbeatAt()).isEqualTo(later);
            assertThat(beaten).usingRecursiveComparison().ignoringFields("heartbeatAt").isEqualTo(mine);
            assertThat(imports().get(theirs.importId())).contains(theirs);
            assertThat(imports().get(done.importId()).orElseThrow().heartbeatAt()).isEqualTo(t0);
            assertThat(imports().heartbeat("node-a", List.of(), later)).isEmpty();
        }

        @Test
        void keepsTheHeaderOfTheFileThroughEveryChange() {
            List<String> header = List.of(" Order_Number ", "customer_id", "note, \"free\"\r\nmore", "",
                    "\uD83D\uDE00");
            ImportRun run = imports().create(anImport().build().withHeader(header));

            assertThat(run.header()).isEqualTo(header);
            assertThat(imports().updateState(run.importId(), ImportState.QUEUED, ImportState.RUNNING, null))
                    .get().extracting(ImportRun::header).isEqualTo(header);
            insertChunk(aChunk(run, 0).withRejected("R-2", "customer_id: required", List.of("R-2", "")).last().build());
            assertThat(imports().get(run.importId())).get().extracting(ImportRun::header).isEqualTo(header);
            assertThat(imports().create(anImport().build()).header()).isEmpty();
        }

        @Test
        void updateStateOfAnUnknownRunIsRefused() {
            assertThatThrownBy(() -> imports().updateState("no-such-import", ImportState.QUEUED, ImportState.RUNNING, null))
                    .isInstanceOf(NoSuchElementException.class);
        }

        @Test
        void dryRunChunksAddCountersAndRejectedRowsButStoreNoOrder() {
            ImportRun run = imports().create(anImport().dryRun().build());

            ImportRun afterFirst = imports().recordDryRunChunk(run.importId(), 0, new ImportCounters(3, 2, 0, 1),
                    List.of(new RejectedRow(3, "R-3", "customer_id: empty")), false);
            ImportRun afterLast = imports().recordDryRunChunk(run.importId(), 1, new ImportCounters(2, 1, 1, 0),
                    List.of(), true);

            assertThat(afterFirst).extracting(ImportRun::state, ImportRun::counters, ImportRun::chunksApplied)
                    .containsExactly(ImportState.RUNNING, new ImportCounters(3, 2, 0, 1), 1L);
            assertThat(afterLast).extracting(ImportRun::state, ImportRun::counters, ImportRun::chunksApplied,
                    ImportRun::chunksTotal)
                    .containsExactly(ImportState.COMPLETED, new ImportCounters(5, 3, 1, 1), 2L, 2L);
            assertThat(imports().get(run.importId())).contains(afterLast);
            assertThat(imports().rejectedRows(run.importId(), 0, 10))
                    .containsExactly(new RejectedRow(3, "R-3", "customer_id: empty"));
            assertThat(orders().list(OrderQuery.firstPage(10)).items()).isEmpty();
            assertThat(outbox().pending("audit", 10)).isEmpty();
        }

        @Test
        void dryRunChunksAreIdempotentAndRecordedInOrder() {
            ImportRun run = imports().create(anImport().dryRun().build());
            ImportRun afterFirst = imports().recordDryRunChunk(run.importId(), 0, new ImportCounters(2, 2, 0, 0),
                    List.of(), false);

            assertThat(imports().recordDryRunChunk(run.importId(), 0, new ImportCounters(9, 0, 0, 9),
                    List.of(new RejectedRow(2, "R-2", "again")), false)).isEqualTo(afterFirst);
            assertThatThrownBy(() -> imports().recordDryRunChunk(run.importId(), 2, new ImportCounters(1, 1, 0, 0),
                    List.of(), true)).isInstanceOf(ChunkOutOfOrderException.class);

            assertThat(imports().get(run.importId())).contains(afterFirst);
            assertThat(imports().rejectedRows(run.importId(), 0, 10)).isEmpty();
        }
    }

    @Nested
    class Notifications {

        private final Instant t0 = Instant.parse("2025-11-16T09:00:00Z");

        private NotificationRecords notifications() {
            return store.notifications();
        }

        private NotificationRecords.Created create(NewNotification notification) {
            return notifications().createIfAbsent(notification);
        }

        private Notification created(NewNotification notification) {
            NotificationRecords.Created outcome = create(notification);
            assertThat(outcome.created()).as("created %s", notification).isTrue();
            return outcome.notification();
        }

        private List<Notification> listAllNotifications(NotificationQuery firstPage) {
            List<Notification> all = new ArrayList<>();
            NotificationQuery query = firstPage;
            while (true) {
                Page<Notification> page = notifications().list(query);
                all.addAll(page.items());
                if (page.nextKey().isEmpty()) {
                    return all;
                }
                assertThat(all).as("notifications listed (a nextKey that never ends?)").hasSizeLessThan(10_000);
                query = query.before(page.nextKey().getAsLong());
            }
        }

        private List<Long> notificationIds(List<Notification> list) {
            return list.stream().map(Notification::id).toList();
        }

        @Test
        void createStoresAPendingNotificationWithEveryFieldAndNoAttempt() {
            Order order = insert(anOrder().withCustomer("cust-7", "Grace Hopper", "grace@example.com").build());
            NewNotification wanted = aNotification(order).withRefundId("R-1").ofType(NotificationType.REFUND_PROCESSED)
                    .onChannel("email").withOrderStatus("partially_refunded").withMessage("A refund of 5.00 USD").build();

            NotificationRecords.Created outcome = create(wanted);

            assertThat(outcome.created()).isTrue();
            Notification stored = outcome.notification();
            assertThat(stored.id()).isPositive();
            assertThat(stored).extracting(Notification::orderId, Notification::refundId, Notification::customerId,
                    Notification::orderStatus, Notification::totalAmount, Notification::type, Notification::channel,
                    Notification::message)
                    .containsExactly(order.id(), "R-1", "cust-7", "partially_refunded", order.totalAmount(),
                            NotificationType.REFUND_PROCESSED, "email", "A refund of 5.00 USD");
            assertThat(stored).extracting(Notification::state, Notification::attempts)
                    .containsExactly(NotificationState.PENDING, 0);
            assertThat(stored).extracting(Notification::errorMessage, Notification::sentAt).containsOnlyNulls();
            assertThat(stored.updatedAt()).isEqualTo(stored.createdAt());
            assertThat(notifications().get(stored.id())).contains(stored);
            assertThat(notifications().get(stored.id() + 1000)).isEmpty();
        }

        @Test
        void createIfAbsentReturnsTheExistingNotificationOfTheSameOrderTypeAndChannelUnchanged() {
            Order order = insert(anOrder().build());
            Notification first = created(aNotification(order).build());

            NotificationRecords.Created again = create(aNotification(order).withMessage("another text")
                    .withOrderStatus("refunded").build());

            assertThat(again.created()).isFalse();
            assertThat(again.notification()).isEqualTo(first);
            assertThat(notifications().get(first.id())).contains(first);
            assertThat(listAllNotifications(NotificationQuery.firstPage(10))).containsExactly(first);
        }

        @Test
        void anotherChannelTypeOrOrderIsAnotherNotification() {
            Order order = insert(anOrder().build());
            Order other = insert(anOrder().build());

            List<Notification> all = List.of(
                    created(aNotification(order).build()),
                    created(aNotification(order).onChannel("email").build()),
                    created(aNotification(order).ofType(NotificationType.ORDER_FAILED).build()),
                    created(aNotification(other).build()));

            assertThat(notificationIds(all)).doesNotHaveDuplicates().isSorted();
            assertThat(create(aNotification(order).onChannel("email").build()).notification()).isEqualTo(all.get(1));
            assertThat(create(aNotification(other).build()).created()).isFalse();
        }

        @Test
        void refundNotificationsAreUniquePerRefundTypeAndChannelNotPerOrder() {
            Order order = insert(anOrder().withStatus(OrderStatus.COMPLETED).build());
            Order other = insert(anOrder().withStatus(OrderStatus.COMPLETED).build());
            Notification refund1 = created(aNotification(order).forRefund("R-1").build());

            // A second refund of the same order, the same refund on another channel or of another
            // type, and the order's own notification of the same type: each one more.
            created(aNotification(order).forRefund("R-2").build());
            created(aNotification(order).forRefund("R-1").onChannel("email").build());
            created(aNotification(order).withRefundId("R-1").ofType(NotificationType.ORDER_FAILED).build());
            created(aNotification(order).ofType(NotificationType.REFUND_PROCESSED).build());

            // Refund ids are global: the key is the refund, whichever order a duplicate names.
            NotificationRecords.Created again = create(aNotification(other).forRefund("R-1").build());

            assertThat(again.created()).isFalse();
            assertThat(again.notification()).isEqualTo(refund1);
            assertThat(listAllNotifications(NotificationQuery.firstPage(10))).hasSize(5);
        }

        @Test
        void concurrentCreatesOfTheSameKeyStoreExactlyOne() throws Exception {
            int threadCount = 8;
            ExecutorService threads = Executors.newFixedThreadPool(threadCount);
            try {
                for (int round = 0; round < 50; round++) {
                    Order order = insert(anOrder().build());
                    NewNotification wanted = aNotification(order).build();
                    CyclicBarrier start = new CyclicBarrier(threadCount);
                    List<Future<NotificationRecords.Created>> outcomes = new ArrayList<>();
                    for (int t = 0; t < threadCount; t++) {
                        outcomes.add(threads.submit(() -> {
                            start.await(WAIT_SECONDS, SECONDS);
                            return create(wanted);
                        }));
                    }
                    List<NotificationRecords.Created> results = new ArrayList<>();
                    for (Future<NotificationRecords.Created> outcome : outcomes) {
                        results.add(await(outcome));
                    }

                    assertThat(results).as("round %d: created flags", round)
                            .filteredOn(NotificationRecords.Created::created).hasSize(1);
                    assertThat(results).as("round %d: every call sees the same notification", round)
                            .extracting(NotificationRecords.Created::notification)
                            .containsOnly(results.get(0).notification());
                    assertThat(notifications().list(NotificationQuery.firstPage(10).withOrderId(order.id())).items())
                            .as("round %d: stored", round).hasSize(1);
                }
            } finally {
                threads.shutdownNow();
            }
        }

        @Test
        void everyAttemptUpdatesTheSameRowAndALaterSuccessMovesFailedToSent() {
            Order order = insert(anOrder().build());
            Notification pending = created(aNotification(order).build());

            Notification failedOnce = notifications().recordAttempt(pending.id(), false, "timeout", t0);
            Notification failedTwice = notifications().recordAttempt(pending.id(), false, "connection refused",
                    t0.plusSeconds(2));
            Notification sent = notifications().recordAttempt(pending.id(), true, null, t0.plusSeconds(6));

            assertThat(List.of(failedOnce, failedTwice, sent))
                    .extracting(Notification::id, Notification::state, Notification::attempts,
                            Notification::errorMessage, Notification::sentAt, Notification::updatedAt)
                    .containsExactly(
                            tuple(pending.id(), NotificationState.FAILED, 1, "timeout", null, t0),
                            tuple(pending.id(), NotificationState.FAILED, 2, "connection refused", null,
                                    t0.plusSeconds(2)),
                            tuple(pending.id(), NotificationState.SENT, 3, "connection refused", t0.plusSeconds(6),
                                    t0.plusSeconds(6)));
            assertThat(sent).usingRecursiveComparison()
                    .ignoringFields("state", "attempts", "errorMessage", "sentAt", "updatedAt").isEqualTo(pending);
            assertThat(notifications().get(pending.id())).contains(sent);
            assertThat(listAllNotifications(NotificationQuery.firstPage(10))).containsExactly(sent);
        }

        @Test
        void aSentNotificationStaysSentWhenALaterAttemptIsRecorded() {
            Order order = insert(anOrder().build());
            Notification pending = created(aNotification(order).build());
            notifications().recordAttempt(pending.id(), true, null, t0);

            Notification after = notifications().recordAttempt(pending.id(), false, "duplicate job failed",
                    t0.plusSeconds(5));

            assertThat(after).extracting(Notification::state, Notification::attempts, Notification::sentAt)
                    .containsExactly(NotificationState.SENT, 2, t0);
            assertThat(notifications().get(pending.id())).contains(after);
        }

        @Test
        void recordAttemptRefusesAnUnknownIdAndAnErrorThatDoesNotMatchTheOutcome() {
            Order order = insert(anOrder().build());
            Notification pending = created(aNotification(order).build());

            assertThatThrownBy(() -> notifications().recordAttempt(pending.id() + 1000, true, null, t0))
                    .isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> notifications().recordAttempt(pending.id(), false, null, t0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> notifications().recordAttempt(pending.id(), true, "but it failed", t0))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(notifications().get(pending.id())).contains(pending);
            assertThat(notifications().pending()).containsExactly(pending);
        }

        @Test
        void listPagesThroughEveryNotificationOnceNewestFirst() {
            List<Notification> stored = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                stored.add(created(aNotification(insert(anOrder().build())).build()));
            }
            List<Long> newestFirst = new ArrayList<>(notificationIds(stored));
            Collections.reverse(newestFirst);

            Page<Notification> first = notifications().list(NotificationQuery.firstPage(3));
            Page<Notification> second = notifications().list(NotificationQuery.firstPage(3)
                    .before(first.nextKey().orElseThrow()));
            Page<Notification> last = notifications().list(NotificationQuery.firstPage(3)
                    .before(second.nextKey().orElseThrow()));

            assertThat(List.of(first, second, last)).extracting(page -> page.items().size()).containsExactly(3, 3, 1);
            assertThat(last.nextKey()).isEmpty();
            assertThat(notificationIds(listAllNotifications(NotificationQuery.firstPage(3)))).isEqualTo(newestFirst);
            assertThat(notifications().list(NotificationQuery.firstPage(7)).nextKey()).isEmpty();
        }

        @Test
        void anEmptyStoreListsOneEmptyLastPageAndNothingPending() {
            Page<Notification> page = notifications().list(NotificationQuery.firstPage(5));

            assertThat(page.items()).isEmpty();
            assertThat(page.nextKey()).isEmpty();
            assertThat(notifications().pending()).isEmpty();
        }

        @Test
        void listFiltersByOrderCustomerTypeAndStateAcrossPages() {
            Order mine = insert(anOrder().withCustomerId("cust-me").build());
            Order mineToo = insert(anOrder().withCustomerId("cust-me").build());
            Order theirs = insert(anOrder().withCustomerId("cust-other").build());
            Notification mineLog = created(aNotification(mine).build());
            Notification mineEmail = created(aNotification(mine).onChannel("email").build());
            Notification theirsLog = created(aNotification(theirs).build());
            Notification mineTooFailed = created(aNotification(mineToo).ofType(NotificationType.ORDER_FAILED).build());
            Notification mineRefund = created(aNotification(mine).forRefund("R-9").build());
            notifications().recordAttempt(mineLog.id(), true, null, t0);
            notifications().recordAttempt(theirsLog.id(), false, "down", t0);
            notifications().recordAttempt(mineTooFailed.id(), true, null, t0);

            NotificationQuery page = NotificationQuery.firstPage(1);
            assertThat(notificationIds(listAllNotifications(page.withOrderId(mine.id()))))
                    .containsExactly(mineRefund.id(), mineEmail.id(), mineLog.id());
            assertThat(notificationIds(listAllNotifications(page.withCustomerId("cust-me"))))
                    .containsExactly(mineRefund.id(), mineTooFailed.id(), mineEmail.id(), mineLog.id());
            assertThat(notificationIds(listAllNotifications(page.withType(NotificationType.ORDER_COMPLETED))))
                    .containsExactly(theirsLog.id(), mineEmail.id(), mineLog.id());
            assertThat(notificationIds(listAllNotifications(page.withState(NotificationState.SENT))))
                    .containsExactly(mineTooFailed.id(), mineLog.id());
            assertThat(notificationIds(listAllNotifications(page.withState(NotificationState.PENDING))))
                    .containsExactly(mineRefund.id(), mineEmail.id());
            assertThat(notificationIds(listAllNotifications(page.withState(NotificationState.FAILED))))
                    .containsExactly(theirsLog.id());
            assertThat(notificationIds(listAllNotifications(page.withCustomerId("cust-me")
                    .withType(NotificationType.ORDER_COMPLETED).withState(NotificationState.PENDING))))
                    .containsExactly(mineEmail.id());
            assertThat(listAllNotifications(page.withOrderId(theirs.id()).withCustomerId("cust-me"))).isEmpty();
            assertThat(listAllNotifications(page.withCustomerId("cust-nobody"))).isEmpty();
            assertThat(notifications().list(NotificationQuery.firstPage(10).withOrderId(mine.id())
                    .before(mineEmail.id())).items()).extracting(Notification::id).containsExactly(mineLog.id());
        }

        @Test
        void pendingListsNotificationsWithoutAnAttemptOldestFirst() {
            Order order = insert(anOrder().build());
            Notification first = created(aNotification(order).build());
            Notification sent = created(aNotification(order).onChannel("email").build());
            Notification failed = created(aNotification(order).onChannel("sms").build());
            Notification last = created(aNotification(order).ofType(NotificationType.ORDER_FAILED).build());
            notifications().recordAttempt(sent.id(), true, null, t0);
            notifications().recordAttempt(failed.id(), false, "gateway down", t0);

            assertThat(notifications().pending()).containsExactly(first, last);
        }
    }

    /**
     * The history retention: what each purge removes and what it must keep. The store's own clock
     * is not settable here, so cutoffs are taken from the timestamps the store returned: "before
     * the cutoff" is strict, hence a cutoff equal to a timestamp keeps that record.
     */
    @Nested
    class HistoryRetention {

        private final Instant t0 = Instant.parse("2025-11-16T09:00:00Z");
        private final List<String> subscribers = List.of("analytics", "notifications");

        /** Events of a1 b1 a2 over two orders, all pending for every subscriber. */
        private List<OutboxEvent> threeEvents() {
            Order a = insert(aNewOrder("A-1"), anEvent("a1"));
            insert(aNewOrder("B-1"), anEvent("b1"));
            transition(a, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, anEvent("a2"));
            return outbox().pending("setup", 100);
        }

        private Instant afterAll(List<OutboxEvent> events) {
            return events.stream().map(OutboxEvent::recordedAt).max(Instant::compareTo).orElseThrow().plusSeconds(1);
        }

        private void deliverToAll(List<OutboxEvent> events) {
            subscribers.forEach(outbox()::registerSubscriber);
            subscribers.forEach(name -> outbox().markDelivered(name, FENCE, sequences(events)));
        }

        @Test
        void purgesOldEventsDeliveredToEverySubscriberAndIsIdempotent() {
            List<OutboxEvent> all = threeEvents();
            deliverToAll(all);

            assertThat(outbox().purgeDelivered(afterAll(all))).isEqualTo(3);
            assertThat(outbox().purgeDelivered(afterAll(all))).isZero();
            assertThat(outbox().eventsOf(all.get(0).orderId())).isEmpty();
            assertThat(outbox().eventsOf(all.get(1).orderId())).isEmpty();
            assertThat(outbox().pending("analytics", 100)).isEmpty();
        }

        @Test
        void keepsEventsRecordedAtOrAfterTheCutoff() {
            List<OutboxEvent> all = threeEvents();
            deliverToAll(all);
            Instant earliest = all.stream().map(OutboxEvent::recordedAt).min(Instant::compareTo).orElseThrow();

            assertThat(outbox().purgeDelivered(earliest)).isZero();
            assertThat(outbox().eventsOf(all.get(0).orderId())).isEqualTo(List.of(all.get(0), all.get(2)));
        }

        @Test
        void keepsAnEventPendingForOneSubscriberOrDeadLetteredForOne() {
            List<OutboxEvent> all = threeEvents();
            outbox().markDelivered("analytics", FENCE, sequences(all));
            outbox().markDelivered("notifications", FENCE, List.of(all.get(0).sequence()));
            outbox().deadLetter("notifications", FENCE, all.get(1).sequence(), "boom");

            // a1 goes; b1 is dead-lettered for notifications, a2 still pending for it.
            assertThat(outbox().purgeDelivered(afterAll(all))).isEqualTo(1);
            assertThat(outbox().eventsOf(all.get(0).orderId())).containsExactly(all.get(2));
            assertThat(outbox().eventsOf(all.get(1).orderId())).containsExactly(all.get(1));
            assertThat(outbox().pending("notifications", 100)).containsExactly(all.get(2));
            assertThat(deadLetters("notifications")).extracting(letter -> letter.event())
                    .containsExactly(all.get(1));
        }

        @Test
        void aRegisteredSubscriberThatHadNothingKeepsEveryEventAndWithoutSubscribersNothingGoes() {
            List<OutboxEvent> all = threeEvents();
            assertThat(outbox().purgeDelivered(afterAll(all))).as("no subscriber registered").isZero();
            deliverToAll(all);

            // Registered by a process that is not running now: it has had nothing yet.
            outbox().registerSubscriber("audit");

            assertThat(outbox().purgeDelivered(afterAll(all))).isZero();
            assertThat(outbox().pending("audit", 100)).isEqualTo(all);
            outbox().markDelivered("audit", FENCE, sequences(all.subList(0, 1)));
            assertThat(outbox().purgeDelivered(afterAll(all))).isEqualTo(1);
            assertThat(outbox().pending("audit", 100)).isEqualTo(all.subList(1, 3));
        }

        @Test
        void keepsEventsWaitingBehindADeadLetter() {
            List<OutboxEvent> all = threeEvents();
            // b1 delivered to all, a1 and a2 to analytics; for notifications a2 waits behind a dead a1.
            deliverToAll(List.of(all.get(1)));
            outbox().markDelivered("analytics", FENCE, sequences(all));
            outbox().deadLetter("notifications", FENCE, all.get(0).sequence(), "boom");

            assertThat(outbox().purgeDelivered(afterAll(all))).isEqualTo(1);
            assertThat(outbox().eventsOf(all.get(0).orderId())).containsExactly(all.get(0), all.get(2));
            assertThat(outbox().pending("notifications", 100)).isEmpty();
            outbox().redeliver("notifications", all.get(0).sequence());
            assertThat(outbox().pending("notifications", 100)).containsExactly(all.get(0), all.get(2));
        }

        @Test
        void pendingAndEventsOfStayRightAfterAPurgeAndNewEventsGetNewSequences() {
            List<OutboxEvent> all = threeEvents();
            // Delivered out of order: a1 and a2 to all, b1 to analytics only.
            deliverToAll(List.of(all.get(0), all.get(2)));
            outbox().markDelivered("analytics", FENCE, List.of(all.get(1).sequence()));

            assertThat(outbox().purgeDelivered(afterAll(all))).isEqualTo(2);
            Order c = insert(aNewOrder("C-1"), anEvent("c1"));

            List<OutboxEvent> pending = outbox().pending("notifications", 100);
            assertThat(tags(pending)).containsExactly("b1", "c1");
            assertThat(pending.get(1).sequence()).isGreaterThan(all.get(2).sequence());
            assertThat(tags(outbox().pending("analytics", 100))).containsExactly("c1");
            assertThat(tags(outbox().pending("notifications", 1))).containsExactly("b1");
            assertThat(outbox().eventsOf(all.get(0).orderId())).isEmpty();
            assertThat(tags(outbox().eventsOf(c.id()))).containsExactly("c1");
            outbox().markDelivered("notifications", FENCE, sequences(pending));
            assertThat(outbox().pending("notifications", 100)).isEmpty();
        }

        @Test
        void purgesOnlyFinishedNotificationsUpdatedBeforeTheCutoff() {
            NotificationRecords notifications = store.notifications();
            long oldSent = notifications.createIfAbsent(aNotification(insert(anOrder().build())).build())
                    .notification().id();
            long oldFailed = notifications.createIfAbsent(aNotification(insert(anOrder().build())).build())
                    .notification().id();
            long recentSent = notifications.createIfAbsent(aNotification(insert(anOrder().build())).build())
                    .notification().id();
            Notification pending = notifications.createIfAbsent(aNotification(insert(anOrder().build())).build())
                    .notification();
            notifications.recordAttempt(oldSent, true, null, t0);
            notifications.recordAttempt(oldFailed, false, "smtp down", t0.plusSeconds(1));
            notifications.recordAttempt(recentSent, true, null, t0.plusSeconds(60));
            Instant cutoff = t0.plusSeconds(60);

            assertThat(notifications.purgeFinished(cutoff)).isEqualTo(2);
            assertThat(notifications.purgeFinished(cutoff)).isZero();
            assertThat(notifications.get(oldSent)).isEmpty();
            assertThat(notifications.get(oldFailed)).isEmpty();
            assertThat(notifications.get(recentSent)).isPresent();
            assertThat(notifications.pending()).containsExactly(pending);
            assertThat(notifications.list(NotificationQuery.firstPage(100)).items()).extracting(Notification::id)
                    .containsExactly(pending.id(), recentSent);
        }

        @Test
        void purgesOnlyFinishedImportsFinishedBeforeTheCutoffWithTheirRejectedRows() {
            ImportRun finished = imports().create(anImport().dryRun().build());
            imports().recordDryRunChunk(finished.importId(), 0, new ImportCounters(2, 1, 0, 1),
                    List.of(new RejectedRow(3, "R-3", "customer_id: empty")), true);
            ImportRun completed = imports().get(finished.importId()).orElseThrow();
            ImportRun failed = imports().updateState(imports().create(anImport().build()).importId(),
                    ImportState.QUEUED, ImportState.FAILED, "disk full").orElseThrow();
            ImportRun queued = imports().create(anImport().createdAt(t0.minusSeconds(3600)).build());
            ImportRun running = imports().updateState(imports().create(anImport().build()).importId(),
                    ImportState.QUEUED, ImportState.RUNNING, null).orElseThrow();
            Instant lastFinish = completed.finishedAt().isAfter(failed.finishedAt())
                    ? completed.finishedAt() : failed.finishedAt();

            assertThat(imports().purgeFinished(completed.finishedAt().isBefore(failed.finishedAt())
                    ? completed.finishedAt() : failed.finishedAt())).as("nothing finished before the first")
                    .isZero();
            assertThat(imports().purgeFinished(lastFinish.plusSeconds(1))).isEqualTo(2);
            assertThat(imports().purgeFinished(lastFinish.plusSeconds(1))).isZero();
            assertThat(imports().get(completed.importId())).isEmpty();
            assertThat(imports().get(failed.importId())).isEmpty();
            assertThat(imports().rejectedRows(completed.importId(), 0, 100)).isEmpty();
            assertThat(imports().get(queued.importId())).contains(queued);
            assertThat(imports().get(running.importId())).contains(running);
            assertThat(imports().unfinished()).extracting(ImportRun::importId)
                    .containsExactlyInAnyOrder(queued.importId(), running.importId());
        }
    }
}
