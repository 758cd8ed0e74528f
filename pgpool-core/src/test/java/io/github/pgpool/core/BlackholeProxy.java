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
 * A TCP proxy on loopback between the pool and PostgreSQL that a test can turn into a black hole: bytes are then
 * read and dropped in both directions, and new connections are accepted but never answered, as with a dead link or
 * a firewall that drops packets. Only for tests; it listens on 127.0.0.1 and forwards to the test database's port.
 */
final class BlackholeProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackholed;
    private volatile boolean closed;

    BlackholeProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "blackhole-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void blackhole() {
        blackholed = true;
    }

    void restore() {
        blackholed = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                if (blackholed) {
                    pump(client.getInputStream(), null); // swallow the startup packet, answer nothing
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream());
                pump(upstream.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!blackholed && out != null) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // the other side closed: this direction ends
            }
        }, "blackhole-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
