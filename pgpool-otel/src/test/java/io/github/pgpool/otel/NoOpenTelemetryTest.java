package io.github.pgpool.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.pgpool.api.PoolSettings;
import io.github.pgpool.core.PgPool;
import io.github.pgpool.testing.TestServerUrl;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * pgpool without OpenTelemetry on the class path: nothing fails and nothing changes. The test class path has the
 * API (the binding's tests need it), so the scenario runs in a class loader of its own that holds only pgpool's
 * classes (api, core, this binding), the driver and the test helpers, with the platform class loader as parent.
 */
class NoOpenTelemetryTest {
    private static URL whereIs(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static URLClassLoader withoutOpenTelemetry() {
        URL[] path = {whereIs(PoolSettings.class), whereIs(PgPool.class), whereIs(PgPoolTelemetry.class),
            whereIs(TestServerUrl.class), whereIs(NoOpenTelemetryTest.class), whereIs(org.postgresql.Driver.class)};
        return new URLClassLoader("without-opentelemetry", path, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void poolsMetricsAndJmxWorkWithoutTheApi() throws Exception {
        try (URLClassLoader loader = withoutOpenTelemetry()) {
            @SuppressWarnings("unchecked")
            Callable<String> scenario = (Callable<String>) loader.loadClass(WithoutOpenTelemetry.class.getName())
                    .getDeclaredConstructor().newInstance();
            assertThat(scenario.call()).isEqualTo("idle=1 waits=1 jmxWaits=1 loader=URLClassLoader");
        }
    }

    @Test
    void onlyCallingTheBindingNeedsTheApi() throws Exception {
        try (URLClassLoader loader = withoutOpenTelemetry()) {
            // The binding's jar may be present (pgpool.rar carries it); it only fails when an application calls it.
            Class<?> binding = loader.loadClass(PgPoolTelemetry.class.getName());
            assertThatThrownBy(() -> binding.getMethods()).isInstanceOf(NoClassDefFoundError.class)
                    .hasMessageContaining("io/opentelemetry/api");
        }
    }
}
