package io.github.pgpool.it.payara;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.PoolScenarios;
import io.github.pgpool.it.Setup;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scenario suite in embedded Payara 6, with Payara's own connection pool left on (steady-pool-size 0). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Setup.Uses(Setup.PAYARA_POOLED)
class PayaraPooledIT extends PoolScenarios {
    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive war() {
        return PayaraDeployments.war(Setup.PAYARA_POOLED, "pgpool-it-pooled.war");
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    private URL url;

    @Override
    protected URL app() {
        return url;
    }
}
