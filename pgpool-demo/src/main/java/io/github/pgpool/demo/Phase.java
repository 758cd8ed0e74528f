package io.github.pgpool.demo;

import java.time.Duration;

/**
 * One stretch of the workload. The numbers are chosen against the demo pool's settings (MaxSize 5, MaxWait 1s,
 * Expires 6s, Cleanup 3s) so that each rule shows within seconds.
 *
 * @param label what the progress line and the chart call it
 * @param length how long it runs
 * @param clients concurrent HTTP clients, each sending one request after the other
 * @param holdMs how long each request keeps its connection (the servlet's {@code pg_sleep})
 * @param pauseMs how long a client waits between two requests
 */
record Phase(String label, Duration length, int clients, int holdMs, int pauseMs) {
    /**
     * 20 clients against 5 connections, each holding one for 350 ms: 15 requests queue, and the last in line would
     * wait about 15 / (5 / 0.35 s) ≈ 1.05 s, just beyond MaxWait. So the pool stays at MaxSize, a queue builds, and a
     * good share of requests time out while the rest are served. Long enough for the first connections to reach
     * Expires (6 s) under load.
     */
    static final Phase BURST = new Phase("burst", Duration.ofSeconds(8), 20, 350, 0);

    /**
     * Two light clients: the pool needs two connections at most, the others go idle and Cleanup closes them; the
     * survivors reach Expires and are replaced (closed-expired and created go up while the total stays small).
     */
    static final Phase STEADY = new Phase("steady", Duration.ofSeconds(12), 2, 50, 250);

    /** No traffic: Cleanup closes every connection after 3 s idle, and the backends go to 0. */
    static final Phase IDLE = new Phase("idle", Duration.ofSeconds(7), 0, 0, 0);
}
