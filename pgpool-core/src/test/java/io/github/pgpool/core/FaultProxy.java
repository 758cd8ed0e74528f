package io.github.pgpool.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between the pool and PostgreSQL that injects faults into new connections: it can hold the
 * server's first reply back for a while (a slow login), or pass the login through and then swallow everything the
 * server sends (a link that stalls right after login). An end of stream on either side is passed on to the other,
 * as a real network path would, so a backend ends when its client gives up. Only for tests.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long firstReplyDelayMillis;
    private volatile int stallAfterReadyForQuery;
    private volatile boolean closed;

    FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon(this::acceptLoop, "fault-proxy-accept");
    }

    int port() {
        return server.getLocalPort();
    }

    /** New connections get the server's first reply only after this long. */
    FaultProxy delayFirstReply(long millis) {
        firstReplyDelayMillis = millis;
        return this;
    }

    /**
     * New connections get what the server sends until its {@code n}-th ReadyForQuery (the first ends the login,
     * each later one a query), and nothing after that.
     */
    FaultProxy stallAfterReadyForQuery(int n) {
        stallAfterReadyForQuery = n;
        return this;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                long delay = firstReplyDelayMillis;
                int stall = stallAfterReadyForQuery;
                daemon(() -> pump(client, upstream, 0, 0), "fault-proxy-up");
                daemon(() -> pump(upstream, client, delay, stall), "fault-proxy-down");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}; the end of {@code from} ends {@code to}'s output. With {@code stallAfter} > 0
     * nothing more is copied once the server said ReadyForQuery ({@code 'Z'}, length 5) that many times.
     */
    private static void pump(Socket from, Socket to, long firstDelayMillis, int stallAfter) {
        byte[] buffer = new byte[8192];
        boolean first = true;
        int ready = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (first && firstDelayMillis > 0) {
                    Thread.sleep(firstDelayMillis); // the fault itself: a server slow to answer
                }
                first = false;
                if (stallAfter == 0 || ready < stallAfter) {
                    out.write(buffer, 0, n);
                    out.flush();
                    ready += readyForQueries(buffer, n);
                }
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            closeQuietly(to);
        }
    }

    private static int readyForQueries(byte[] b, int n) {
        int found = 0;
        for (int i = 0; i + 4 < n; i++) {
            if (b[i] == 'Z' && b[i + 1] == 0 && b[i + 2] == 0 && b[i + 3] == 0 && b[i + 4] == 5) {
                found++;
            }
        }
        return found;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
