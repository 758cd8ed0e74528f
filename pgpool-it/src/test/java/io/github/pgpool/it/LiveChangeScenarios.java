package io.github.pgpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Http.Answer;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live changes of a server pool's settings, made with the server's own admin tools while the application runs and
 * requests keep coming: MaxSize lowered under a burst, and the Password rotated (a real {@code ALTER ROLE} on the
 * scram role {@code pgpool_rotate_it}, whose pg_hba.conf line {@code .ci/run} adds). Each server says how it makes a
 * pool and changes a property; the expectations are the same everywhere: the database never sees more backends than
 * the larger of the two MaxSizes, the new MaxSize as soon as the old connections are back, and no request fails.
 */
public abstract class LiveChangeScenarios {
    protected static final String ROLE = "pgpool_rotate_it";
    protected static final Duration SOON = Duration.ofSeconds(30);

    /** @return the test application's base URL */
    protected abstract URL app();

    /** @return the server's name in the measured lines */
    protected abstract String serverName();

    /** Makes a server pool of the adapter with these properties, reachable at {@link #jndi(String)}. */
    protected abstract void createPool(String pool, Map<String, String> properties);

    /** Changes one property of a running pool as the README tells administrators to. */
    protected abstract void changeProperty(String pool, String property, String value);

    /**
     * @return whether the server applies a changed property only by restarting its services (WildFly's reload):
     *     requests that arrive meanwhile fail, so the rotation test then only checks that every failure fell inside
     *     the change, and none before or after it
     */
    protected boolean restartsOnChange() {
        return false;
    }

    /** Removes the pool made by {@link #createPool}. */
    protected abstract void deletePool(String pool);

    /** @return the JNDI name the application looks the pool up with */
    protected abstract String jndi(String pool);

    protected Map<String, String> properties(String database, int maxSize) {
        ItEnv.Server server = ItEnv.server();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ServerName", server.host());
        p.put("PortNumber", Integer.toString(server.port()));
        p.put("DatabaseName", database);
        p.put("User", server.user());
        p.put("MaxSize", Integer.toString(maxSize));
        p.put("Cleanup", "300"); // the old connections must go because of the change, not because they idled
        return p;
    }

    @Test
    @Timeout(240)
    void lowerMaxSizeUnderABurstNeverExceedsTheLargerLimit() throws Exception {
        String pool = "pgpool-it-live-maxsize";
        String database = "pgpool_it_live_maxsize";
        AdminDb.ensureDatabase(database);
        createPool(pool, properties(database, 4));
        try {
            List<Answer> first = burst(pool, 8, 400);
            assertThat(first).as("the first burst").allMatch(Answer::ok);
            assertThat(Poll.until("4 idle backends after the first burst", SOON, () -> AdminDb.backends(database),
                    n -> n == 4)).isEqualTo(4);

            changeProperty(pool, "MaxSize", "2");
            int peak;
            List<Answer> answers;
            try (Sampler sampler = new Sampler(database)) {
                answers = burst(pool, 8, 400);
                peak = sampler.peak();
            }
            long failed = answers.stream().filter(a -> !a.ok()).count();
            int after = Poll.until("at most the new MaxSize 2 once the old connections are back", SOON,
                    () -> AdminDb.backends(database), n -> n <= 2);
            System.out.println("pgpool-it live change " + serverName() + ": MaxSize 4 -> 2, burst of 8: peak "
                    + peak + " backends, " + failed + " failed, " + after + " backends after the burst");
            assertThat(answers).as("requests of the burst after the change").allMatch(Answer::ok);
            assertThat(peak).as("backends during the burst after MaxSize 4 -> 2").isBetween(1, 4);
            Poll.holdsFor("no more than MaxSize 2 backends", Duration.ofSeconds(2), () -> AdminDb.backends(database),
                    n -> n <= 2);
        } finally {
            deletePool(pool);
        }
    }

