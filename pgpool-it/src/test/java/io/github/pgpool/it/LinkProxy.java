package io.github.pgpool.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in the test JVM, between the 'link' pool and PostgreSQL, that the test can turn into a
 * black hole: bytes of open connections are then read and dropped in both directions, and new connections are
 * accepted but never answered (a dead link, or a firewall dropping packets). Both servers reach it over loopback:
 * embedded Payara runs in this JVM, WildFly is a separate process on the same machine.
 *
 * <p>One instance per test JVM, started when the pool's configuration is first written, so that its port can go
 * into the server's pool settings before anything is deployed. When either side of a forwarded connection ends,
 * both sockets are closed, so a connection the pool gives up on does not leave a backend behind.
 */
public final class LinkProxy {
    private static LinkProxy shared;

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean blackholed;

    private LinkProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon("pgpool-it-link-accept", this::acceptLoop);
    }

    /** The proxy of this JVM, forwarding to the PostgreSQL server of {@link ItEnv#adminUrl()}. */
    public static synchronized LinkProxy shared() {
        if (shared == null) {
            ItEnv.Server server = ItEnv.server();
            try {
                shared = new LinkProxy(server.host(), server.port());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the link proxy on 127.0.0.1", e);
            }
        }
        return shared;
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void blackhole() {
        blackholed = true;
    }

    public void forward() {
        blackholed = false;
    }

    /** Bytes read and thrown away while blackholed, since this proxy started: shows that a client is stuck. */
    public long droppedBytes() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue;
            }
            open.add(client);
            try {
                if (blackholed) {
                    // Swallow the startup packet and whatever follows; answer nothing.
                    daemon("pgpool-it-link-sink", () -> pump(client, null));
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(upstream);
                daemon("pgpool-it-link-up", () -> pump(client, upstream));
                daemon("pgpool-it-link-down", () -> pump(upstream, client));
            } catch (IOException e) {
                close(client);
            }
        }
    }

    /** Copies from {@code from} to {@code to} (drops while blackholed); closes both ends when the stream ends. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out != null && !blackholed) {
                    out.write(buffer, 0, n);
                    out.flush();
                } else {
                    dropped.addAndGet(n);
                }
            }
        } catch (IOException ended) {
            // one side closed or reset: the connection is over
        } finally {
            close(from);
            if (to != null) {
                close(to);
            }
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public String toString() {
        return "LinkProxy[" + host() + ":" + port() + " -> " + targetHost + ":" + targetPort
                + (blackholed ? ", blackholed" : "") + ", " + open.size() + " sockets]";
    }
}
