package io.github.pgpool.it;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** Talks to the test application; answers are the {@code key=value} lines its servlets write. */
public final class Http {
    /** A daemon-threaded client so that a hung request cannot keep the test JVM alive. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "pgpool-it-http");
                t.setDaemon(true);
                return t;
            })).build();

    private Http() {
    }

    /** A servlet's answer. */
    public record Answer(int status, Map<String, String> values, String body) {
        public String get(String key) {
            return values.get(key);
        }

        public boolean ok() {
            return status == 200;
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body.strip().replace('\n', ' ');
        }
    }

    public static Answer get(URL base, String pathAndQuery) {
        try {
            return getAsync(base, pathAndQuery).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("request " + pathAndQuery + " failed: " + e.getCause(), e.getCause());
        }
    }

    public static CompletableFuture<Answer> getAsync(URL base, String pathAndQuery) {
        URI uri = URI.create(base.toExternalForm().replaceAll("/+$", "") + "/" + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90)).GET().build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Http::parse);
    }

    private static Answer parse(HttpResponse<String> response) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Answer(response.statusCode(), values, response.body());
    }

}
