package io.github.pgpool.it.app;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A servlet answer as {@code key=value} lines: easy to read in a failure message and to parse in the test. A
 * failure answers 500 with the exception's class, whether it is (or wraps) a {@link SQLTransientConnectionException},
 * its cause chain, and how long the request ran, so the test can check the timeout contract precisely.
 */
final class Reply {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final long startNanos;

    Reply(long startNanos) {
        this.startNanos = startNanos;
    }

    Reply put(String key, Object value) {
        values.put(key, String.valueOf(value).replace('\n', ' '));
        return this;
    }

    void send(HttpServletResponse response) throws IOException {
        write(response, HttpServletResponse.SC_OK);
    }

    void fail(HttpServletResponse response, Throwable failure) throws IOException {
        put("exception", failure.getClass().getName());
        put("transient", failure instanceof SQLTransientConnectionException);
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null && chain.length() < 4000; t = t.getCause()) {
            chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
        }
        put("chain", chain);
        // Where the root cause was thrown, so that a failed request in a test report says which code threw it.
        StringBuilder at = new StringBuilder();
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        StackTraceElement[] frames = root.getStackTrace();
        for (int i = 0; i < Math.min(8, frames.length); i++) {
            at.append(frames[i]).append(" < ");
        }
        put("at", at);
        write(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    }

    private void write(HttpServletResponse response, int status) throws IOException {
        put("elapsedMs", (System.nanoTime() - startNanos) / 1_000_000);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        StringBuilder body = new StringBuilder();
        values.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        response.getWriter().write(body.toString());
    }
}
