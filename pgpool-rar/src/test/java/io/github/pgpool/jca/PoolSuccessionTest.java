package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.core.PgPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A live change of a pool's settings as servers make it: Payara drops the managed connection factory and creates
 * one with the changed properties (same pool identity, the PoolName); a factory's setter may also be called after its
 * pool started. Either way the new settings' pool succeeds the running one in the adapter's {@link PoolRegistry}:
 * PostgreSQL never sees more backends than the larger MaxSize, and the new MaxSize once the old connections are back.
 */
class PoolSuccessionTest {
    @Test
    void aRecreatedFactoryWithLowerMaxSizeSucceedsTheRunningPool() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        String app = TestDatabase.uniqueApplicationName();
        try {
            PgPoolManagedConnectionFactory before = factory(ra, app, 4);
            DataSource oldDs = (DataSource) before.createConnectionFactory(new FakeConnectionManager());
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(oldDs.getConnection());
                selectOne(held.get(i));
            }
            held.remove(3).close();
            held.remove(2).close(); // 2 idle, 2 in use
            PgPool oldPool = before.pool();

            // What Payara does on asadmin set ...property.MaxSize=2: a new factory with the changed property.
            PgPoolManagedConnectionFactory after = factory(ra, app, 2);
            DataSource newDs = (DataSource) after.createConnectionFactory(new FakeConnectionManager());
            PgPool newPool = after.pool();
            assertThat(newPool).isNotSameAs(oldPool);
            assertThat(oldPool.successor()).containsSame(newPool);
            assertThat(before.pool()).as("the old factory follows the successor").isSameAs(newPool);
            assertThat(ra.registry().size()).isOne();
            assertThat(TestDatabase.awaitBackends(app, n -> n == 2)).as("idle ones closed at once").isEqualTo(2);

