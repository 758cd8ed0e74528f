package io.github.pgpool.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The TCP socket under one pgjdbc connection, made by {@link LinkSocketFactory} so the pool can do four things
 * pgjdbc cannot:
 * <ul>
 *   <li><b>Bound the login on the calling thread.</b> Until {@link #liftDeadline()}, every connect and every read
 *       waits at most until the attempt's deadline. pgjdbc's own login timeout runs the login on a thread of its own
 *       and abandons it when time runs out, and the abandoned login may still complete and hold a backend outside
 *       the pool's slot count; here the login itself gives up, on the borrower's thread, in its slot.</li>
 *   <li><b>See a terminated backend without a round trip.</b> A backend that PostgreSQL terminates sends its FATAL
 *       message before it exits, so an idle connection with unread input is suspect ({@link #hasUnreadInput()}),
 *       while a healthy idle one never has any.</li>
 *   <li><b>See a peer that hung up without a word.</b> PgBouncer, restarting, closes its idle clients with a bare
 *       end-of-stream, which {@code available()} cannot tell from silence. The socket therefore stands on a
 *       {@link SocketChannel}, whose non-blocking read of one byte can ({@link #hasUnreadInputOrEnded()}); a byte
 *       it reads is given back to the next read, so pgjdbc sees the stream unchanged.</li>
 *   <li><b>Let go of a backend only once the server has.</b> {@link #close()} waits, briefly, until the server ends
 *       the connection, so that a slot freed after a close is not still a backend on the server.</li>
 * </ul>
 *
 * <p>A channel's blocking I/O is interruptible: a thread interrupted in it closes the channel, where a plain socket
 * ignores the interrupt. So that a borrower whose interrupt status is set (a cancelled task cleaning up, say) does not
 * break its connection at once, each operation runs with the status cleared and set again afterwards; an interrupt
 * that arrives while a read waits still closes the connection, which pgjdbc then reports as broken (08006). With a
 * SOCKS proxy configured (which channels do not support) the socket stands on a plain socket and only the first
 * check is made.
 *
 * <p>Used by one thread at a time, like the connection above it: the connecting thread until the connection is on
 * the pool's books, then whoever owns the connection (the pool's state transitions publish the fields). Closing and
 * setting the read timeout are lock-guarded (a {@link ReentrantLock}, not the monitor JDK 17's {@code Socket} uses):
 * a close may wait up to the linger time for the server, and a virtual thread that blocks while it holds a monitor
 * pins its carrier on JDK 21 to 23.
 */
final class LinkSocket extends ForwardingSocket {
    /** How long a close of a link whose read failed waits for the server. */
    static final long FAILED_LINGER_MILLIS = 50;

    /** The channel under {@link #target}, or {@code null} when it is a plain socket. */
    private final SocketChannel channel;
    /** Where {@link #hasUnreadInputOrEnded()} reads its byte (direct: no copy through a temporary buffer). */
    private final ByteBuffer probe;
    /** How long {@link #close()} waits for the server; the pool shortens it for a connection it found broken. */
    private volatile long lingerMillis;
    /** The login's deadline ({@link System#nanoTime()}); meaningful while {@link #bounded}. */
    private final long deadline;
    /** A close during the login waits for the server at most until then: the borrower's own deadline. */
    private final long loginLingerUntil;
    private boolean bounded = true;
    /** The read timeout pgjdbc asked for, applied as it is once the login's deadline is lifted. */
    private int requestedTimeout;
    private InputStream raw;
    private Input input;
    private Output output;
    /**
     * Set when a read or write failed (timed out, reset): the link is silent or gone, so a close waits for the
     * server at most {@link #FAILED_LINGER_MILLIS}. pgjdbc closes such a connection itself, before the pool can say
     * it is broken.
     */
    private volatile boolean failed;
    /** Guards {@link #close()} and {@link #setSoTimeout}; see the class comment for why not the monitor. */
    private final ReentrantLock lock = new ReentrantLock();

    private LinkSocket(Socket target, SocketChannel channel, long deadline, long lingerMillis,
            long loginLingerUntil) throws IOException {
        super(target);
        this.channel = channel;
        this.probe = channel == null ? null : ByteBuffer.allocateDirect(1);
        this.deadline = deadline;
        this.lingerMillis = lingerMillis;
        this.loginLingerUntil = loginLingerUntil;
    }

    /**
     * @param deadline when the login must be done ({@link System#nanoTime()})
     * @param lingerMillis how long {@link #close()} waits for the server to end the connection
     * @param loginLingerUntil the latest a close during the login may wait ({@link System#nanoTime()}): the
     *     borrower's MaxWait is not to be spent on a login that failed
     */
    static LinkSocket open(long deadline, long lingerMillis, long loginLingerUntil) throws IOException {
        if (socksConfigured()) {
            return new LinkSocket(new Socket(), null, deadline, lingerMillis, loginLingerUntil);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            return new LinkSocket(channel.socket(), channel, deadline, lingerMillis, loginLingerUntil);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether a plain socket would go through a SOCKS proxy, which a channel cannot. */
    private static boolean socksConfigured() {
        return System.getProperty("socksProxyHost") != null
                || Boolean.parseBoolean(System.getProperty("java.net.useSystemProxies"));
    }

    /** @return whether the socket stands on a channel, so that {@link #hasUnreadInputOrEnded()} sees end-of-stream */
    boolean seesEndOfStream() {
        return channel != null;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        int bound = boundedTimeout(timeout);
        boolean interrupted = clearInterrupt();
        try {
            target.connect(endpoint, bound);
        } finally {
            restoreInterrupt(interrupted);
        }
    }

    @Override
    public void setSoTimeout(int timeout) throws java.net.SocketException {
        lock.lock();
        try {
            requestedTimeout = timeout;
            target.setSoTimeout(timeout);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (input == null) {
            raw = target.getInputStream();
            input = new Input();
        }
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        if (output == null) {
            output = new Output(target.getOutputStream());
        }
        return output;
    }

    /** While the login runs, each read waits only until its deadline, however long pgjdbc would wait. */
    private void beforeRead() throws IOException {
        if (bounded) {
            target.setSoTimeout(boundedTimeout(requestedTimeout));
        }
    }

    /**
     * @return {@code timeout} (milliseconds, 0 = for ever), shortened to what is left before the deadline
     * @throws IOException once the deadline has passed. Not a {@link SocketTimeoutException}: pgjdbc reads on after
     *     those unless it set a network timeout itself, so the login would never end.
     */
    private int boundedTimeout(int timeout) throws IOException {
        if (!bounded) {
            return timeout;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
            throw new IOException("pgpool: the connection could not be opened in time "
                    + "(ConnectTimeout or what was left of MaxWait)");
        }
        int bound = (int) Math.min(Integer.MAX_VALUE, left);
        return timeout <= 0 ? bound : Math.min(timeout, bound);
    }

    /** @return whether the caller's interrupt status was set; it is clear now, for one channel operation */
    private boolean clearInterrupt() {
        return channel != null && Thread.interrupted();
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Shortens how long closing waits for the server to end the connection: a connection found broken is usually
     * beyond waiting for (its backend is gone, or its link silent), and its close should not hold the thread.
     */
    void lingerAtMost(long millis) {
        if (millis < lingerMillis) {
            lingerMillis = millis;
        }
    }

    /** The connection is open and profiled: from now on reads wait as pgjdbc (and the application) say. */
    void liftDeadline() throws IOException {
        bounded = false;
        target.setSoTimeout(requestedTimeout);
    }

    /**
     * Whether the server sent something nobody asked for, which on an idle connection means it is being ended (a
     * terminated backend's FATAL message). Costs one system call, no round trip. A socket that cannot say is
     * suspect too. Blind to a bare end-of-stream: see {@link #hasUnreadInputOrEnded()}.
     */
    boolean hasUnreadInput() {
        if (input == null || isClosed()) {
            return input != null;
        }
        try {
            return input.available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Like {@link #hasUnreadInput()}, and also true when the server closed its end without a word: one read that
     * does not wait (five system calls with the switches of blocking mode around it, no round trip). A byte read is
     * kept for the next read, so validating or reading the connection afterwards sees exactly what the server sent.
     * On a plain socket (SOCKS) it is {@link #hasUnreadInput()}.
     */
    boolean hasUnreadInputOrEnded() {
        if (channel == null || input == null || isClosed() || input.pushedBack >= 0) {
            return hasUnreadInput();
        }
        try {
            int n;
            channel.configureBlocking(false);
            try {
                probe.clear();
                n = channel.read(probe);
            } finally {
                channel.configureBlocking(true);
            }
            if (n > 0) {
                input.pushedBack = probe.get(0) & 0xFF;
            }
            return n != 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Closes the socket once the server has ended the connection (pgjdbc has sent Terminate by now; the backend
     * then exits and closes its end), waiting at most the linger time, so that a closed connection's slot does not
     * come free while its backend still exists.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (isClosed()) {
                return;
            }
            try {
                if (lingerMillis > 0 && raw != null && isConnected() && !isInputShutdown()) {
                    awaitServerEnd();
                }
            } finally {
                target.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitServerEnd() {
        long linger = failed ? Math.min(lingerMillis, FAILED_LINGER_MILLIS) : lingerMillis;
        long until = System.nanoTime() + linger * 1_000_000L;
        if (bounded && until - loginLingerUntil > 0) {
            until = loginLingerUntil;
        }
        byte[] sink = new byte[512];
        boolean interrupted = clearInterrupt();
        try {
            shutdownOutput(); // what pgjdbc sent goes first, then the end of the stream
            for (;;) {
                long left = (until - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                target.setSoTimeout((int) left);
                if (raw.read(sink) < 0) {
                    return; // the server closed its end: the backend is gone
                }
            }
        } catch (IOException e) {
            // Timed out or reset: either way, nothing more to wait for.
        } finally {
            restoreInterrupt(interrupted);
        }
    }

    /**
     * What pgjdbc (or the TLS layer under it) reads: the socket's stream, bounded during the login, with the byte
     * a check read put back in front, and failures noted. Closing it closes the socket the pool's way.
     */
    private final class Input extends InputStream {
        /** The byte {@link #hasUnreadInputOrEnded()} read, or -1. */
        int pushedBack = -1;

        @Override
        public int read() throws IOException {
            if (pushedBack >= 0) {
                int b = pushedBack;
                pushedBack = -1;
                return b;
            }
            beforeRead();
            boolean interrupted = clearInterrupt();
            try {
                return raw.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            } finally {
                restoreInterrupt(interrupted);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (pushedBack >= 0) {
                b[off] = (byte) pushedBack;
                pushedBack = -1;
                return 1;
            }
            beforeRead();
            boolean interrupted = clearInterrupt();
            try {
                return raw.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            } finally {
                restoreInterrupt(interrupted);
            }
        }

        @Override
        public int available() throws IOException {
            int n = raw.available();
            return pushedBack >= 0 ? n + 1 : n;
        }

        @Override
        public void close() throws IOException {
            LinkSocket.this.close();
        }
    }

    /** What pgjdbc writes to: the socket's stream with failures noted; closing it closes the socket the pool's way. */
    private final class Output extends OutputStream {
        private final OutputStream out;

        Output(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            boolean interrupted = clearInterrupt();
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            } finally {
                restoreInterrupt(interrupted);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            LinkSocket.this.close();
        }
    }
}
