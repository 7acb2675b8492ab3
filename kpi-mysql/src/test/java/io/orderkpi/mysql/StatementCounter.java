package io.orderkpi.mysql;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A driver interceptor ({@code queryInterceptors=io.orderkpi.mysql.StatementCounter}) that records
 * every statement the driver sends to the server while recording is on: what really crosses the
 * wire, after the driver rewrote a batch into multi-row statements.
 */
public final class StatementCounter implements QueryInterceptor {

    private static final List<String> SENT = new CopyOnWriteArrayList<>();
    private static volatile boolean recording;

    /** Starts recording from nothing. */
    static void start() {
        SENT.clear();
        recording = true;
    }

    /** Stops recording and returns what was sent, in order. */
    static List<String> stop() {
        recording = false;
        return List.copyOf(SENT);
    }

    @Override
    public QueryInterceptor init(MysqlConnection connection, Properties properties, Log log) {
        return this;
    }

    @Override
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query query) {
        if (recording) {
            SENT.add(sql.get());
        }
        return null;
    }

    @Override
    public boolean executeTopLevelOnly() {
        return true;
    }

    @Override
    public void destroy() {
        // nothing held
    }

    @Override
    public <T extends Resultset> T postProcess(Supplier<String> sql, Query query, T result, ServerSession session) {
        return result;
    }
}
