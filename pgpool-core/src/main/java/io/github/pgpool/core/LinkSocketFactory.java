package io.github.pgpool.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The socket factory pgpool hands to pgjdbc ({@code socketFactory} connection property), so that the socket under
 * each physical connection is a {@link LinkSocket}. Not for applications: pgjdbc instantiates it by name, which is
 * why it is public.
 *
 * <p>The pool opens a connection inside an {@link Attempt} on the borrower's thread; the sockets pgjdbc makes during
 * it (one per host tried) are bounded by the attempt's deadline and the last one is kept for the pool. Sockets made
 * outside an attempt, such as those pgjdbc opens to cancel a query, are plain sockets.
 */
public final class LinkSocketFactory extends SocketFactory {
    private static final ThreadLocal<Attempt> CURRENT = new ThreadLocal<>();

    /** For pgjdbc, which makes one per connection. */
    public LinkSocketFactory() {
    }

    @Override
    public Socket createSocket() throws IOException {
        Attempt attempt = CURRENT.get();
        if (attempt == null) {
            return new Socket();
        }
        LinkSocket s = LinkSocket.open(attempt.deadline, attempt.lingerMillis, attempt.lingerUntil);
        attempt.socket = s;
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket s = createSocket();
        s.connect(address);
        return s;
    }

    /**
     * Begins an attempt to open a connection on this thread; end it with {@link Attempt#close()} in a finally block.
     *
     * @param deadline when the login must be done ({@link System#nanoTime()})
     * @param lingerMillis how long closing the connection's socket waits for the server to end it
     * @param lingerUntil the latest a close during the login may wait ({@link System#nanoTime()})
     */
    static Attempt begin(long deadline, long lingerMillis, long lingerUntil) {
        Attempt a = new Attempt(deadline, lingerMillis, lingerUntil);
        CURRENT.set(a);
        return a;
    }

    /** One attempt to open a connection, on one thread. */
    static final class Attempt implements AutoCloseable {
        final long deadline;
        final long lingerMillis;
        final long lingerUntil;
        private LinkSocket socket;

        private Attempt(long deadline, long lingerMillis, long lingerUntil) {
            this.deadline = deadline;
            this.lingerMillis = lingerMillis;
            this.lingerUntil = lingerUntil;
        }

        /** @return the socket of the connection opened, or {@code null} if pgjdbc made none of ours */
        LinkSocket socket() {
            return socket;
        }

        @Override
        public void close() {
            CURRENT.remove();
        }
    }
}
