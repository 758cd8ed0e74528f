package io.github.pgpool.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The TCP socket under one pgjdbc connection, made by {@link LinkSocketFactory} so the pool can do three things
 * pgjdbc cannot:
 * <ul>
 *   <li><b>Bound the login on the calling thread.</b> Until {@link #liftDeadline()}, every connect and every read
 *       waits at most until the attempt's deadline. pgjdbc's own login timeout runs the login on a thread of its own
 *       and abandons it when time runs out, and the abandoned login may still complete and hold a backend outside
 *       the pool's slot count; here the login itself gives up, on the borrower's thread, in its slot.</li>
 *   <li><b>See a terminated backend without a round trip.</b> A backend that PostgreSQL terminates sends its FATAL
 *       message before it exits, so an idle connection with unread input is suspect ({@link #hasUnreadInput()}),
 *       while a healthy idle one never has any.</li>
 *   <li><b>Let go of a backend only once the server has.</b> {@link #close()} waits, briefly, until the server ends
 *       the connection, so that a slot freed after a close is not still a backend on the server.</li>
 * </ul>
 *
 * <p>Used by one thread at a time, like the connection above it: the connecting thread until the connection is on
 * the pool's books, then whoever owns the connection (the pool's state transitions publish the fields). Closing and
 * setting the read timeout are lock-guarded (a {@link ReentrantLock}, not the monitor JDK 17's {@code Socket} uses):
 * a close may wait up to the linger time for the server, and a virtual thread that blocks while it holds a monitor
 * pins its carrier on JDK 21 to 23.
 */
final class LinkSocket extends Socket {
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
    private InputStream stream;
    /**
     * Set when a read failed (timed out, reset): the link is silent or gone, so a close waits for the server at most
     * {@link #FAILED_LINGER_MILLIS}. pgjdbc closes such a connection itself, before the pool can say it is broken.
     */
    private volatile boolean failed;
    /** How long a close of a link whose read failed waits for the server. */
    static final long FAILED_LINGER_MILLIS = 50;
    /** Guards {@link #close()} and {@link #setSoTimeout}; see the class comment for why not the monitor. */
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param deadline when the login must be done ({@link System#nanoTime()})
     * @param lingerMillis how long {@link #close()} waits for the server to end the connection
     * @param loginLingerUntil the latest a close during the login may wait ({@link System#nanoTime()}): the
     *     borrower's MaxWait is not to be spent on a login that failed
     */
    LinkSocket(long deadline, long lingerMillis, long loginLingerUntil) {
        this.deadline = deadline;
        this.lingerMillis = lingerMillis;
        this.loginLingerUntil = loginLingerUntil;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(endpoint, boundedTimeout(timeout));
    }

    @Override
    public void setSoTimeout(int timeout) throws java.net.SocketException {
        lock.lock();
        try {
            requestedTimeout = timeout;
            super.setSoTimeout(timeout);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (stream == null) {
            raw = super.getInputStream();
            stream = new FilterInputStream(raw) {
                @Override
                public int read() throws IOException {
                    beforeRead();
                    try {
                        return super.read();
                    } catch (IOException e) {
                        failed = true;
                        throw e;
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    beforeRead();
                    try {
                        return super.read(b, off, len);
                    } catch (IOException e) {
                        failed = true;
                        throw e;
                    }
                }
            };
        }
        return stream;
    }

    /** While the login runs, each read waits only until its deadline, however long pgjdbc would wait. */
    private void beforeRead() throws IOException {
        if (bounded) {
            super.setSoTimeout(boundedTimeout(requestedTimeout));
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
        super.setSoTimeout(requestedTimeout);
    }

    /**
     * Whether the server sent something nobody asked for, which on an idle connection means it is being ended (a
     * terminated backend's FATAL message). Costs one system call, no round trip. A socket that cannot say is
     * suspect too.
     */
    boolean hasUnreadInput() {
        if (raw == null || isClosed()) {
            return raw != null;
        }
        try {
            return raw.available() > 0;
        } catch (IOException e) {
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
                super.close();
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
        try {
            shutdownOutput(); // what pgjdbc sent goes first, then the end of the stream
            for (;;) {
                long left = (until - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                super.setSoTimeout((int) left);
                if (raw.read(sink) < 0) {
                    return; // the server closed its end: the backend is gone
                }
            }
        } catch (IOException e) {
            // Timed out or reset: either way, nothing more to wait for.
        }
    }
}
