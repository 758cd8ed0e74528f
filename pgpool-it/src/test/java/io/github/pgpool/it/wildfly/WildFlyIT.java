package io.github.pgpool.it.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.PoolScenarios;
import io.github.pgpool.it.Setup;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** The scenario suite in a managed WildFly 39, plus the WildFly-only XA recovery checks. */
@Setup.Uses(Setup.WILDFLY)
@ServerSetup(WildFlyPools.class)
class WildFlyIT extends PoolScenarios {
    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        return WildFlyDeployments.war("pgpool-it-wildfly.war");
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL url;

    @Override
    protected URL app() {
        return url;
    }

    static Path serverLog() {
        return Path.of(System.getProperty("pgpool.it.wildfly.home"), "standalone", "log", "server.log");
    }

    /** With recovery credentials on every XA pool WildFly registers them for recovery and does not warn IJ020016. */
    @Test
    void xaRecoveryIsConfiguredForEveryXaPool() throws IOException {
        byte[] all = Files.readAllBytes(serverLog());
        int from = (int) Math.min(WildFlyPools.serverLogOffset, all.length);
        String log = new String(all, from, all.length - from, StandardCharsets.UTF_8);
        assertThat(log).as("server.log mentions the pgpool connection definitions").contains("java:/pgpool/xa-a");
        assertThat(log).as("IJ020016 (XA recovery disabled) in %s", serverLog()).doesNotContain("IJ020016");
    }
}