            held.remove(1).close(); // closed on return, its slot counted in the new pool until now
            try (Connection c = newDs.getConnection()) {
                selectOne(c);
                assertThat(TestDatabase.backends(app)).as("one old in use, one new").isEqualTo(2);
            }
            held.remove(0).close();
            try (Connection c1 = newDs.getConnection(); Connection c2 = oldDs.getConnection()) {
                selectOne(c1);
                selectOne(c2);
                assertThat(TestDatabase.awaitBackends(app, n -> n == 2)).isEqualTo(2);
            }
            assertThat(newPool.statistics().total()).isLessThanOrEqualTo(2);
        } finally {
            ra.stop();
        }
        assertThat(TestDatabase.awaitBackends(app, n -> n == 0)).isZero();
    }

    /**
     * An application that got its data source before the change (injected with {@code @Resource}) keeps it, and
     * Payara keeps allocating through the old factory that data source holds. The new factory takes the PoolName over
     * when the server associates it, before anything uses it, so the kept data source follows the new settings.
     */
    @Test
    void aDataSourceKeptFromBeforeTheChangeFollowsTheNewSettings() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        String app = TestDatabase.uniqueApplicationName();
        try {
            PgPoolManagedConnectionFactory before = factory(ra, app, 4);
            DataSource kept = (DataSource) before.createConnectionFactory(new FakeConnectionManager());
            try (Connection c = kept.getConnection()) {
                selectOne(c);
            }
            PgPool oldPool = before.pool();

            PgPoolManagedConnectionFactory after = TestDatabase.factory(app);
            after.setPoolName(app);
            after.setMaxSize("2");
            after.setMaxWait("300ms");
            after.setResourceAdapter(ra); // associated as the server does, never used
            assertThat(oldPool.successor()).as("taken over at association").isPresent();
            PgPool newPool = oldPool.successor().orElseThrow();
            assertThat(newPool.settings().maxSize()).isEqualTo(2);
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    held.add(kept.getConnection());
                    selectOne(held.get(i));
                }
                assertThat(newPool.statistics().active()).as("the kept data source borrows from the successor")
                        .isEqualTo(2);
                long start = System.nanoTime();
                org.assertj.core.api.Assertions.assertThatThrownBy(kept::getConnection)
                        .as("the new MaxSize holds for it").isInstanceOf(io.github.pgpool.api.PoolTimeoutException.class);
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(newPool.settings().maxWait().toNanos());
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            assertThat(after.pool()).isSameAs(newPool);
        } finally {
            ra.stop();
        }
    }

    @Test
    void aSetterCalledAfterThePoolStartedReplacesItWithoutAGap() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        String app = TestDatabase.uniqueApplicationName();
        try {
            PgPoolManagedConnectionFactory mcf = factory(ra, app, 3);
            DataSource ds = (DataSource) mcf.createConnectionFactory(new FakeConnectionManager());
            Connection held = ds.getConnection();
            selectOne(held);
            PgPool first = mcf.pool();

            mcf.setMaxSize("1");
            PgPool second = mcf.pool();
            assertThat(second).isNotSameAs(first);
            assertThat(first.successor()).containsSame(second);
            assertThat(second.isClosed()).isFalse();
            assertThat(ra.registry().size()).isOne();
            held.close(); // the old pool's connection goes, and with it the successor's inherited slot
            try (Connection c = ds.getConnection()) {
                selectOne(c);
            }
            assertThat(TestDatabase.awaitBackends(app, n -> n == 1)).isOne();
        } finally {
            ra.stop();
        }
    }

    /** Payara's gap while it re-creates the pool: its pool manager fails with "pool is null" for a moment. */
    @Test
    void theServersGapWhileItRecreatesThePoolCostsNoRequest() throws Exception {
        PgPoolManagedConnectionFactory mcf = TestDatabase.factory(TestDatabase.uniqueApplicationName());
        FakeConnectionManager server = new FakeConnectionManager();
        java.util.concurrent.atomic.AtomicInteger gaps = new java.util.concurrent.atomic.AtomicInteger(3);
        jakarta.resource.spi.ConnectionManager recreating = (factory, info) -> {
            if (gaps.getAndDecrement() > 0) {
                NullPointerException npe = new NullPointerException("Cannot invoke \"ResourcePool.getResource\" "
                        + "because \"pool\" is null");
                npe.setStackTrace(new StackTraceElement[] {new StackTraceElement(
                        "com.sun.enterprise.resource.pool.PoolManagerImpl", "getResource", "PoolManagerImpl.java", 1)});
                throw npe;
            }
            return server.allocateConnection(factory, info);
        };
        DataSource ds = (DataSource) mcf.createConnectionFactory(recreating);
        try (Connection c = ds.getConnection()) {
            selectOne(c);
        }
        assertThat(gaps.get()).isNegative();
        jakarta.resource.spi.ConnectionManager broken = (factory, info) -> {
            throw new NullPointerException("a bug elsewhere");
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                ((DataSource) mcf.createConnectionFactory(broken))::getConnection)
                .isInstanceOf(NullPointerException.class).hasMessage("a bug elsewhere");
        mcf.pool().close();
    }

    @Test
    void changedSettingsAreNamedWithoutTheirValues() {
        String changed = PoolRegistry.changed(
                io.github.pgpool.api.PoolSettings.builder().databaseName("d").password("first-secret").build(),
                io.github.pgpool.api.PoolSettings.builder().databaseName("d").password("second-secret").maxSize(2)
                        .build());
        assertThat(changed).contains("MaxSize").contains("Password").doesNotContain("first-secret").doesNotContain("second-secret");
    }

    private static void selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** A factory of the pool named {@code app}, configured and associated the way a server does it. */
    private static PgPoolManagedConnectionFactory factory(PgPoolResourceAdapter ra, String app, int maxSize)
            throws Exception {
        PgPoolManagedConnectionFactory f = TestDatabase.factory(app);
        f.setPoolName(app);
        f.setMaxSize(Integer.toString(maxSize));
        f.setResourceAdapter(ra);
        return f;
    }
}
