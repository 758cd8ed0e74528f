package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;

/**
 * What a real application showed on Payara: during server shutdown a request still running failed in
 * {@code PgPoolDataSource.allocateAndLease}, and its error path needed a class of the adapter for the first time after
 * Payara had closed the adapter's class loader ("was requested to find class ... after done was invoked"), so the
 * caller got a class-loading error instead of an SQLException.
 *
 * <p>This test loads the adapter, pgpool's engine and pgjdbc in a class loader of their own that behaves like
 * Payara's: once "done", it refuses to find any class it has not found before. It starts the adapter, uses a pool
 * once (the normal path), marks the loader done, and then drives the error paths: MaxWait timeout, the database
 * refusing connections, the adapter stopped while requests still come, an unknown XA branch. Each must end in the
 * JDBC or XA exception its caller expects, never in NoClassDefFoundError, which works only because the adapter
 * loads the classes its error paths use when it starts ({@link ErrorPathClasses}).
 */
class ErrorPathClassLoadingTest {
    /** Like Payara's connector class loader after "done": no class it has not found yet. */
    static final class ClosingLoader extends URLClassLoader {
        volatile boolean done;
        final Set<String> refused = ConcurrentHashMap.newKeySet();

        ClosingLoader(URL[] urls, ClassLoader parent) {
            super("pgpool-rar-under-test", urls, parent);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (done) {
                refused.add(name);
                throw new ClassNotFoundException("was requested to find class " + name + " after done was invoked");
            }
            return super.findClass(name);
        }
    }

