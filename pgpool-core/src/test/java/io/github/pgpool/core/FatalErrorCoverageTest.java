package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every method of {@link Connection}, {@link Statement}, {@link PreparedStatement} and {@link CallableStatement}, called
 * through pgpool's handle and statements on a driver whose every call fails with SQLState 08006 (connection failure):
 * each method either marks the loan broken, so the connection is never lent again and the adapter tells the
 * server, or is on an allow-list below that says why it need not.
 */
class FatalErrorCoverageTest {
    /** Connection methods that never reach the driver, or that end the handle's use of it anyway. */
    private static final Map<String, String> CONNECTION_ALLOWED = Map.of(
            "close", "gives the connection back; the pool cleans or closes it then",
            "isWrapperFor", "the driver's own type check, no call on the connection",
            "isClosed", "the handle's own state",
            "beginRequest", "JDBC's default: a no-op, the pool is the request boundary",
            "endRequest", "JDBC's default: a no-op, the pool is the request boundary",
            "setShardingKey", "JDBC's default: not supported, no driver call",
            "setShardingKeyIfValid", "JDBC's default: not supported, no driver call");

    /** Statement calls that reach the server although their names look like settings. */
    private static final Set<String> REACH_THE_SERVER = Set.of("getMoreResults", "getMetaData", "getParameterMetaData",
            "setBlob", "setClob", "setNClob", "setArray", "setObject", "getObject", "getArray");

    /**
     * Statement calls answered from the driver's memory (settings, counts, bound parameters, out values read from
     * the call's result, escaping): they cannot fail for a reason of the connection, so they are passed through.
     */
    private static String answeredFromMemory(Method m) {
        String n = m.getName();
        if (REACH_THE_SERVER.contains(n)) {
            return null;
        }
        boolean local = n.startsWith("get") || n.startsWith("set") || n.startsWith("is") || n.startsWith("clear")
                || n.startsWith("enquote") || n.equals("wasNull") || n.equals("registerOutParameter")
                || n.equals("closeOnCompletion") || n.equals("addBatch");
        if (local) {
            return "answered from the driver's memory";
        }
        switch (n) {
            case "close":
                return "closing a statement is the driver's book-keeping; the connection is checked on return";
            case "cancel":
                return "a cancel goes over a connection of its own: its failure says nothing about this one";
            case "unwrap":
            case "isWrapperFor":
                return "the driver's own objects, no call on the connection";
            default:
                return null;
        }
    }

    private final FailingDriver driver = new FailingDriver();
    private final PgPoolDataSource ds = new PgPoolDataSource(PgPool.builder(PoolSettings.builder()
            .databaseName("stub").poolName("coverage").maxSize(1).build())
            .connectionFactory(credentials -> driver.connection()).jmx(false).build());

    @AfterEach
    void close() {
        ds.close();
    }

    @Test
    void everyConnectionMethodMarksTheLoanBrokenOrIsAllowed() throws Exception {
        List<String> uncovered = new ArrayList<>();
        for (Method m : Connection.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Connection handle = ds.getConnection();
            PooledConnection lease = ((ConnectionHandle) handle).lease();
            driver.failing = true;
            String verdict = verdict(m, handle, lease, CONNECTION_ALLOWED.get(m.getName()));
            driver.failing = false;
            if (verdict != null) {
                uncovered.add(verdict);
            }
            handle.close();
        }
        assertThat(uncovered).as("Connection methods that neither mark the loan broken nor are allowed").isEmpty();
    }

    @Test
    void everyStatementMethodMarksTheLoanBrokenOrIsAllowed() throws Exception {
        check(Statement.class, Connection::createStatement);
        check(PreparedStatement.class, c -> c.prepareStatement("SELECT 1"));
        check(CallableStatement.class, c -> c.prepareCall("{call f()}"));
    }

