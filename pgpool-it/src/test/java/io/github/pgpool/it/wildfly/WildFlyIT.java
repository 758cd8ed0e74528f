package io.github.pgpool.it.wildfly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.it.Deployments;
import io.github.pgpool.it.PoolScenarios;
import io.github.pgpool.it.Setup;
import io.github.pgpool.it.AdminDb;
import io.github.pgpool.it.Http;
import io.github.pgpool.it.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.TestInfo;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scenario suite in a managed WildFly 39, plus the WildFly-only XA recovery checks. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
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

    /**
     * XA recovery through pgpool: a prepared branch of a transaction this server started but has no log of (what a
     * crash between prepare and commit leaves) is listed by pgpool's XAResource in WildFly's recovery scan and
     * resolved (presumed abort: rolled back), so pg_prepared_xacts is empty again and the row never appears.
     */
    @Test
    void inDoubtBranchIsFoundAndResolvedByRecovery(TestInfo info) throws Exception {
        String db = db("xa-a");
        String tag = tag(info);
        Http.Answer answer = ok("recovery/xid");
        HexFormat hex = HexFormat.of();
        Xid xid = new TestXid(Integer.parseInt(answer.get("formatId")), hex.parseHex(answer.get("gtrid")),
                hex.parseHex(answer.get("bqual")));
        try {
            AdminDb.prepareBranch(db, xid, tag);
            assertThat(AdminDb.preparedXacts(db)).as("the in-doubt branch is in pg_prepared_xacts").hasSize(1);
            Poll.until("WildFly's recovery resolves the in-doubt branch through pgpool", Duration.ofSeconds(45),
                    () -> {
                        recoveryScan();
                        return AdminDb.preparedXacts(db);
                    }, List::isEmpty);
            assertThat(AdminDb.countTag(db, tag)).as("the in-doubt branch was rolled back (presumed abort)").isZero();
        } finally {
            AdminDb.rollbackLeftoverPrepared(db);
        }
    }

    /** Asks the recovery manager for a full scan through its listener socket; it answers DONE when finished. */
    static void recoveryScan() {
        int port = 4712 + Integer.parseInt(System.getProperty("pgpool.it.wildfly.offset"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(120_000);
            socket.getOutputStream().write("SCAN\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(reply).as("answer of the recovery listener").isEqualTo("DONE");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach WildFly's recovery listener on port " + port, e);
        }
    }

    /** A plain Xid value. */
    record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }
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
