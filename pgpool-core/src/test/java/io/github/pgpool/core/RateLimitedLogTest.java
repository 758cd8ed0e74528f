package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an operator reads in the server log: a few clear lines, not one per event. */
class RateLimitedLogTest {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(PgPool.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    private List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(r -> java.text.MessageFormat
                .format(r.getMessage(), r.getParameters() == null ? new Object[0] : r.getParameters())).toList();
    }

    @Test
    void timeoutsAreWarnedAboutAtMostEveryTenSecondsWithACountOfTheRest() throws Exception {
        FakeClock clock = FakeClock.autoAdvancing();
        StubFactory stubs = new StubFactory();
        stubs.failForever = true;
        PgPool pool = PgPool.builder(PoolSettings.builder().databaseName("db").poolName("logged").maxSize(1)
                .maxWait(Duration.ofSeconds(1)).build()).connectionFactory(stubs).clock(clock)
                .scheduler(new ManualScheduler()).build();
        for (int i = 0; i < 25; i++) { // each borrow fails after 1s of (simulated) retrying
            try {
                pool.borrow();
            } catch (java.sql.SQLException expected) {
                // counted below
            }
        }
        pool.close();
        List<String> warnings = messages(Level.WARNING);
        assertThat(warnings).hasSize(3); // at 0s, 10s and 20s of simulated time
        assertThat(warnings.get(0)).contains("pgpool logged: no connection available after waiting");
        assertThat(warnings.get(1)).contains("(9 more like this since the last report)");
        assertThat(pool.statistics().timeouts()).isEqualTo(25);
    }

    @Test
    void reachingMaxSizeIsReportedOnce() throws Exception {
        PgPool pool = PgPool.builder(PoolSettings.builder().databaseName("db").poolName("full").maxSize(2).build())
                .connectionFactory(new StubFactory()).clock(FakeClock.manual()).scheduler(new ManualScheduler())
                .build();
        PooledConnection a = pool.borrow();
        PooledConnection b = pool.borrow();
        a.release();
        b.release();
        pool.close();
        assertThat(messages(Level.INFO)).filteredOn(m -> m.contains("grown to MaxSize")).containsExactly(
                "pgpool full has grown to MaxSize=2 connections; further requests wait up to MaxWait");
    }
}
