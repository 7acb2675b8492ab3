package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.Page;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The queues as Horizon shows them (SPEC §8, §9): counters per queue, the failed jobs (paged,
 * never with their payloads) with retry and forget (one, all, or all of a queue), pause and
 * continue, and clearing pending jobs. All of it reads and changes the job store, so every server
 * sharing the store answers the same. A queue name that is not one of the named queues is a 404,
 * so a typo never creates a new queue.
 */
public final class QueueRoutes implements Routes {

    private static final String BASE = "/api/v1/queues";

    private final OrderKpi kpi;

    public QueueRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.get(BASE, this::list)
                .get(BASE + "/failed", this::failed)
                .delete(BASE + "/failed", this::forgetAll)
                .post(BASE + "/failed/retry-all", this::retryAll)
                .post(BASE + "/failed/{id}/retry", this::retry)
                .delete(BASE + "/failed/{id}", this::forget)
                .post(BASE + "/{name}/pause", this::pause)
                .post(BASE + "/{name}/continue", this::resume)
                .delete(BASE + "/{name}/jobs", this::clear);
    }

    private JobStore queue() {
        return kpi.jobs();
    }

    /** The named queues, then any other queue the back-end reports, in that order. */
    private Set<String> names() {
        Set<String> names = new LinkedHashSet<>(QueueNames.ALL);
        names.addAll(queue().stats().keySet());
        return names;
    }

    private String known(String name) {
        if (!names().contains(name)) {
            throw ApiException.notFound("Unknown queue '" + name + "'; the queues are " + String.join(", ", names()));
        }
        return name;
    }

    private String queueFilter(Request request) {
        return request.query("queue").map(this::known).orElse(null);
    }

    private static UUID jobId(Request request) {
        String text = request.pathParam("id");
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("Failed job not found: " + text);
        }
    }

    private Response list(Request request) {
        Map<String, QueueStats> stats = queue().stats();
        List<Views.QueueView> queues = new ArrayList<>();
        for (String name : names()) {
            QueueStats s = stats.get(name);
            queues.add(s != null ? Views.QueueView.of(s) : Views.QueueView.idle(name, queue().isPaused(name)));
        }
        return Response.ok(Cursor.whole("queues", queues));
    }

    private Response failed(Request request) {
        Page<FailedJob> page = queue().failed(queueFilter(request), request.query("q").orElse(null),
                Cursor.from(request), Cursor.limit(request));
        List<Views.FailedJobView> jobs = page.items().stream().map(Views.FailedJobView::of).toList();
        return Response.ok(Cursor.page("failed_jobs", jobs, page.nextKey()));
    }

    private Response retry(Request request) {
        UUID id = jobId(request);
        if (!queue().retryFailed(id)) {
            throw ApiException.notFound("Failed job not found: " + id);
        }
        return Response.ok(result("job_id", id, "retried", 1));
    }

    private Response forget(Request request) {
        UUID id = jobId(request);
        if (!queue().forgetFailed(id)) {
            throw ApiException.notFound("Failed job not found: " + id);
        }
        return Response.ok(result("job_id", id, "forgotten", 1));
    }

    private Response retryAll(Request request) {
        String queue = queueFilter(request);
        return Response.ok(result("queue", queue, "retried", queue().retryAllFailed(queue)));
    }

    private Response forgetAll(Request request) {
        String queue = queueFilter(request);
        return Response.ok(result("queue", queue, "forgotten", queue().forgetAllFailed(queue)));
    }

    private Response pause(Request request) {
        String name = known(request.pathParam("name"));
        queue().pause(name);
        return Response.ok(result("queue", name, "paused", true));
    }

    private Response resume(Request request) {
        String name = known(request.pathParam("name"));
        queue().resume(name);
        return Response.ok(result("queue", name, "paused", false));
    }

    private Response clear(Request request) {
        String name = known(request.pathParam("name"));
        return Response.ok(result("queue", name, "cleared", queue().clear(name)));
    }

    private static Map<String, Object> result(String key1, Object value1, String key2, Object value2) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(key1, value1);
        data.put(key2, value2);
        return data;
    }
}
