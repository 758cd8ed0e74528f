package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The recent-time reading: never ahead of the clock, kept fresh while read, and its thread ends when not read. */
class RecentTimeTest {
    private static boolean tickerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("pgpool-clock") && t.isAlive());
    }

    @Test
    void followsTheClockWhileReadAndStopsItsThreadWhenNotRead() {
        long first = RecentTime.SYSTEM.read();
        assertThat(first).isLessThanOrEqualTo(System.nanoTime());
        Await.until("the reading to advance", Duration.ofSeconds(5), () -> RecentTime.SYSTEM.read() > first);
        assertThat(tickerAlive()).isTrue();
        for (int i = 0; i < 1_000; i++) {
            long before = System.nanoTime();
            long recent = RecentTime.SYSTEM.read();
            assertThat(recent).isLessThanOrEqualTo(System.nanoTime());
            // One tick of lag in normal operation; 1 s is far beyond any scheduling delay on a test machine.
            assertThat(before - recent).isLessThan(1_000_000_000L);
        }
        // About a second after the last read the thread ends by itself; a new read starts it again.
        Await.until("the pgpool-clock thread to end", Duration.ofSeconds(15), () -> !tickerAlive());
        long again = RecentTime.SYSTEM.read();
        assertThat(again).isGreaterThan(first);
        assertThat(tickerAlive()).isTrue();
    }
}
