package io.github.pgpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The overflow-free time arithmetic of {@link Durations}. */
class DurationsArithmeticTest {
    @Test
    void saturatedAddClampsInsteadOfWrapping() {
        assertThat(Durations.saturatedAdd(1, 2)).isEqualTo(3);
        assertThat(Durations.saturatedAdd(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.saturatedAdd(Long.MIN_VALUE + 1, -5)).isEqualTo(Long.MIN_VALUE);
        assertThat(Durations.saturatedAdd(Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(-1);
        assertThat(Durations.saturatedMultiply(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.saturatedMultiply(3, 4)).isEqualTo(12);
        assertThat(Durations.saturatedMultiply(0, Long.MAX_VALUE)).isZero();
    }

    @Test
    void toNanosNeverThrows() {
        assertThat(Durations.toNanos(Duration.ofMillis(1500))).isEqualTo(1_500_000_000L);
        assertThat(Durations.toNanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toNanos(Duration.ofDays(365))).isEqualTo(365L * 86_400 * 1_000_000_000L);
        assertThat(Durations.toNanos(Duration.ofSeconds(-1))).isZero();
    }

    @Test
    void deadlinesStayComparableAtTheEndsOfTheClock() {
        // nanoTime may be anywhere in long's range; differences must stay right even across its wrap-around.
        for (long now : new long[] {0, Long.MAX_VALUE - 10, Long.MIN_VALUE + 10, -1}) {
            long deadline = Durations.deadline(now, 1_000);
            assertThat(Durations.remaining(deadline, now)).isEqualTo(1_000);
            assertThat(Durations.remaining(deadline, now + 999)).isEqualTo(1);
            assertThat(Durations.remaining(deadline, now + 5_000)).isZero();
            long far = Durations.deadline(now, Long.MAX_VALUE);
            assertThat(Durations.remaining(far, now)).isEqualTo(Durations.MAX_INTERVAL_NANOS);
            assertThat(Durations.remaining(Durations.deadline(now, -5), now)).isZero();
        }
    }

    @Test
    void intTimeoutsRoundUpAndNeverOverflow() {
        assertThat(Durations.toIntMillis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Durations.toIntMillis(Duration.ofHours(24))).isEqualTo(86_400_000);
        assertThat(Durations.toIntMillis(Duration.ofDays(10_000))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Durations.toIntSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Durations.toIntSeconds(Duration.ofMillis(2000))).isEqualTo(2);
        assertThat(Durations.toIntSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(Durations.toIntSeconds(Duration.ZERO)).isZero();
        assertThat(Durations.toIntSeconds(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }
}
