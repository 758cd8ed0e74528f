package io.github.pgpool.demo;

import java.time.Duration;

/**
 * One stretch of the workload. The numbers are chosen against the demo pool's settings (MaxSize 5, MaxWait 1s,
 * Expires 6s, Cleanup 3s) so that each rule shows within seconds, and so that Expires and Cleanup act at different
 * moments and can be told apart on the chart.
 *
 * @param label what the progress line and the chart call it
 * @param length how long it runs (at least, for {@link #STEADY})
 * @param clients concurrent HTTP clients, each sending one request after the other
 * @param holdMs how long each request keeps its connection (the servlet's {@code pg_sleep})
 * @param pauseMs how long a client waits between two requests
 */
record Phase(String label, Duration length, int clients, int holdMs, int pauseMs) {
    /**
     * 20 clients against 5 connections, each holding one for 350 ms: 15 requests queue, and the last in line would
     * wait about 15 / (5 / 0.35 s) ≈ 1.05 s, just beyond MaxWait. So the pool stays at MaxSize, a queue builds, and a
     * share of the requests time out while the rest are served. The connections opened at the start reach Expires
     * (6 s) under load and are replaced; the burst ends about a second later, so that their replacements are young
     * when the load drops and Cleanup, not Expires, is what closes the idle ones.
     */
    static final Phase BURST = new Phase("burst", Duration.ofSeconds(7), 20, 350, 0);

    /**
     * One light client (a request every 250 ms or so): the pool hands out the most recently used connection first,
     * so one connection serves it and Cleanup closes the other four. That one reaches Expires and is replaced while
     * the load goes on. After its minimum length the phase lasts until the pool's connections are young again (see
     * the runner), so that the final shrink to 0 in the idle phase is Cleanup's work, not Expires'.
     */
    static final Phase STEADY = new Phase("steady", Duration.ofSeconds(8), 1, 100, 150);

    /** No traffic: Cleanup closes the last connection after 3 s idle, and the backends go to 0. */
    static final Phase IDLE = new Phase("idle", Duration.ofSeconds(7), 0, 0, 0);
}
