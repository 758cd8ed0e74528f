package io.github.pgpool.api;

/** The values of {@link PoolSetting#SESSION_RESET}: when a returned connection's session state is discarded. */
public enum SessionResetMode {
    /** {@code DISCARD ALL} after a loan that ran statements which may change session state (the default). */
    DETECT,
    /** {@code DISCARD ALL} after every loan. */
    ALWAYS,
    /**
     * Never {@code DISCARD ALL}. Only for a pool behind PgBouncer in transaction pooling, where each transaction may
     * run on another server connection, so session state neither survives nor can be reset from here. Open
     * transactions are still rolled back and pgjdbc's client-side connection settings still restored.
     */
    NONE;

    /** @return the word administrators write, e.g. {@code detect} */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
