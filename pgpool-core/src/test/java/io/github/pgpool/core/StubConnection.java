package io.github.pgpool.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A physical connection stand-in for the pool algorithm's unit tests: it records what the pool did to it (SQL run,
 * rollbacks, autocommit changes, close) and can be told to fail validity checks. Only for tests.
 */
final class StubConnection implements InvocationHandler {
    final int id;
    final String user;
    final List<String> executed = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile boolean valid = true;
    volatile boolean autoCommit = true;
    volatile boolean readOnly;
    volatile int rollbacks;
    volatile int validations;
    final Connection proxy;

    StubConnection(int id, String user) {
        this.id = id;
        this.user = user;
        this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, this);
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
        switch (m.getName()) {
            case "close":
                closed = true;
                return null;
            case "isClosed":
                return closed;
            case "isValid":
                validations++;
                return valid && !closed;
            case "getAutoCommit":
                return autoCommit;
            case "setAutoCommit":
                autoCommit = (Boolean) args[0];
                return null;
            case "isReadOnly":
                return readOnly;
            case "setReadOnly":
                readOnly = (Boolean) args[0];
                return null;
            case "rollback":
                rollbacks++;
                return null;
            case "getTransactionIsolation":
                return Connection.TRANSACTION_READ_COMMITTED;
            case "getHoldability":
                return java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT;
            case "isWrapperFor":
                return false;
            case "createStatement":
                return statement();
            case "prepareStatement":
                executed.add((String) args[0]);
                return null;
            case "hashCode":
                return System.identityHashCode(p);
            case "equals":
                return p == args[0];
            case "toString":
                return "StubConnection#" + id;
            default:
                if (closed) {
                    throw new SQLException("closed", "08003");
                }
                return null;
        }
    }

    private Statement statement() {
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                (p, m, args) -> {
                    if (m.getName().equals("execute")) {
                        executed.add((String) args[0]);
                        return false;
                    }
                    return null;
                });
    }
}