    /** The server's side: the JDK and the Jakarta APIs (the test's own copies, so that casts work), nothing else. */
    static final class ServerApis extends ClassLoader {
        ServerApis() {
            super("server-apis", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("jakarta.")) {
                return ErrorPathClassLoadingTest.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }

    private static URL codeSource(String className) throws ClassNotFoundException {
        return Class.forName(className).getProtectionDomain().getCodeSource().getLocation();
    }

    private static Object factory(ClassLoader loader, String port, String maxWait) throws Exception {
        Class<?> type = loader.loadClass("io.github.pgpool.jca.PgPoolManagedConnectionFactory");
        Object mcf = type.getConstructor().newInstance();
        String[][] settings = {{"ServerName", TestDatabase.HOST}, {"PortNumber", port},
            {"DatabaseName", TestDatabase.DATABASE}, {"User", TestDatabase.USER},
            {"Password", TestDatabase.PASSWORD}, {"MaxSize", "1"}, {"MaxWait", maxWait},
            {"ConnectTimeout", "2s"}};
        for (String[] s : settings) {
            type.getMethod("set" + s[0], String.class).invoke(mcf, s[1]);
        }
        return mcf;
    }

    interface Action {
        void run() throws Exception;
    }

    /** @return what {@code action} threw, or null */
    private static Throwable thrown(Action action) {
        try {
            action.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * Every preloaded name exists (a renamed class would silently drop out), and every exception type of pgpool's
     * three modules is preloaded, including ones no test drives to its error path.
     */
    @Test
    void everyPreloadedClassExistsAndEveryPgpoolExceptionIsPreloaded() throws Exception {
        for (String name : ErrorPathClasses.NAMES) {
            assertThat(Class.forName(name, false, getClass().getClassLoader())).as(name).isNotNull();
        }
        List<String> exceptions = new java.util.ArrayList<>();
        for (String anchor : List.of("io.github.pgpool.jca.PgPoolResourceAdapter", "io.github.pgpool.core.PgPool",
                "io.github.pgpool.api.PoolSettings")) {
            for (String name : classesBeside(codeSource(anchor))) {
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (Throwable.class.isAssignableFrom(type)) {
                    exceptions.add(name);
                }
            }
        }
        assertThat(exceptions).as("pgpool's exception types").isNotEmpty();
        assertThat(ErrorPathClasses.NAMES).as("preloaded classes").containsAll(exceptions);
    }

    /** The classes under io/github/pgpool in a directory or jar of the test classpath. */
    private static List<String> classesBeside(URL location) throws Exception {
        java.nio.file.Path path = java.nio.file.Path.of(location.toURI());
        List<String> names = new java.util.ArrayList<>();
        if (java.nio.file.Files.isDirectory(path)) {
            try (var files = java.nio.file.Files.walk(path)) {
                files.map(p -> path.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                        .filter(n -> n.startsWith("io/github/pgpool/") && n.endsWith(".class"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith("io/github/pgpool/") && n.endsWith(".class"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        }
        return names;
    }

    @Test
    void errorPathsAfterTheServerClosedTheAdaptersClassLoaderThrowJdbcAndXaExceptions() throws Exception {
        URL[] urls = {codeSource("io.github.pgpool.jca.PgPoolResourceAdapter"),
            codeSource("io.github.pgpool.core.PgPool"), codeSource("io.github.pgpool.api.PoolSettings"),
            codeSource("org.postgresql.Driver")};
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort(); // free once closed: connections to it are refused
        }
        try (ClosingLoader loader = new ClosingLoader(urls, new ServerApis())) {
            ResourceAdapter ra = (ResourceAdapter) loader.loadClass("io.github.pgpool.jca.PgPoolResourceAdapter")
                    .getConstructor().newInstance();
            ra.start(null);
            ManagedConnectionFactory mcf = (ManagedConnectionFactory) factory(loader, TestDatabase.PORT, "2s");
            ((ResourceAdapterAssociation) mcf).setResourceAdapter(ra);
            DataSource ds = (DataSource) mcf.createConnectionFactory();
            ManagedConnectionFactory refusedMcf = (ManagedConnectionFactory) factory(loader,
                    Integer.toString(closedPort), "2s");
            ((ResourceAdapterAssociation) refusedMcf).setResourceAdapter(ra);
            DataSource refusedDs = (DataSource) refusedMcf.createConnectionFactory();
            ManagedConnection mc = mcf.createManagedConnection(null, null);
            XAResource xa = mc.getXAResource();
            // The normal path, once: what a server that has served requests has loaded (a query, the connection
            // given back and reset, handed out again).
            try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
                s.execute("select 1");
            }
            Connection held = ds.getConnection();

            loader.done = true; // the server is shutting down: no class may be found from here on

            Throwable timeout = thrown(ds::getConnection);
            Throwable refused = thrown(refusedDs::getConnection);
            Throwable unknownBranch = thrown(() -> xa.commit(TestXid.random(), true));
            Throwable stop = thrown(ra::stop); // the adapter stops while requests still arrive
            Throwable afterStop = thrown(ds::getConnection);
            Throwable closeAfterStop = thrown(held::close);
            Throwable destroy = thrown(mc::destroy);
            List<Throwable> seen = java.util.Arrays.asList(timeout, refused, unknownBranch, stop, afterStop,
                    closeAfterStop, destroy);
            assertThat(loader.refused).as("classes the error paths needed for the first time after the loader was"
                    + " closed; add them to ErrorPathClasses.NAMES (outcomes: %s)", seen).isEmpty();
            assertThat(timeout).as("MaxWait timeout with the only connection held")
                    .isInstanceOf(SQLTransientConnectionException.class);
            assertThat(refused).as("PostgreSQL refusing the connection").isInstanceOf(SQLException.class);
            assertThat(unknownBranch).as("one-phase commit of an unknown branch").isInstanceOf(XAException.class);
            assertThat(stop).as("stopping the adapter").isNull();
            assertThat(afterStop).as("a request after the adapter stopped").isInstanceOf(SQLException.class);
            assertThat(closeAfterStop).as("closing a handle after the adapter stopped").isNull();
            assertThat(destroy).as("destroying a managed connection after the adapter stopped").isNull();
        }
    }
}
