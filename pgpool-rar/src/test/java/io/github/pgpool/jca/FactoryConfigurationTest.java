package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.core.PgPool;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The managed connection factory's configuration: identity, serialisation, validation, secrecy. */
class FactoryConfigurationTest {
    private static final String SECRET = "s3cr3t-Pa55";

    @Test
    void equalsAndHashCodeFollowTheConfiguration() {
        PgPoolManagedConnectionFactory a = TestDatabase.factory("app");
        PgPoolManagedConnectionFactory b = TestDatabase.factory("app");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);

        b.setMaxSize("20"); // the default, given explicitly
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);

        b.setMaxSize("7");
        assertThat(a).isNotEqualTo(b);
        a.setMaxSize("7");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);

        b.setPassword("other");
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isNotEqualTo(null).isNotEqualTo("app");
    }

    @Test
    void factoryAndDataSourceSerialiseAndWorkAfterwards() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        try {
            PgPoolManagedConnectionFactory mcf = TestDatabase.factory(TestDatabase.uniqueApplicationName());
            mcf.setResourceAdapter(ra);
            DataSource ds = (DataSource) mcf.createConnectionFactory();
            try (Connection c = ds.getConnection()) {
                assertThat(selectOne(c)).isEqualTo(1);
            }

            PgPoolManagedConnectionFactory mcfCopy = roundTrip(mcf);
            assertThat(mcfCopy).isEqualTo(mcf).hasSameHashCodeAs(mcf);
            assertThat(mcfCopy.getDatabaseName()).isEqualTo(TestDatabase.DATABASE);

            DataSource dsCopy = roundTrip(ds);
            assertThat(dsCopy).isInstanceOf(PgPoolDataSource.class);
            try (Connection c = dsCopy.getConnection()) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
            // Without its adapter a deserialised factory uses a standalone pool; close it so no thread lingers.
            dsCopy.unwrap(PgPool.class).close();
        } finally {
            ra.stop();
        }
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("MaxSize=0", (Consumer<PgPoolManagedConnectionFactory>) f -> f.setMaxSize("0"),
                        new String[] {"MaxSize=0", "must be a whole number from 1 to"}),
                Arguments.of("MaxWait=abc", (Consumer<PgPoolManagedConnectionFactory>) f -> f.setMaxWait("abc"),
                        new String[] {"MaxWait=abc", "not a duration", "500ms"}),
                Arguments.of("DatabaseName missing",
                        (Consumer<PgPoolManagedConnectionFactory>) f -> f.setDatabaseName(null),
                        new String[] {"DatabaseName=(not set)", "is required", "must not be empty"}),
                Arguments.of("DriverProperties=nosuchprop=1",
                        (Consumer<PgPoolManagedConnectionFactory>) f -> f.setDriverProperties("nosuchprop=1"),
                        new String[] {"DriverProperties=nosuchprop", "not a pgjdbc connection property"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidSettingsFailWithSettingValueAndRule(String label, Consumer<PgPoolManagedConnectionFactory> breakIt,
            String[] fragments) throws Exception {
        PgPoolManagedConnectionFactory mcf = TestDatabase.factory("app");
        mcf.setPassword(SECRET);
        breakIt.accept(mcf);
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        try {
            // As early as the server allows: when the factory is associated with its adapter...
            assertThatThrownBy(() -> mcf.setResourceAdapter(ra)).isInstanceOf(InvalidPropertyException.class)
                    .hasMessageContainingAll(fragments).hasMessageNotContaining(SECRET);
            // ... and on every later use, without leaving anything half started.
            assertThatThrownBy(() -> mcf.createManagedConnection(null, null))
                    .isInstanceOf(InvalidPropertyException.class).hasMessageContainingAll(fragments);
            assertThatThrownBy(() -> mcf.createConnectionFactory(new FakeConnectionManager()))
                    .isInstanceOf(InvalidPropertyException.class).hasMessageContainingAll(fragments);
            assertThat(ra.registry().size()).isZero();
        } finally {
            ra.stop();
        }
    }

    @Test
    void anUnconfiguredFactoryIsAcceptedByTheAdapterButFailsWhenUsed() throws Exception {
        // Payara makes such a factory, with nothing but the ra.xml defaults, for a default pool of every adapter.
        PgPoolManagedConnectionFactory untouched = new PgPoolManagedConnectionFactory();
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        try {
            untouched.setResourceAdapter(ra);
            assertThat(untouched.getResourceAdapter()).isSameAs(ra);
            assertThatThrownBy(() -> untouched.createConnectionFactory(new FakeConnectionManager()))
                    .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("DatabaseName=(not set)");
            assertThatThrownBy(() -> untouched.createManagedConnection(null, null))
                    .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("DatabaseName=(not set)");
        } finally {
            ra.stop();
        }
    }

    @Test
    void anInvalidSettingReachesTheApplicationAsAnSqlExceptionWithTheSameMessage() throws Exception {
        PgPoolManagedConnectionFactory mcf = TestDatabase.factory("app");
        DataSource ds = (DataSource) mcf.createConnectionFactory(new FakeConnectionManager());
        mcf.setMaxSize("0"); // changed after the data source was made: the next use reports it
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContainingAll("MaxSize=0", "must be a whole number from 1 to");
    }

    @Test
    void thePasswordNeverAppearsInToStringOrMessages() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        try {
            PgPoolManagedConnectionFactory mcf = TestDatabase.factory(TestDatabase.uniqueApplicationName());
            mcf.setPassword(SECRET);
            mcf.setDriverProperties("sslpassword=" + SECRET);
            mcf.setResourceAdapter(ra);
            FakeConnectionManager cm = new FakeConnectionManager();
            DataSource ds = (DataSource) mcf.createConnectionFactory(cm);
            Object handle = cm.allocateConnection(mcf, new PgPoolConnectionRequestInfo(
                    io.github.pgpool.api.Credentials.of("someone", SECRET)));

            assertThat(mcf.toString()).doesNotContain(SECRET).contains("Password=*****");
            assertThat(ds.toString()).doesNotContain(SECRET);
            assertThat(cm.created.get(0).toString()).doesNotContain(SECRET);
            assertThat(handle.toString()).doesNotContain(SECRET);
            assertThat(new PgPoolConnectionRequestInfo(io.github.pgpool.api.Credentials.of("u", SECRET)).toString())
                    .doesNotContain(SECRET);
            assertThat(cm.created.get(0).getMetaData().getUserName()).isEqualTo("someone");

            mcf.setMaxSize("-1");
            assertThatThrownBy(() -> mcf.createManagedConnection(null, null)).isInstanceOf(ResourceException.class)
                    .hasMessageNotContaining(SECRET);
        } finally {
            ra.stop();
        }
    }

    @Test
    void secretDriverPropertyValuesAreMaskedInValidationMessages() {
        PgPoolManagedConnectionFactory mcf = TestDatabase.factory("app");
        mcf.setDriverProperties("sslpassword=" + SECRET + ";sslpassword=" + SECRET);
        assertThatThrownBy(() -> mcf.createManagedConnection(null, null)).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContainingAll("DriverProperties", "sslpassword", "given twice")
                .hasMessageNotContaining(SECRET).hasNoCause();
        // What follows a secret may be its tail (an unescaped ';'), so it is never shown (issue 15).
        mcf.setDriverProperties("sslpassword=" + SECRET + ";oops");
        assertThatThrownBy(() -> mcf.createManagedConnection(null, null)).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContainingAll("DriverProperties", "pair 2", "not key=value", "\\;")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("oops");
    }

    @Test
    void factoriesWithEqualSettingsShareOnePoolAndStopClosesEveryPool() throws Exception {
        PgPoolResourceAdapter ra = new PgPoolResourceAdapter();
        ra.start(null);
        String app = TestDatabase.uniqueApplicationName();
        PgPoolManagedConnectionFactory a = TestDatabase.factory(app);
        PgPoolManagedConnectionFactory b = TestDatabase.factory(app);
        PgPoolManagedConnectionFactory other = TestDatabase.factory(app);
        other.setMaxSize("3");
        other.setPoolName("another pool of the same user and database"); // else it would succeed a's pool
        for (PgPoolManagedConnectionFactory f : new PgPoolManagedConnectionFactory[] {a, b, other}) {
            f.setResourceAdapter(ra);
        }
        PgPool poolA = a.pool();
        assertThat(b.pool()).isSameAs(poolA);
        assertThat(other.pool()).isNotSameAs(poolA);
        assertThat(ra.registry().size()).isEqualTo(2);

        DataSource ds = (DataSource) a.createConnectionFactory(new FakeConnectionManager());
        try (Connection c = ds.getConnection()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        assertThat(poolA.statistics().idle()).isEqualTo(1);

        ra.stop();
        assertThat(poolA.isClosed()).isTrue();
        assertThat(other.pool().isClosed()).isTrue();
        assertThat(TestDatabase.awaitBackends(app, n -> n == 0)).isZero();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
    }

    @Test
    void aSharedPoolClosesWhenItsLastReferenceIsReleased() throws Exception {
        PoolRegistry registry = new PoolRegistry();
        PgPoolManagedConnectionFactory mcf = TestDatabase.factory("app");
        PoolRegistry.Reference first = registry.acquire(mcf.settings());
        PoolRegistry.Reference second = registry.acquire(mcf.settings());
        assertThat(second.pool()).isSameAs(first.pool());

        first.run();
        first.run(); // releasing twice counts once
        assertThat(second.pool().isClosed()).isFalse();
        second.run();
        assertThat(second.pool().isClosed()).isTrue();
        assertThat(registry.size()).isZero();
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
