package io.github.pgpool.demo;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
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

    /** Packs and deploys the sample application with a pgpool pool built from the given settings. */
    void deployApp(File appClasses, Map<String, String> poolProperties, File outDir)
            throws GlassFishException, IOException {
        File war = new File(outDir, APP + ".war");
        writeWar(war, appClasses.toPath(), poolProperties);
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
     * The WAR: the application's classes, a class loader that looks inside the WAR first (the JVM classpath is
     * shared with the runner), and the connector pool plus resource for pgpool. Payara's own pooling is off, so the
     * limits the demo shows are pgpool's: each allocation leases from pgpool and gives back at close.
     */
    private static void writeWar(File war, Path classes, Map<String, String> poolProperties) throws IOException {
        StringBuilder properties = new StringBuilder();
        poolProperties.forEach((k, v) -> properties.append("    <property name=\"").append(xml(k))
                .append("\" value=\"").append(xml(v)).append("\"/>\n"));
        String resources = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE resources PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Resource Definitions//EN" "http://glassfish.org/dtds/glassfish-resources_1_5.dtd">
                <resources>
                  <connector-connection-pool name="java:app/pool/%s" resource-adapter-name="%s"
                      connection-definition-name="javax.sql.DataSource" transaction-support="XATransaction"
                      pooling="false" match-connections="false" steady-pool-size="0" max-pool-size="64"
                      max-wait-time-in-millis="30000" is-connection-validation-required="false">
                %s  </connector-connection-pool>
                  <connector-resource jndi-name="%s" pool-name="java:app/pool/%s"/>
                </resources>
                """.formatted(POOL_NAME, ADAPTER, properties, JNDI_NAME, POOL_NAME);
        String web = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE glassfish-web-app PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Servlet 3.0//EN" "http://glassfish.org/dtds/glassfish-web-app_3_0-1.dtd">
                <glassfish-web-app>
                  <class-loader delegate="false"/>
                </glassfish-web-app>
                """;
        try (OutputStream out = Files.newOutputStream(war.toPath()); ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "WEB-INF/glassfish-web.xml", web.getBytes(StandardCharsets.UTF_8));
            put(zip, "WEB-INF/glassfish-resources.xml", resources.getBytes(StandardCharsets.UTF_8));
            List<Path> files;
            try (Stream<Path> walk = Files.walk(classes)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                String entry = "WEB-INF/classes/" + classes.relativize(f).toString().replace(File.separatorChar, '/');
                put(zip, entry, Files.readAllBytes(f));
            }
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
