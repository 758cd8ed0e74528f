package io.github.pgpool.core;

import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.AutoSave;

/**
 * pgjdbc's own per-connection settings as they were when the connection was opened: a borrower can change them
 * through {@code unwrap(PGConnection.class)}, and {@code DISCARD ALL} cannot undo them, as they live in the driver,
 * not in the server's session. The return path puts them back; reading and writing them costs no round trip.
 *
 * @param prepareThreshold executions after which a statement is prepared on the server
 * @param defaultFetchSize rows fetched at a time by new statements
 * @param queryTimeout seconds a statement may run, 0 for no limit
 * @param autosave when pgjdbc sets savepoints by itself
 * @param adaptiveFetch whether fetch sizes adapt to row sizes
 */
record DriverDefaults(int prepareThreshold, int defaultFetchSize, int queryTimeout, AutoSave autosave,
        boolean adaptiveFetch) {

    static DriverDefaults read(PGConnection pg) {
        return new DriverDefaults(pg.getPrepareThreshold(), pg.getDefaultFetchSize(), pg.getQueryTimeout(),
                pg.getAutosave(), pg.getAdaptiveFetch());
    }

    /** Puts back whatever a borrower changed; each setting is compared first, so a clean connection costs reads. */
    void restore(PGConnection pg) throws SQLException {
        if (pg.getPrepareThreshold() != prepareThreshold) {
            pg.setPrepareThreshold(prepareThreshold);
        }
        if (pg.getDefaultFetchSize() != defaultFetchSize) {
            pg.setDefaultFetchSize(defaultFetchSize);
        }
        if (pg.getQueryTimeout() != queryTimeout) {
            pg.setQueryTimeout(queryTimeout);
        }
        if (pg.getAutosave() != autosave) {
            pg.setAutosave(autosave);
        }
        if (pg.getAdaptiveFetch() != adaptiveFetch) {
            pg.setAdaptiveFetch(adaptiveFetch);
        }
    }
}
