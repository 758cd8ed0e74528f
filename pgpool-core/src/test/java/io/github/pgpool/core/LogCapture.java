package io.github.pgpool.core;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the pool logs (the {@code io.github.pgpool.core.PgPool} logger) while it is open, for tests that
 * check what an operator reads. Thread-safe: records may arrive from any thread.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger(PgPool.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture() {
        logger.addHandler(this);
    }

    static LogCapture start() {
        return new LogCapture();
    }

    /** @return the formatted messages logged at {@code level} that contain {@code text} */
    List<String> messages(Level level, String text) {
        return records.stream().filter(r -> r.getLevel() == level)
                .map(r -> MessageFormat.format(r.getMessage(), r.getParameters() == null ? new Object[0]
                        : r.getParameters()))
                .filter(m -> m.contains(text)).toList();
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