    @Test
    @Timeout(240)
    void passwordRotationUnderLoadFailsNoRequest() throws Exception {
        String pool = "pgpool-it-live-password";
        String database = "pgpool_it_live_password";
        AdminDb.ensureDatabase(database);
        alterPassword("rotate-it-first");
        requirePasswordChecked(database);
        Map<String, String> properties = properties(database, 4);
        properties.put("User", ROLE);
        properties.put("Password", "rotate-it-first");
        createPool(pool, properties);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Long> failedAt = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        Answer a = request("live/sleep?ms=20&jndi=" + encode(jndi(pool)));
                        if (a.ok()) {
                            served.incrementAndGet();
                        } else {
                            failedAt.add(System.nanoTime());
                            failures.add(a.toString());
                        }
                    }
                }, "pgpool-it-rotation-client");
                t.setDaemon(true);
                clients.add(t);
            }
            clients.forEach(Thread::start);
            Poll.until("100 requests with the first password (failures: " + failures + ")", SOON, served::get,
                    n -> n >= 100 || failures.size() > 20);
            assertThat(failures).as("requests before the change").isEmpty();

            alterPassword("rotate-it-second");
            long changedAt = System.nanoTime();
            changeProperty(pool, "Password", "rotate-it-second");
            long changeDone = System.nanoTime();
            int servedAtChange = served.get();
            // Every backend of the pool was opened after the server changed the password: the old ones drained.
            double secondsSinceChange = Poll.until("no backend opened before the rotation is left", SOON,
                    () -> oldestBackendSeconds(database) < (System.nanoTime() - changedAt) / 1e9
                            && served.get() > servedAtChange + 100 ? 1.0 : 0.0, v -> v > 0);
            assertThat(secondsSinceChange).isPositive();
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
            System.out.println("pgpool-it live change " + serverName() + ": password rotation under load: "
                    + served.get() + " requests served, " + failures.size() + " failed, "
                    + (served.get() - servedAtChange) + " after the change (which took "
                    + (changeDone - changedAt) / 1_000_000 + " ms); failures: "
                    + failures.subList(0, Math.min(3, failures.size())));
            if (restartsOnChange()) {
                // An answer may come back a moment after the server is up again for a request it refused while down.
                long grace = Duration.ofSeconds(1).toNanos();
                assertThat(failedAt).as("failures outside the server's restart for the change: %s", failures)
                        .allMatch(t -> t - changedAt >= 0 && t - changeDone - grace <= 0);
            } else {
                assertThat(failures).as("requests that failed during the password rotation").isEmpty();
            }
            Answer who = Http.get(app(), "live/query?jndi=" + encode(jndi(pool)));
            assertThat(who.ok()).as("%s", who).isTrue();
            assertThat(who.get("user")).isEqualTo(ROLE);
            assertThat(loginWorks(database, "rotate-it-first")).as("the old password").isFalse();
        } finally {
            stop.set(true);
            deletePool(pool);
            alterPassword("rotate-it-first");
        }
    }

    /** One request; a refused or broken HTTP connection (a server restarting) counts as a failed answer. */
    private Answer request(String pathAndQuery) {
        try {
            return Http.get(app(), pathAndQuery);
        } catch (IllegalStateException e) {
            return new Answer(0, Map.of(), String.valueOf(e.getCause()));
        }
    }

    private List<Answer> burst(String pool, int requests, long sleepMillis) {
        List<CompletableFuture<Answer>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            futures.add(Http.getAsync(app(), "live/sleep?ms=" + sleepMillis + "&jndi=" + encode(jndi(pool))));
        }
        List<Answer> answers = new ArrayList<>();
        for (CompletableFuture<Answer> f : futures) {
            answers.add(f.join());
        }
        return answers;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void alterPassword(String password) throws SQLException {
        try (Connection c = AdminDb.connect(null); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + ROLE + " PASSWORD '" + password + "'");
        }
    }

    private static void requirePasswordChecked(String database) {
        assertThat(loginWorks(database, "certainly-not-the-password"))
                .as("role %s logs in without its password: its scram-sha-256 line in pg_hba.conf is missing "
                        + "(run .ci/run)", ROLE).isFalse();
    }

    private static boolean loginWorks(String database, String password) {
        return AdminDb.loginWorks(database, ROLE, password);
    }

    /** @return how long ago the oldest backend of the database was opened, in seconds (0 if none) */
    private static double oldestBackendSeconds(String database) {
        double oldest = 0;
        for (AdminDb.Backend b : AdminDb.backendDetails(database)) {
            oldest = Math.max(oldest, b.ageSeconds());
        }
        return oldest;
    }

    /** Counts a database's backends on a thread of its own and keeps the highest count seen. */
    private static final class Sampler implements AutoCloseable {
        private final AtomicInteger peak = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Sampler(String database) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    peak.accumulateAndGet(AdminDb.backends(database), Math::max);
                }
            }, "pgpool-it-backend-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        int peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }
}
