package io.github.pgpool.it.wildfly.telemetry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal OTLP/HTTP metrics receiver for the tests: a loopback HTTP server that accepts
 * {@code POST /v1/metrics} (protobuf, plain or gzip) and keeps what it received, decoded into {@link Metric}s. It reads the few
 * fields of the OTLP protobuf messages the tests check (metric name, unit, kind, data points with their attributes,
 * values, histogram counts and sums) with a hand-written wire-format reader, so the tests need no protobuf library.
 * Thread-safe: the server thread appends, tests read.
 */
public final class Otlp implements AutoCloseable {
    /** One data point: its attributes and its value (a count for histograms), and for histograms the sum. */
    public record Point(Map<String, String> attributes, double value, double sum, List<Double> bounds) {
    }

    /** One metric of one export: kind is Counter, UpDownCounter, Gauge or Histogram. */
    public record Metric(String scope, String name, String unit, String kind, List<Point> points) {
    }

    private final HttpServer server;
    private final List<Metric> received = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    public Otlp(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/metrics", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if ("gzip".equalsIgnoreCase(encoding)) { // what WildFly's exporter sends
                try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                        new java.io.ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            try {
                received.addAll(decodeRequest(body));
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException e) {
                errors.add(e + " (" + body.length + " bytes, " + exchange.getRequestHeaders().entrySet() + ")");
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** @return every metric received so far, oldest first */
    public List<Metric> metrics() {
        return List.copyOf(received);
    }

    /** @return why requests could not be read (answered 400), for failure messages */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public String toString() {
        return received.size() + " metrics received, errors: " + errors;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- OTLP protobuf: ExportMetricsServiceRequest > ResourceMetrics > ScopeMetrics > Metric > data points ----

    static List<Metric> decodeRequest(byte[] body) {
        List<Metric> out = new ArrayList<>();
        for (Field rm : fields(body)) {
            if (rm.number == 1) { // resource_metrics
                for (Field sm : fields(rm.bytes)) {
                    if (sm.number == 2) { // scope_metrics
                        String scope = "";
                        for (Field f : fields(sm.bytes)) {
                            if (f.number == 1) { // scope
                                scope = string(fields(f.bytes), 1);
                            }
                        }
                        for (Field f : fields(sm.bytes)) {
                            if (f.number == 2) { // metrics
                                out.add(metric(scope, f.bytes));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Metric metric(String scope, byte[] bytes) {
        List<Field> fs = fields(bytes);
        String kind = "?";
        List<Point> points = new ArrayList<>();
        for (Field f : fs) {
            if (f.number == 5 || f.number == 7) { // gauge, sum
                boolean monotonic = false;
                for (Field s : fields(f.bytes)) {
                    if (s.number == 1) {
                        points.add(numberPoint(s.bytes));
                    } else if (s.number == 3) {
                        monotonic = s.varint != 0;
                    }
                }
                kind = f.number == 5 ? "Gauge" : monotonic ? "Counter" : "UpDownCounter";
            } else if (f.number == 9) { // histogram
                kind = "Histogram";
                for (Field h : fields(f.bytes)) {
                    if (h.number == 1) {
                        points.add(histogramPoint(h.bytes));
                    }
                }
            }
        }
        return new Metric(scope, string(fs, 1), string(fs, 3), kind, points);
    }

    private static Point numberPoint(byte[] bytes) {
        Map<String, String> attributes = new LinkedHashMap<>();
        double value = Double.NaN;
        for (Field f : fields(bytes)) {
            if (f.number == 7) {
                attribute(f.bytes, attributes);
            } else if (f.number == 4) {
                value = Double.longBitsToDouble(f.varint); // as_double
            } else if (f.number == 6) {
                value = f.varint; // as_int
            }
        }
        return new Point(attributes, value, Double.NaN, List.of());
    }

    private static Point histogramPoint(byte[] bytes) {
        Map<String, String> attributes = new LinkedHashMap<>();
        double count = Double.NaN;
        double sum = Double.NaN;
        List<Double> bounds = new ArrayList<>();
        for (Field f : fields(bytes)) {
            if (f.number == 9) {
                attribute(f.bytes, attributes);
            } else if (f.number == 4) {
                count = f.varint;
            } else if (f.number == 5) {
                sum = Double.longBitsToDouble(f.varint);
            } else if (f.number == 7) {
                if (f.bytes != null) { // packed
                    ByteBuffer b = ByteBuffer.wrap(f.bytes).order(ByteOrder.LITTLE_ENDIAN);
                    while (b.remaining() >= 8) {
                        bounds.add(b.getDouble());
                    }
                } else {
                    bounds.add(Double.longBitsToDouble(f.varint));
                }
            }
        }
        return new Point(attributes, count, sum, bounds);
    }

    private static void attribute(byte[] keyValue, Map<String, String> into) {
        List<Field> kv = fields(keyValue);
        String key = string(kv, 1);
        String value = "";
        for (Field f : kv) {
            if (f.number == 2) { // AnyValue
                for (Field v : fields(f.bytes)) {
                    if (v.number == 1) {
                        value = new String(v.bytes, StandardCharsets.UTF_8);
                    } else if (v.number == 3) {
                        value = Long.toString(v.varint);
                    }
                }
            }
        }
        into.put(key, value);
    }

    private static String string(List<Field> fs, int number) {
        for (Field f : fs) {
            if (f.number == number && f.bytes != null) {
                return new String(f.bytes, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** One field of a protobuf message: varint and fixed values in {@code varint}, length-delimited in bytes. */
    private record Field(int number, long varint, byte[] bytes) {
    }

    private static List<Field> fields(byte[] message) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < message.length) {
            long tag = varint(message, pos);
            int number = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> out.add(new Field(number, varint(message, pos), null));
                case 1 -> {
                    out.add(new Field(number, ByteBuffer.wrap(message, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN)
                            .getLong(), null));
                    pos[0] += 8;
                }
                case 2 -> {
                    int length = (int) varint(message, pos);
                    byte[] b = new byte[length];
                    System.arraycopy(message, pos[0], b, 0, length);
                    pos[0] += length;
                    out.add(new Field(number, 0, b));
                }
                case 5 -> {
                    out.add(new Field(number, ByteBuffer.wrap(message, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN)
                            .getInt(), null));
                    pos[0] += 4;
                }
                default -> throw new IllegalArgumentException("protobuf wire type " + wire + " not read here");
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[pos[0]++];
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
