package io.orderkpi.mysql;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source over another that records what the store does with its connections (commits,
 * rollbacks, fetch sizes) and can hold one commit back: the store's own transaction, with its
 * sequences taken, stays open until the test lets it commit.
 */
final class RecordingDataSource implements DataSource {

    /** A commit held back: {@link #arrived} opens when the store calls commit, {@link #release} lets it go. */
    static final class HeldCommit {
        final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void release() {
            released.countDown();
        }
    }

    private final DataSource target;
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger rollbacks = new AtomicInteger();
    final List<Integer> fetchSizes = new CopyOnWriteArrayList<>();
    private final AtomicReference<HeldCommit> holdNext = new AtomicReference<>();

    RecordingDataSource(DataSource target) {
        this.target = target;
    }

    /** The next commit on any connection waits until the returned hold is released. */
    HeldCommit holdNextCommit() {
        HeldCommit hold = new HeldCommit();
        holdNext.set(hold);
        return hold;
    }

    @Override
    public Connection getConnection() throws java.sql.SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws java.sql.SQLException {
        return wrap(target.getConnection(user, password));
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "commit" -> {
                    HeldCommit hold = holdNext.getAndSet(null);
                    if (hold != null) {
                        hold.arrived.countDown();
                        if (!hold.released.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the held commit was never released");
                        }
                    }
                    commits.incrementAndGet();
                }
                case "rollback" -> rollbacks.incrementAndGet();
                default -> {
                    // passed through below
                }
            }
            Object result = invoke(connection, method, args);
            return result instanceof Statement statement ? wrapStatement(statement) : result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private Object wrapStatement(Statement statement) {
        List<Class<?>> interfaces = List.of(statement.getClass().getInterfaces());
        Class<?> type = statement instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class
                : Statement.class;
        if (interfaces.contains(java.sql.CallableStatement.class)) {
            return statement;
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("setFetchSize")) {
                fetchSizes.add((Integer) args[0]);
            }
            return invoke(statement, method, args);
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws java.sql.SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws java.sql.SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws java.sql.SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws java.sql.SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws java.sql.SQLException {
        return target.isWrapperFor(type);
    }
}
