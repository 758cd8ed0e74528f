package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.Credentials;
import io.github.pgpool.api.PoolSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real password change on a scram role ({@code ALTER ROLE ... PASSWORD}) while borrowers keep working, in Java SE:
 * the credentials supplier ({@link PgPoolBuilder#credentials}) answers with the new password from the moment the
 * administrator changed it, {@link PgPool#evictAll()} replaces the connections opened with the old one, and no borrow
 * fails. The role {@code pgpool_rotate_user} logs in with scram-sha-256 ({@code .ci/run} adds its pg_hba.conf line);
 * this test sets its password itself.
 */
class PasswordRotationTest {
    static final String ROLE = "pgpool_rotate_user";
    private static TestDatabase db;

    @BeforeAll
    static void database() {
        db = TestDatabase.create("pgpool_rotation_test");
        alterPassword(ROLE, "rotation-first-pw");
        requirePasswordChecked(db, ROLE);
    }

    @AfterAll
    static void dropDatabase() {
        alterPassword(ROLE, "rotation-first-pw");
    }

    static void alterPassword(String role, String password) {
        try (Connection c = TestDatabase.admin(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the password of " + role + " (run .ci/run)", e);
        }
    }

    /** Fails, naming what to do, if the server lets the role in without checking its password (trust). */
    static void requirePasswordChecked(TestDatabase db, String role) {
        Properties login = new Properties();
        login.setProperty("user", role);
        login.setProperty("password", "certainly-not-the-password");
        PoolSettings s = db.settings().build();
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://" + s.serverName() + ":"
                + s.portNumber() + "/" + db.name, login)) {
            throw new AssertionError("role " + role + " logs in without its password: its scram-sha-256 line in "
                    + "pg_hba.conf is missing (run .ci/run)");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as("a wrong password for %s", role).isEqualTo("28P01");
        }
    }

    @Test
    @Timeout(60)
    void passwordRotatesUnderLoadWithoutAFailedBorrow() throws Exception {
        AtomicReference<String> password = new AtomicReference<>("rotation-first-pw");
        AtomicInteger logins = new AtomicInteger();
        PoolSettings settings = db.settings().user(ROLE).password("rotation-first-pw").maxSize(4).build();
        PgPool pool = PgPool.builder(settings).jmx(false).credentials(() -> {
            logins.incrementAndGet();
            return Credentials.of(ROLE, password.get());
        }).build();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger borrows = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        try (AutoCloseable closePool = pool::close) {
            for (int i = 0; i < 6; i++) {
                load.add(borrower(pool, borrows, failures));
            }
            load.forEach(Thread::start);
            Await.until("load on 4 connections", Duration.ofSeconds(20),
                    () -> borrows.get() > 200 && pool.statistics().total() == 4 || !failures.isEmpty());
            int loginsBefore = logins.get();

            // The administrator's rotation: the server first, then the place the supplier reads.
            alterPassword(ROLE, "rotation-second-pw");
            password.set("rotation-second-pw");
            pool.evictAll();
            int borrowsAtRotation = borrows.get();
            Await.until("4 connections opened with the new password and 200 borrows on them", Duration.ofSeconds(20),
                    () -> logins.get() >= loginsBefore + 4 && borrows.get() > borrowsAtRotation + 200
                            || !failures.isEmpty());
            stop(load);
            assertThat(failures).as("borrows that failed during the rotation").isEmpty();
            // Every connection now on the books was opened after the change, so with the new password: the old one
            // no longer logs in at all.
            assertThat(pool.statistics().total()).isLessThanOrEqualTo(4);
            assertThat(loginWorks("rotation-first-pw")).as("the old password").isFalse();
            assertThat(loginWorks("rotation-second-pw")).as("the new password").isTrue();
            try (Connection c = new PgPoolDataSource(pool).getConnection();
                    Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(ROLE);
            }
            System.out.println("pgpool-core rotation: " + borrows.get() + " borrows, " + failures.size()
                    + " failed, " + (logins.get() - loginsBefore) + " logins with the new password");
        } finally {
            stop(load);
        }
    }

    /** The same rotation through {@link PgPoolDataSource#reconfigure}: the settings' Password changes, no supplier. */
    @Test
    @Timeout(60)
    void reconfiguredPasswordUnderLoadFailsNoBorrowAndDrainsTheOldConnections() throws Exception {
        alterPassword(ROLE, "rotation-first-pw");
        PoolSettings.Builder settings = db.settings().user(ROLE).password("rotation-first-pw").maxSize(4);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger borrows = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        try (PgPoolDataSource ds = new PgPoolDataSource(settings.build())) {
            for (int i = 0; i < 6; i++) {
                load.add(ReconfigureTest.borrower(ds, borrows, failures));
            }
            load.forEach(Thread::start);
            Await.until("load on 4 connections", Duration.ofSeconds(20),
                    () -> borrows.get() > 100 && db.backends() == 4 || !failures.isEmpty());
            List<Integer> before = db.pids();

            alterPassword(ROLE, "rotation-second-pw");
            ds.reconfigure(settings.password("rotation-second-pw").build());
            int atChange = borrows.get();
            Await.until("every backend from before the change closed, 200 borrows after it", Duration.ofSeconds(30),
                    () -> borrows.get() > atChange + 200 && db.pids().stream().noneMatch(before::contains)
                            || !failures.isEmpty());
            ReconfigureTest.stop(load);
            System.out.println("pgpool-core reconfigure Password under load (6 borrowers): " + borrows.get()
                    + " borrows, " + failures.size() + " failed, " + before.size() + " old backends drained");
            assertThat(failures).as("borrows that failed during the rotation").isEmpty();
            assertThat(loginWorks("rotation-first-pw")).as("the old password").isFalse();
        } finally {
            ReconfigureTest.stop(load);
        }
    }

    @Test
    void aNullFromTheSupplierFailsTheBorrowAtOnceWithoutRetrying() {
        AtomicInteger calls = new AtomicInteger();
        try (PgPool pool = PgPool.builder(db.settings().user(ROLE).maxWait(Duration.ofSeconds(30)).build())
                .jmx(false).credentials(() -> {
                    calls.incrementAndGet();
                    return null;
                }).build()) {
            long start = System.nanoTime();
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(pool::borrow);
            assertThat(t).isInstanceOf(SQLException.class).hasMessageContaining("credentials supplier");
            assertThat(((SQLException) t).getSQLState()).isEqualTo("28000");
            assertThat(calls.get()).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
        }
    }

    private static Thread borrower(PgPool pool, AtomicInteger borrows, List<Throwable> failures) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    PooledConnection pc = pool.borrow();
                    try (Statement s = pc.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                        rs.next();
                    } finally {
                        pc.release();
                    }
                    borrows.incrementAndGet();
                } catch (SQLException | RuntimeException e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        failures.add(e);
                    }
                    return;
                }
            }
        }, "rotation-borrower");
        t.setDaemon(true);
        return t;
    }

    private static void stop(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private static boolean loginWorks(String password) {
        Properties login = new Properties();
        login.setProperty("user", ROLE);
        login.setProperty("password", password);
        PoolSettings s = db.settings().build();
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://" + s.serverName() + ":"
                + s.portNumber() + "/" + db.name, login)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
