package io.github.pgpool.it.app;

import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource that only records what the transaction manager calls on it, with the flags and whether the call came
 * from the application's thread ({@code @app}) or another one ({@code @other}, for example a timeout reaper). It shows
 * what any enlisted resource, pgpool's included, is told when a transaction times out or is marked rollback-only.
 *
 * <p>Lock-guarded: calls may come from several threads.
 */
final class CallRecorder implements XAResource {
    private final Thread application;
    private final List<String> calls = new ArrayList<>();

    CallRecorder(Thread application) {
        this.application = application;
    }

    /** @return the calls so far, comma separated, e.g. {@code start(TMNOFLAGS)@app,end(TMFAIL)@other} */
    synchronized String calls() {
        return calls.isEmpty() ? "none" : String.join(",", calls);
    }

    private synchronized void record(String call) {
        calls.add(call + (Thread.currentThread() == application ? "@app" : "@other"));
    }

    private static String flags(int flags) {
        switch (flags) {
            case TMNOFLAGS:
                return "TMNOFLAGS";
            case TMSUCCESS:
                return "TMSUCCESS";
            case TMFAIL:
                return "TMFAIL";
            case TMSUSPEND:
                return "TMSUSPEND";
            case TMJOIN:
                return "TMJOIN";
            case TMRESUME:
                return "TMRESUME";
            default:
                return Integer.toHexString(flags);
        }
    }

    @Override
    public void start(Xid xid, int flags) {
        record("start(" + flags(flags) + ")");
    }

    @Override
    public void end(Xid xid, int flags) {
        record("end(" + flags(flags) + ")");
    }

    @Override
    public int prepare(Xid xid) {
        record("prepare");
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        record("commit(" + (onePhase ? "onePhase" : "twoPhase") + ")");
    }

    @Override
    public void rollback(Xid xid) {
        record("rollback");
    }

    @Override
    public void forget(Xid xid) {
        record("forget");
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return false;
    }
}