    private <S extends Statement> void check(Class<S> type, SqlCall<Connection, S> make) throws Exception {
        List<String> uncovered = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Connection handle = ds.getConnection();
            PooledConnection lease = ((ConnectionHandle) handle).lease();
            S statement = make.apply(handle);
            driver.failing = true;
            String verdict = verdict(m, statement, lease, answeredFromMemory(m));
            driver.failing = false;
            if (verdict != null) {
                uncovered.add(verdict);
            }
            handle.close();
        }
        assertThat(uncovered).as(type.getSimpleName() + " methods that neither mark the loan broken nor are allowed")
                .isEmpty();
    }

    /** @return {@code null} if the method is covered, else what is wrong with it */
    private static String verdict(Method m, Object target, PooledConnection lease, String allowedBecause) {
        Throwable thrown = null;
        try {
            m.invoke(target, arguments(m));
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        if (allowedBecause != null) {
            return null;
        }
        if (thrown != null && !(thrown instanceof SQLException && "08006".equals(((SQLException) thrown).getSQLState()))) {
            return m + " did not pass the driver's failure on: " + thrown;
        }
        return lease.isBroken() ? null : m + " did not mark the loan broken (threw: " + thrown + ")";
    }

    private static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = sample(types[i]);
        }
        return args;
    }

    private static Object sample(Class<?> t) {
        if (t == int.class) {
            return 1;
        } else if (t == long.class) {
            return 1L;
        } else if (t == boolean.class) {
            return false;
        } else if (t == byte.class) {
            return (byte) 0;
        } else if (t == short.class) {
            return (short) 0;
        } else if (t == float.class) {
            return 0f;
        } else if (t == double.class) {
            return 0d;
        } else if (t == String.class) {
            return "x";
        } else if (t == Class.class) {
            return Runnable.class; // nothing here is a Runnable: unwrap must ask the driver
        } else if (t.isArray()) {
            return Array.newInstance(t.getComponentType(), 0);
        } else if (t == Executor.class) {
            return (Executor) Runnable::run;
        } else if (t == Map.class) {
            return Map.of();
        } else if (t == Properties.class) {
            return new Properties();
        }
        return null;
    }

    /**
     * A driver whose connections and statements answer plainly until {@link #failing} is set; from then on every
     * call but the object's own identity and closed state fails with SQLState 08006.
     */
    private static final class FailingDriver {
        volatile boolean failing;

        Connection connection() {
            return proxy(Connection.class, m -> {
                switch (m.getName()) {
                    case "createStatement":
                        return proxy(Statement.class, r -> null);
                    case "prepareStatement":
                        return proxy(PreparedStatement.class, r -> null);
                    case "prepareCall":
                        return proxy(CallableStatement.class, r -> null);
                    case "getAutoCommit":
                        return true;
                    case "getTransactionIsolation":
                        return Connection.TRANSACTION_READ_COMMITTED;
                    case "getHoldability":
                        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
                    default:
                        return null;
                }
            });
        }

        private <T> T proxy(Class<T> type, Function<Method, Object> answers) {
            InvocationHandler h = (p, m, args) -> {
                switch (m.getName()) {
                    case "hashCode":
                        return System.identityHashCode(p);
                    case "equals":
                        return p == args[0];
                    case "toString":
                        return "failing " + type.getSimpleName();
                    case "close":
                        return null;
                    case "isClosed":
                    case "isWrapperFor":
                        return false;
                    default:
                        break;
                }
                if (failing) {
                    boolean clientInfo = m.getExceptionTypes().length == 1
                            && m.getExceptionTypes()[0] == SQLClientInfoException.class;
                    throw clientInfo ? new SQLClientInfoException("stub: the connection was lost", "08006", Map.of())
                            : new SQLException("stub: the connection was lost", "08006");
                }
                Object answer = answers.apply(m);
                Class<?> r = m.getReturnType();
                return answer != null || !r.isPrimitive() ? answer : sample(r);
            };
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
        }
    }
}
