package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the hand-out check of {@link LinkSocket} sees of its peer, on a real loopback connection whose far end the
 * test holds: silence, unasked bytes (which the next read must still get, in order), and a hang-up without a word,
 * which {@code available()} cannot see. Also that the channel under it does not turn a set interrupt status into a
 * closed connection, and that pgjdbc's socket options reach it.
 */
class LinkSocketTest {
    private ServerSocket server;
    private LinkSocket link;
    private Socket peer;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        long far = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        link = LinkSocket.open(far, 0, far);
        link.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
        peer = server.accept();
        link.getInputStream();
        link.liftDeadline();
    }

    @AfterEach
    void close() throws Exception {
        link.close();
        peer.close();
        server.close();
    }

    @Test
    void aSilentPeerIsHealthy() {
        assertThat(link.seesEndOfStream()).isTrue();
        assertThat(link.hasUnreadInput()).isFalse();
        assertThat(link.hasUnreadInputOrEnded()).isFalse();
        assertThat(link.hasUnreadInputOrEnded()).as("a second look").isFalse();
    }

    @Test
    void unaskedInputIsSeenAndTheNextReadStillGetsAllOfIt() throws Exception {
        peer.getOutputStream().write("farewell".getBytes(StandardCharsets.US_ASCII));
        Await.until("the bytes to arrive", Duration.ofSeconds(10), link::hasUnreadInput);
        assertThat(link.hasUnreadInputOrEnded()).isTrue();
        assertThat(link.hasUnreadInputOrEnded()).as("a second look, the byte read being kept").isTrue();
        InputStream in = link.getInputStream();
        assertThat(in.available()).isEqualTo(8);
        byte[] got = new byte[8];
        int n = 0;
        while (n < got.length) {
            int r = in.read(got, n, got.length - n);
            assertThat(r).isPositive();
            n += r;
        }
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("farewell");
        assertThat(link.hasUnreadInputOrEnded()).as("all read, peer silent").isFalse();
    }

    @Test
    void aHangUpWithoutAWordIsSeenOnlyByTheRead() throws Exception {
        peer.close(); // FIN, no message: what PgBouncer's restart does to its idle clients
        Await.until("the end of the stream to arrive", Duration.ofSeconds(10), link::hasUnreadInputOrEnded);
        assertThat(link.hasUnreadInput()).as("available() at end-of-stream").isFalse();
        assertThat(link.hasUnreadInputOrEnded()).isTrue();
        assertThat(link.getInputStream().read()).as("what pgjdbc reads next").isEqualTo(-1);
    }

    @Test
    void aSetInterruptStatusNeitherClosesTheConnectionNorIsLost() throws Exception {
        OutputStream out = link.getOutputStream();
        Thread.currentThread().interrupt();
        try {
            out.write(new byte[] {1, 2, 3});
            peer.getOutputStream().write(7);
            assertThat(link.getInputStream().read()).isEqualTo(7);
            assertThat(link.isClosed()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt status").isTrue();
        } finally {
            Thread.interrupted();
        }
        byte[] got = peer.getInputStream().readNBytes(3);
        assertThat(got).containsExactly(1, 2, 3);
    }

    @Test
    void socketOptionsReachTheChannelAndTheChannelStaysHidden() throws Exception {
        link.setTcpNoDelay(true);
        link.setKeepAlive(true);
        link.setSoTimeout(1234);
        assertThat(link.getTcpNoDelay()).isTrue();
        assertThat(link.getKeepAlive()).isTrue();
        assertThat(link.getSoTimeout()).isEqualTo(1234);
        assertThat(link.getChannel()).as("nobody above may switch its blocking mode").isNull();
        assertThat(link.getPort()).isEqualTo(server.getLocalPort());
    }

    @Test
    void closingTheStreamClosesTheSocketThePoolsWay() throws Exception {
        link.getOutputStream().close();
        assertThat(link.isClosed()).isTrue();
    }
}
