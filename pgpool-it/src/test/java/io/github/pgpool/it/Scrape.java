package io.github.pgpool.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One scrape of a metrics endpoint in Prometheus' text format, read into samples: a name, its labels and a value.
 * Enough of the format for the tests (comments skipped, quoted label values with {@code \"} and {@code \\}
 * escapes); not a general parser. Immutable.
 */
public final class Scrape {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final String text;

    /**
     * Scrapes get a client of their own, on HTTP/1.1: sharing {@link Http}'s HTTP/2 connection with requests the
     * server holds open made Grizzly drop that connection (EOF) after large /metrics answers.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Scrape(List<Sample> samples, String text) {
        this.samples = samples;
        this.text = text;
    }

    /** GETs {@code uri} (a metrics endpoint) and reads the answer; fails unless it is 200. */
    public static Scrape of(URI uri) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + uri + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return parse(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int end = readLabels(line, brace + 1, labels);
                space = line.indexOf(' ', end);
            } else {
                name = line.substring(0, space);
            }
            String rest = line.substring(space + 1).strip();
            int timestamp = rest.indexOf(' ');
            samples.add(new Sample(name, labels, Double.parseDouble(timestamp < 0 ? rest : rest.substring(0, timestamp))));
        }
        return new Scrape(samples, text);
    }

    /** @return the index after the closing brace */
    private static int readLabels(String line, int i, Map<String, String> labels) {
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // after ="
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    c = line.charAt(++j);
                    value.append(c == 'n' ? '\n' : c);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    /** @return the value of the one sample with this name whose labels include {@code labels}, if there is one */
    public OptionalDouble value(String name, Map<String, String> labels) {
        List<Sample> found = find(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples of " + name + " match " + labels + ": " + found);
        }
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
    }

    public List<Sample> find(String name, Map<String, String> labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                found.add(s);
            }
        }
        return found;
    }

    /** @return the lines that mention {@code word}, for failure messages */
    public String linesWith(String word) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.contains(word)) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** @return pgpool's lines (the db.client.connection series), or how many lines there were without them */
    @Override
    public String toString() {
        String ours = linesWith("db_client_connection");
        return ours.isEmpty() ? "no db_client_connection series among " + samples.size() + " samples" : ours;
    }
}
