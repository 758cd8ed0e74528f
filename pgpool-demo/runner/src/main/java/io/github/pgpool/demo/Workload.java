package io.github.pgpool.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The HTTP clients of the demo: in each {@link Phase} a number of threads send requests to the sample application
 * on loopback, one after the other, until the phase's time is up. They count what came back.
 */
final class Workload {
    /** Far above MaxWait plus the hold time: a request that takes this long means something is stuck. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final LongAdder ok = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    /** When the latest response arrived ({@link System#nanoTime()}): the pool's connection was back by then. */
    private final AtomicLong lastResponse = new AtomicLong();

    Workload(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    long ok() {
        return ok.sum();
    }

    /** Requests the application answered with 503: pgpool's MaxWait ran out. */
    long timeouts() {
        return timeouts.sum();
    }

    /** Anything else that went wrong (other status codes, I/O errors). */
    long errors() {
        return errors.sum();
    }

    /** When the latest response arrived, as a {@link System#nanoTime()}. */
    long lastResponseNanos() {
        return lastResponse.get();
    }

    /** What the first error was, or null. */
    String firstError() {
        return firstError.get();
    }

    /**
     * One request outside any phase, to prove the application and the pool work before the clock starts.
     *
     * @return the response body
     */
    String probe() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(10), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the sample application answered " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body().strip();
    }

    /** Runs the phase's clients until its time is up and returns when all of them have stopped. */
    void run(Phase phase) throws InterruptedException {
        Clients clients = start(phase);
        clients.stopAt(System.nanoTime() + phase.length().toNanos());
        clients.await();
    }

    /** Starts the phase's clients; they run until told when to stop (see {@link Clients#stopAt(long)}). */
    Clients start(Phase phase) {
        return new Clients(phase);
    }

    /** The running clients of one phase. */
    final class Clients {
        private final Phase phase;
        private final List<Thread> threads = new ArrayList<>();
        /** When the clients stop, as a {@link System#nanoTime()}; far in the future until {@link #stopAt}. */
        private volatile long end = Long.MAX_VALUE;

        private Clients(Phase phase) {
            this.phase = phase;
            for (int i = 0; i < phase.clients(); i++) {
                Thread t = new Thread(this::loop, "demo-" + phase.label() + "-client-" + (i + 1));
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        /** Sets when the clients stop sending requests. */
        void stopAt(long nanoTime) {
            end = nanoTime;
        }

        /** Waits for the end set by {@link #stopAt}, then for the clients' last requests to come back. */
        void await() throws InterruptedException {
            parkUntil(end);
            for (Thread t : threads) {
                // A client stops after its current request, which ends within the request timeout.
                t.join(REQUEST_TIMEOUT.toMillis());
            }
        }

        private void loop() {
            HttpRequest request = request(phase.holdMs());
            while (System.nanoTime() < end) {
                try {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    lastResponse.accumulateAndGet(System.nanoTime(), Math::max);
                    switch (r.statusCode()) {
                        case 200 -> ok.increment();
                        case 503 -> timeouts.increment();
                        default -> error("HTTP " + r.statusCode() + ": " + r.body().strip());
                    }
                } catch (IOException e) {
                    error(e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (phase.pauseMs() > 0) {
                    // Pacing of a light client, not synchronisation: the next request simply comes a little later.
                    parkUntil(Math.min(end, System.nanoTime() + phase.pauseMs() * 1_000_000L));
                }
            }
        }
    }

    private void error(String what) {
        errors.increment();
        firstError.compareAndSet(null, what);
    }

    private HttpRequest request(int holdMs) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "?holdMs=" + holdMs)).timeout(REQUEST_TIMEOUT).GET()
                .build();
    }

    /** Waits until the given {@link System#nanoTime()} (a phase's end or a client's next request time). */
    static void parkUntil(long deadlineNanos) {
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
