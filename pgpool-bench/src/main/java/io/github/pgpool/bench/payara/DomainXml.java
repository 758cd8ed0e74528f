package io.github.pgpool.bench.payara;

/**
 * Derives the benchmark server's domain.xml from the one inside payara-embedded-all, applying the changes that
 * pgpool-it and pgpool-demo make in their copies (see REFERENCE.md), so that no copy has to be kept here: every
 * listener on 127.0.0.1, no default port (each port moved to {@code base + port % 1000}, so with HTTP on 29080 the
 * server uses 29080, 29181, 29848, 29700, 29686, 29676, 29666 and runs beside the tests and the demo), Hazelcast,
 * the JMX connector and the SSL IIOP listeners off. Two changes for the benchmark: the HTTP worker pool grows to
 * 64 threads (Payara's default is 5, which would cap 8 or 32 clients at 5 requests in the server), and a keep-alive
 * connection serves any number of requests (Payara's default closes it after 250).
 *
 * <p>Every change must match the file as expected, or this fails: a new Payara version with a different
 * domain.xml must be looked at, not silently run on default ports.
 */
final class DomainXml {
    private DomainXml() {
    }

    static String loopbackOnly(String xml, int httpPort) {
        int base = httpPort - 80;
        String s = xml;
        s = replace(s, "name=\"JMS_PROVIDER_PORT\" value=\"7676\"", "name=\"JMS_PROVIDER_PORT\" value=\""
                + (base + 676) + "\"", 1);
        s = replace(s, "<iiop-listener address=\"0.0.0.0\" port=\"3700\"",
                "<iiop-listener address=\"127.0.0.1\" port=\"" + (base + 700) + "\"", 1);
        s = replace(s, "<iiop-listener security-enabled=\"true\" address=\"0.0.0.0\" port=\"3820\"",
                "<iiop-listener security-enabled=\"true\" enabled=\"false\" address=\"127.0.0.1\" port=\""
                        + (base + 820) + "\"", 1);
        s = replace(s, "<iiop-listener security-enabled=\"true\" address=\"0.0.0.0\" port=\"3920\"",
                "<iiop-listener security-enabled=\"true\" enabled=\"false\" address=\"127.0.0.1\" port=\""
                        + (base + 920) + "\"", 1);
        s = replace(s, "<jmx-connector auth-realm-name=\"admin-realm\" security-enabled=\"false\" address=\"0.0.0.0\" "
                + "port=\"8686\"", "<jmx-connector enabled=\"false\" auth-realm-name=\"admin-realm\" "
                + "security-enabled=\"false\" address=\"127.0.0.1\" port=\"" + (base + 686) + "\"", 1);
        s = replace(s, "<hazelcast-config-specific-configuration>",
                "<hazelcast-config-specific-configuration enabled=\"false\">", 1);
        s = replace(s, "-Dosgi.shell.telnet.port=6666", "-Dosgi.shell.telnet.port=" + (base + 666), 1);
        for (int port : new int[] {8080, 8181, 4848}) {
            s = replace(s, "<network-listener port=\"" + port + "\"",
                    "<network-listener address=\"127.0.0.1\" port=\"" + (base + port % 1000) + "\"", 1);
        }
        s = replace(s, "<thread-pool name=\"http-thread-pool\" max-queue-size=\"4096\">",
                "<thread-pool name=\"http-thread-pool\" max-thread-pool-size=\"64\" min-thread-pool-size=\"2\" "
                        + "max-queue-size=\"4096\">", 1);
        s = replace(s, "<http default-virtual-server=\"server\" max-connections=\"250\">",
                "<http default-virtual-server=\"server\" max-connections=\"-1\">", 2);
        return s;
    }

    private static String replace(String s, String from, String to, int expected) {
        int count = 0;
        for (int i = s.indexOf(from); i >= 0; i = s.indexOf(from, i + from.length())) {
            count++;
        }
        if (count != expected) {
            throw new IllegalStateException("Payara's domain.xml has changed: expected " + expected + " x '" + from
                    + "', found " + count);
        }
        return s.replace(from, to);
    }
}
