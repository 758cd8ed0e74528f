package io.github.pgpool.jca;

import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records the events it receives and optionally runs an action on each (for example removing itself). */
final class RecordingListener implements ConnectionEventListener {
    final List<ConnectionEvent> events = new ArrayList<>();
    private final Consumer<ConnectionEvent> action;

    RecordingListener() {
        this(e -> { });
    }

    RecordingListener(Consumer<ConnectionEvent> action) {
        this.action = action;
    }

    List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        for (ConnectionEvent e : events) {
            ids.add(e.getId());
        }
        return ids;
    }

    private void record(ConnectionEvent e) {
        events.add(e);
        action.accept(e);
    }

    @Override
    public void connectionClosed(ConnectionEvent e) {
        record(e);
    }

    @Override
    public void connectionErrorOccurred(ConnectionEvent e) {
        record(e);
    }

    @Override
    public void localTransactionStarted(ConnectionEvent e) {
        record(e);
    }

    @Override
    public void localTransactionCommitted(ConnectionEvent e) {
        record(e);
    }

    @Override
    public void localTransactionRolledback(ConnectionEvent e) {
        record(e);
    }
}
