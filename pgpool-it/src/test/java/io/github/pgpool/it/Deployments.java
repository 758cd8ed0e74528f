package io.github.pgpool.it;

import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Builds what the servers deploy: the real pgpool.rar file and the test WAR with its server-specific descriptors. */
public final class Deployments {
    /** Deployment name of the adapter; the server names the adapter after it ("pgpool"). */
    public static final String RAR_NAME = "pgpool.rar";

    private Deployments() {
    }

    /**
     * The built adapter exactly as the pgpool-rar module produced it. It is imported under the name pgpool.rar
     * whatever the file is called (in ~/.m2 it is pgpool-rar-VERSION.rar), because servers name adapters after it.
     */
    public static ResourceAdapterArchive rar() {
        return ShrinkWrap.create(ZipImporter.class, RAR_NAME).importFrom(ItEnv.rarFile())
                .as(ResourceAdapterArchive.class);
    }

    /**
     * The test application from target/classes (imported as files, not through a class loader, because those
     * classes are deliberately not on the test classpath), with a persistence unit on the given data source.
     */
    public static WebArchive war(String name, String jtaDataSource, Map<String, String> jpaProperties) {
        JavaArchive classes = ShrinkWrap.create(ExplodedImporter.class, "classes.jar")
                .importDirectory(ItEnv.appClasses()).as(JavaArchive.class);
        WebArchive war = ShrinkWrap.create(WebArchive.class, name);
        war.merge(classes, "/WEB-INF/classes");
        StringBuilder props = new StringBuilder();
        props.append(property("jakarta.persistence.schema-generation.database.action", "drop-and-create"));
        jpaProperties.forEach((k, v) -> props.append(property(k, v)));
        war.addAsResource(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <persistence xmlns="https://jakarta.ee/xml/ns/persistence" version="3.0">
                  <persistence-unit name="pgpool-it" transaction-type="JTA">
                    <jta-data-source>%s</jta-data-source>
                    <class>io.github.pgpool.it.app.Note</class>
                    <exclude-unlisted-classes>true</exclude-unlisted-classes>
                    <properties>
                %s    </properties>
                  </persistence-unit>
                </persistence>
                """.formatted(jtaDataSource, props)), "META-INF/persistence.xml");
        return war;
    }

    /** The classes of the crash test's WAR: its servlet and what that uses, nothing that injects other pools. */
    private static final java.util.Set<String> CRASH_CLASSES = java.util.Set.of("CrashServlet", "ServerTx",
            "ServerTx$Recorder", "Gates", "Sql", "Reply", "Pools");

    /**
     * The crash test's WAR: only {@code /crash/*} (see io.github.pgpool.it.app.CrashServlet), which uses the two XA
     * pools; the servers' descriptors that bind those two names are added by the caller.
     */
    public static WebArchive crashWar(String name) {
        return warOf(name, CRASH_CLASSES);
    }

    /** The classes of the live-change WAR: servlets that find pools by JNDI name, and Payara's asadmin runner. */
    private static final java.util.Set<String> LIVE_CLASSES = java.util.Set.of("LiveServlet", "AdminServlet", "Sql",
            "Reply");

    /**
     * The live-change scenarios' WAR ({@link LiveChangeScenarios}): only {@code /live/*}, which looks pools up by
     * JNDI name at each request, and {@code /admin/*} (Payara's asadmin); it injects no pool.
     */
    public static WebArchive liveWar(String name) {
        return warOf(name, LIVE_CLASSES);
    }

    private static WebArchive warOf(String name, java.util.Set<String> simpleNames) {
        JavaArchive classes = ShrinkWrap.create(ExplodedImporter.class, "classes.jar")
                .importDirectory(ItEnv.appClasses(), path -> {
                    String p = path.get();
                    if (!p.endsWith(".class")) {
                        return !p.contains(".");
                    }
                    String simple = p.substring(p.lastIndexOf('/') + 1, p.length() - ".class".length());
                    return simpleNames.contains(simple);
                }).as(JavaArchive.class);
        WebArchive war = ShrinkWrap.create(WebArchive.class, name);
        war.merge(classes, "/WEB-INF/classes");
        return war;
    }

    /**
     * A web.xml that gives server-wide resources the application names the code looks up ({@code java:app/...}):
     * each entry maps an application name to the server's JNDI name. res-auth Container is spelled out: Payara takes
     * a resource-ref without it as Application and then refuses {@code getConnection()} without user and password.
     */
    public static StringAsset webXmlMapping(Map<String, String> appToServerName) {
        StringBuilder refs = new StringBuilder();
        appToServerName.forEach((app, server) -> refs.append("""
                  <resource-ref>
                    <res-ref-name>%s</res-ref-name>
                    <res-type>javax.sql.DataSource</res-type>
                    <res-auth>Container</res-auth>
                    <lookup-name>%s</lookup-name>
                  </resource-ref>
                """.formatted(xml(app), xml(server))));
        return new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s</web-app>
                """.formatted(refs));
    }

    private static String property(String name, String value) {
        return "      <property name=\"" + xml(name) + "\" value=\"" + xml(value) + "\"/>\n";
    }

    public static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
