package io.github.pgpool.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples {@code pg_stat_activity} every 50 ms while a benchmark runs and keeps, per application name, the most
 * backends seen at once: the peak backends of a pool tagged with that name.
 */
final class BackendPeaks implements AutoCloseable {
    private final List<String> applicationNames;
    private final Map<String, Integer> peaks = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile SQLException failure;

    private BackendPeaks(List<String> applicationNames) {
        this.applicationNames = applicationNames;
        applicationNames.forEach(n -> peaks.put(n, 0));
        this.thread = new Thread(this::sample, "backend-peaks");
        thread.setDaemon(true);
    }

    /** Starts sampling the backends of these application names. */
    static BackendPeaks start(List<String> applicationNames) {
        BackendPeaks p = new BackendPeaks(applicationNames);
        p.thread.start();
        return p;
    }

    private void sample() {
        try (Connection c = PgDatabase.connect(PgDatabase.DATABASE, "pgpool-bench-monitor");
                PreparedStatement count = c.prepareStatement("SELECT application_name, count(*) "
                        + "FROM pg_stat_activity WHERE application_name = ANY (?) GROUP BY 1")) {
            count.setArray(1, c.createArrayOf("text", applicationNames.toArray()));
            while (!stop) {
                try (ResultSet rs = count.executeQuery()) {
                    while (rs.next()) {
                        synchronized (peaks) {
                            peaks.merge(rs.getString(1), rs.getInt(2), Math::max);
                        }
                    }
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the peak backends of {@code applicationName} so far */
    int peak(String applicationName) {
        synchronized (peaks) {
            return peaks.getOrDefault(applicationName, 0);
        }
    }

    /** Stops sampling; fails if the monitor could not read pg_stat_activity. */
    @Override
    public void close() throws SQLException, InterruptedException {
        stop = true;
        thread.join(5_000);
        if (failure != null) {
            throw failure;
        }
    }
}
