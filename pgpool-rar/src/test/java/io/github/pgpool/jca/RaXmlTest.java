package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSetting;
import java.io.File;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** ra.xml is hand-written; this keeps it identical to {@link PoolSetting} and to the adapter's classes. */
class RaXmlTest {
    private static final String NS = "https://jakarta.ee/xml/ns/jakartaee";
    private static Element root;

    @BeforeAll
    static void parse() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(new File("src/main/rar/META-INF/ra.xml"));
        root = doc.getDocumentElement();
    }

    @Test
    void isAJakartaEe10ConnectorDescriptor() {
        assertThat(root.getNamespaceURI()).isEqualTo(NS);
        assertThat(root.getLocalName()).isEqualTo("connector");
        assertThat(root.getAttribute("version")).isEqualTo("2.1");
        assertThat(root.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "schemaLocation"))
                .endsWith("connector_2_1.xsd");
    }

    @Test
    void configPropertiesAreExactlyThePoolSettingsWithDefaultsAndDescriptions() {
        List<Element> props = children(only("connection-definition"), "config-property");
        assertThat(props).extracting(p -> text(p, "config-property-name"))
                .containsExactly(displayNames());
        for (int i = 0; i < props.size(); i++) {
            Element p = props.get(i);
            PoolSetting s = PoolSetting.values()[i];
            assertThat(text(p, "config-property-type")).as(s.displayName()).isEqualTo("java.lang.String");
            assertThat(text(p, "description")).as(s.displayName()).isEqualTo(s.description());
            assertThat(optionalText(p, "config-property-value")).as(s.displayName())
                    .isEqualTo(s.defaultText().orElse(null));
            assertThat(optionalText(p, "config-property-confidential")).as(s.displayName())
                    .isEqualTo(s == PoolSetting.PASSWORD ? "true" : null);
        }
        assertThat(children(only("resourceadapter"), "config-property")).isEmpty();
    }

    @Test
    void everyConfigPropertyIsAStringJavaBeanPropertyOfTheFactory() throws Exception {
        for (PoolSetting s : PoolSetting.values()) {
            Method setter = PgPoolManagedConnectionFactory.class.getMethod("set" + s.displayName(), String.class);
            Method getter = PgPoolManagedConnectionFactory.class.getMethod("get" + s.displayName());
            assertThat(getter.getReturnType()).isEqualTo(String.class);
            PgPoolManagedConnectionFactory f = new PgPoolManagedConnectionFactory();
            assertThat(getter.invoke(f)).as(s.displayName()).isEqualTo(s.defaultText().orElse(null));
            setter.invoke(f, "x");
            assertThat(getter.invoke(f)).isEqualTo("x");
        }
    }

    @Test
    void classesAndTransactionSupportAreDeclared() throws Exception {
        Element outbound = only("outbound-resourceadapter");
        Element cd = only("connection-definition");
        assertThat(text(only("resourceadapter"), "resourceadapter-class"))
                .isEqualTo(PgPoolResourceAdapter.class.getName());
        assertThat(text(cd, "managedconnectionfactory-class"))
                .isEqualTo(PgPoolManagedConnectionFactory.class.getName());
        assertThat(text(cd, "connectionfactory-interface")).isEqualTo(DataSource.class.getName());
        assertThat(text(cd, "connectionfactory-impl-class")).isEqualTo(PgPoolDataSource.class.getName());
        assertThat(text(cd, "connection-interface")).isEqualTo(Connection.class.getName());
        assertThat(text(cd, "connection-impl-class")).isEqualTo(PgPoolConnection.class.getName());
        assertThat(Connection.class).isAssignableFrom(Class.forName(text(cd, "connection-impl-class")));
        assertThat(DataSource.class).isAssignableFrom(Class.forName(text(cd, "connectionfactory-impl-class")));
        assertThat(text(outbound, "transaction-support")).isEqualTo("XATransaction");
        assertThat(text(outbound, "reauthentication-support")).isEqualTo("false");
    }

    private static String[] displayNames() {
        List<String> names = new ArrayList<>();
        for (PoolSetting s : PoolSetting.values()) {
            names.add(s.displayName());
        }
        return names.toArray(new String[0]);
    }

    private static Element only(String name) {
        NodeList list = root.getElementsByTagNameNS(NS, name);
        assertThat(list.getLength()).as(name).isEqualTo(1);
        return (Element) list.item(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(n.getLocalName()) && NS.equals(n.getNamespaceURI())) {
                result.add((Element) n);
            }
        }
        return result;
    }

    private static String text(Element parent, String name) {
        String t = optionalText(parent, name);
        assertThat(t).as(name).isNotNull();
        return t;
    }

    private static String optionalText(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found.size()).as(name).isLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }
}
