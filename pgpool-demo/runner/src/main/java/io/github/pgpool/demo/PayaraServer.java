package io.github.pgpool.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.glassfish.embeddable.Deployer;
import org.glassfish.embeddable.GlassFish;
import org.glassfish.embeddable.GlassFishException;
import org.glassfish.embeddable.GlassFishProperties;
import org.glassfish.embeddable.GlassFishRuntime;

/**
 * Embedded Payara 6 in this JVM, with the demo's loopback-only configuration, the real pgpool.rar and the sample
 * application. The application brings its pool and resource in {@code WEB-INF/glassfish-resources.xml}, so that
 * undeploying it also closes the pool.
 */
final class PayaraServer implements AutoCloseable {
    /** The adapter is named after its deployment; the connector pool refers to it by this name. */
    static final String ADAPTER = "pgpool";

    /** The application's deployment name and context root. */
    static final String APP = "pgpool-demo-app";
    static final String CONTEXT_ROOT = "demo";

    /** HTTP listener of the demo's domain.xml (loopback only). */
    static final int HTTP_PORT = 26080;

    /** What the pgpool resource and its settings are called. */
    static final String POOL_NAME = "demo";
    static final String JNDI_NAME = "java:app/pgpool/demo";

    private static final String RESOURCES_ENTRY = "WEB-INF/glassfish-resources.xml";

    private final GlassFishRuntime runtime;
    private final GlassFish glassfish;
    private boolean adapterDeployed;
    private boolean appDeployed;

    private PayaraServer(GlassFishRuntime runtime, GlassFish glassfish) {
        this.runtime = runtime;
        this.glassfish = glassfish;
    }

    /** Boots the server with the given domain.xml (read only: Payara works on a copy in its instance directory). */
    static PayaraServer start(File domainXml) throws GlassFishException {
        GlassFishRuntime runtime = GlassFishRuntime.bootstrap();
        GlassFishProperties props = new GlassFishProperties();
        props.setConfigFileURI(domainXml.toURI().toString());
        props.setConfigFileReadOnly(true);
        GlassFish glassfish = runtime.newGlassFish(props);
        glassfish.start();
        return new PayaraServer(runtime, glassfish);
    }

    /** Deploys the adapter exactly as the build produced it, under the name the pool refers to. */
    void deployAdapter(File rar) throws GlassFishException {
        String name = glassfish.getDeployer().deploy(rar, "--name=" + ADAPTER);
        if (name == null) {
            throw new IllegalStateException("Payara did not deploy " + rar + " (see the warnings above)");
        }
        adapterDeployed = true;
    }

    /**
     * Deploys the sample application with a pgpool pool built from the given settings: a copy of the WAR with
     * {@code WEB-INF/glassfish-resources.xml} added, written to {@code outDir}.
     */
    void deployApp(File builtWar, Map<String, String> poolProperties, File outDir)
            throws GlassFishException, IOException {
        File war = new File(outDir, APP + ".war");
        writeWar(builtWar, war, poolProperties);
        String name = glassfish.getDeployer().deploy(war, "--name=" + APP, "--contextroot=" + CONTEXT_ROOT);
        if (name == null) {
            throw new IllegalStateException("Payara did not deploy " + war + " (see the warnings above)");
        }
        appDeployed = true;
    }

    /** Undeploys the application (which closes its pool), then the adapter. */
    void undeployAll() throws GlassFishException {
        Deployer deployer = glassfish.getDeployer();
        if (appDeployed) {
            appDeployed = false;
            deployer.undeploy(APP);
        }
        if (adapterDeployed) {
            adapterDeployed = false;
            deployer.undeploy(ADAPTER);
        }
    }

    @Override
    public void close() throws GlassFishException {
        try {
            undeployAll();
        } finally {
            glassfish.stop();
            glassfish.dispose();
            runtime.shutdown();
        }
    }

    /**
     * The built WAR plus the connector pool and resource for pgpool, as the README advises: Payara's own pooling stays
     * on, with steady size 0 and a maximum above the demo's clients. Its managed connections hold no PostgreSQL
     * connection (each leases one from pgpool while in use), so the limits the demo shows are pgpool's.
     */
    private static void writeWar(File builtWar, File war, Map<String, String> poolProperties) throws IOException {
        StringBuilder properties = new StringBuilder();
        poolProperties.forEach((k, v) -> properties.append("    <property name=\"").append(xml(k))
                .append("\" value=\"").append(xml(v)).append("\"/>\n"));
        String resources = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE resources PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Resource Definitions//EN" "http://glassfish.org/dtds/glassfish-resources_1_5.dtd">
                <resources>
                  <connector-connection-pool name="java:app/pool/%s" resource-adapter-name="%s"
                      connection-definition-name="javax.sql.DataSource" transaction-support="XATransaction"
                      match-connections="false" steady-pool-size="0" max-pool-size="64"
                      max-wait-time-in-millis="30000" is-connection-validation-required="false">
                %s  </connector-connection-pool>
                  <connector-resource jndi-name="%s" pool-name="java:app/pool/%s"/>
                </resources>
                """.formatted(POOL_NAME, ADAPTER, properties, JNDI_NAME, POOL_NAME);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(builtWar.toPath()));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(war.toPath()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!e.getName().equals(RESOURCES_ENTRY)) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            put(out, RESOURCES_ENTRY, resources.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
