package io.github.pgpool.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes the samples as a CSV file and as a chart: the pool's figures and PostgreSQL's backends over time with the
 * MaxSize line and the phases (top), MaxWait timeouts (middle), and connections opened and closed by Expires and
 * Cleanup (bottom), all on one time axis.
 */
final class Chart {
    /** Wide and translucent, so that active and idle stay visible where they run along the total. */
    private static final Color TOTAL = new Color(0x1f, 0x4e, 0x9a, 0x70);
    private static final Color ACTIVE = new Color(0x2c, 0xa0, 0x2c);
    private static final Color IDLE = new Color(0xff, 0x9f, 0x1c);
    private static final Color WAITING = new Color(0xd6, 0x27, 0x28);
    private static final Color BACKENDS = new Color(0x20, 0x20, 0x20);
    private static final Color EXPIRED = new Color(0x94, 0x3c, 0xb4);
    private static final Color CLEANED = new Color(0x8c, 0x8c, 0x8c);
    private static final Color CREATED = new Color(0x2c, 0xa0, 0x2c);
    private static final Color LIMIT = new Color(0xc0, 0x10, 0x10);

    /*
     * Captions of events after the burst go into the empty space above the MaxSize line, each at its own height
     * (pointer length in pixels; the range axis is always 0..16, see poolPlot), so that an expiry and a Cleanup a
     * moment apart do not write over each other: Cleanup of the burst's leftovers lowest, then the expiry, then the
     * final Cleanup. All sit to the left of their event (the last events are near the right edge), so the
     * pointers, all slanting the same way, do not cross the captions.
     */
    private static final double UP_LEFT = -0.6 * Math.PI;
    private static final double CLEANUP_REACH = 160;
    private static final double EXPIRES_REACH = 220;
    private static final double FINAL_CLEANUP_REACH = 330;

    private Chart() {
    }

    /** One line per sample, header first (see {@link Sample#CSV_HEADER}). */
    static void writeCsv(List<Sample> samples, File file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(Sample.CSV_HEADER);
        samples.forEach(s -> lines.add(s.csv()));
        Files.write(file.toPath(), lines, StandardCharsets.UTF_8);
    }

    /**
     * Draws the chart into a PNG file.
     *
     * @param phases each phase's label and start/end time in seconds, for the shaded bands
     */
    static void writePng(List<Sample> samples, List<PhaseSpan> phases, int maxSize, String settings, File file)
            throws IOException {
        NumberAxis time = new NumberAxis("seconds since the workload started");
        double last = samples.isEmpty() ? 1 : samples.get(samples.size() - 1).seconds();
        time.setRange(0, Math.ceil(last));
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.setGap(12);
        combined.add(poolPlot(samples, phases, maxSize), 6);
        combined.add(timeoutPlot(samples, phases), 2);
        combined.add(churnPlot(samples, phases), 2);

        JFreeChart chart = new JFreeChart("pgpool in Payara: " + settings, new Font("SansSerif", Font.BOLD, 18),
                combined, true);
        chart.addSubtitle(new TextTitle(Phase.BURST.clients() + " clients burst, then " + Phase.STEADY.clients()
                + " light client, then idle. Pool figures from pgpool's MXBean, backends from pg_stat_activity,"
                + " sampled every " + Monitor.PERIOD_MS + " ms.",
                new Font("SansSerif", Font.PLAIN, 13)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        ChartUtils.saveChartAsPNG(file, chart, 1400, 1000);
    }

    /** Pool figures and backends, the MaxSize line, the phases and a mark at each Expires closing. */
    private static XYPlot poolPlot(List<Sample> samples, List<PhaseSpan> phases, int maxSize) {
        XYSeries total = new XYSeries("pool total (open connections)");
        XYSeries active = new XYSeries("active (lent out)");
        XYSeries idle = new XYSeries("idle (in the pool)");
        XYSeries waiting = new XYSeries("waiting requests");
        XYSeries backends = new XYSeries("PostgreSQL backends (pg_stat_activity)");
        XYSeries expired = new XYSeries("a connection reached Expires and was closed");
        Sample previous = null;
        for (Sample s : samples) {
            total.add(s.seconds(), s.pool().total());
            active.add(s.seconds(), s.pool().active());
            idle.add(s.seconds(), s.pool().idle());
            waiting.add(s.seconds(), s.pool().waiting());
            if (s.backends() >= 0) {
                backends.add(s.seconds(), s.backends());
            }
            if (previous != null && s.pool().closedExpired() > previous.pool().closedExpired()) {
                expired.add(s.seconds(), s.pool().total() + 0.45);
            }
            previous = s;
        }
        XYSeriesCollection steps = new XYSeriesCollection();
        steps.addSeries(total);
        steps.addSeries(active);
        steps.addSeries(idle);
        steps.addSeries(waiting);
        XYStepRenderer stepRenderer = new XYStepRenderer();
        color(stepRenderer, 0, TOTAL, 7f);
        color(stepRenderer, 1, ACTIVE, 2f);
        color(stepRenderer, 2, IDLE, 2f);
        color(stepRenderer, 3, WAITING, 2f);

        XYSeriesCollection measured = new XYSeriesCollection();
        measured.addSeries(backends);
        XYLineAndShapeRenderer backendRenderer = new XYLineAndShapeRenderer(true, true);
        backendRenderer.setSeriesPaint(0, BACKENDS);
        backendRenderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        backendRenderer.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));

        XYSeriesCollection events = new XYSeriesCollection();
        events.addSeries(expired);
        XYLineAndShapeRenderer eventRenderer = new XYLineAndShapeRenderer(false, true);
        eventRenderer.setSeriesPaint(0, EXPIRED);
        eventRenderer.setSeriesShape(0, downTriangle(7));

        NumberAxis count = new NumberAxis("connections / waiting requests");
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        count.setLowerBound(0);
        XYPlot plot = new XYPlot(events, null, count, eventRenderer);
        plot.setDataset(1, measured);
        plot.setRenderer(1, backendRenderer);
        plot.setDataset(2, steps);
        plot.setRenderer(2, stepRenderer);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        style(plot);
        count.setAutoRangeIncludesZero(true);
        // A fixed scale (20 clients minus 5 connections = at most 15 waiting) keeps the captions' places stable.
        double top = Math.max(16, samples.stream().mapToInt(s -> s.pool().waiting()).max().orElse(0) + 1);
        count.setRange(0, top);

        ValueMarker limit = new ValueMarker(maxSize, LIMIT, new BasicStroke(2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {10f, 6f}, 0f));
        limit.setLabel("MaxSize " + maxSize);
        limit.setLabelFont(new Font("SansSerif", Font.BOLD, 13));
        limit.setLabelPaint(LIMIT);
        limit.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        limit.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(limit, Layer.FOREGROUND);
        phaseBands(plot, phases, true);
        annotateRules(plot, samples, phases, maxSize, top);
        return plot;
    }

    /**
     * Short captions that say which rule is at work where: the queue at MaxSize, the first Expires replacement, and
     * each time Cleanup closed idle connections.
     */
    private static void annotateRules(XYPlot plot, List<Sample> samples, List<PhaseSpan> phases, int maxSize,
            double top) {
        Font font = new Font("SansSerif", Font.PLAIN, 13);
        int peakWaiting = samples.stream().mapToInt(s -> s.pool().waiting()).max().orElse(0);
        if (!phases.isEmpty() && peakWaiting > 0) {
            PhaseSpan burst = phases.get(0);
            XYTextAnnotation queue = new XYTextAnnotation("MaxSize: the pool stays at " + maxSize + ", up to "
                    + peakWaiting + " requests wait", (burst.start() + burst.end()) / 2, (maxSize + top) / 2);
            queue.setFont(font);
            queue.setBackgroundPaint(new Color(255, 255, 255, 200));
            plot.addAnnotation(queue);
        }
        // The expiry explained is the first replacement after the burst: there it stands alone (one connection
        // closed and one opened), while in the burst it mixes with the queue.
        double afterBurst = phases.isEmpty() ? 0 : phases.get(0).end();
        Sample previous = null;
        boolean expiryShown = false;
        // Cleanup closings a sample or two apart are one shrink to the eye: one caption for them, at the last.
        long cleanedRun = 0;
        Sample cleanedAt = null;
        for (Sample s : samples) {
            if (previous != null) {
                long cleaned = s.pool().closedIdle() - previous.pool().closedIdle();
                long expired = s.pool().closedExpired() - previous.pool().closedExpired();
                if (cleanedAt != null && cleaned == 0 && s.seconds() - cleanedAt.seconds() > 1.2) {
                    cleanupCaption(plot, cleanedRun, cleanedAt, font);
                    cleanedRun = 0;
                    cleanedAt = null;
                }
                if (cleaned > 0) {
                    cleanedRun += cleaned;
                    cleanedAt = s;
                }
                // Captioned: an expiry where the pool kept its size (the connection was replaced), not one that
                // merely coincided with the shrink after the burst.
                if (expired > 0 && !expiryShown && s.seconds() > afterBurst && s.pool().total() > 0
                        && s.pool().total() == previous.pool().total()) {
                    expiryShown = true;
                    pointer(plot, "Expires: replaced at " + Demo.EXPIRES + " of age", s.seconds(),
                            s.pool().total() + 0.45, UP_LEFT, EXPIRES_REACH, TextAnchor.BOTTOM_RIGHT, EXPIRED, font);
                }
            }
            previous = s;
        }
        if (cleanedAt != null) {
            cleanupCaption(plot, cleanedRun, cleanedAt, font);
        }
    }

    private static void cleanupCaption(XYPlot plot, long cleaned, Sample at, Font font) {
        boolean empty = at.pool().total() == 0 && at.backends() == 0;
        pointer(plot, "Cleanup: " + cleaned + " idle " + (cleaned == 1 ? "connection" : "connections") + " closed"
                + (empty ? ", 0 backends left" : ""), at.seconds(), at.pool().total(), UP_LEFT,
                empty ? FINAL_CLEANUP_REACH : CLEANUP_REACH, TextAnchor.BOTTOM_RIGHT, CLEANED.darker(), font);
    }

    private static void pointer(XYPlot plot, String text, double x, double y, double angle, double radius,
            TextAnchor anchor, Color color, Font font) {
        XYPointerAnnotation a = new XYPointerAnnotation(text, x, y, angle);
        a.setFont(font);
        a.setPaint(color);
        a.setArrowPaint(color);
        a.setBaseRadius(radius);
        a.setTipRadius(6);
        a.setTextAnchor(anchor);
        a.setBackgroundPaint(new Color(255, 255, 255, 200));
        plot.addAnnotation(a);
    }

    /** Requests that pgpool turned away after MaxWait, per sampling interval. */
    private static XYPlot timeoutPlot(List<Sample> samples, List<PhaseSpan> phases) {
        XYSeries timeouts = new XYSeries("MaxWait timeouts (per " + Monitor.PERIOD_MS + " ms)");
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null) {
                timeouts.add(mid(previous, s), s.pool().timeouts() - previous.pool().timeouts());
            }
            previous = s;
        }
        XYSeriesCollection data = new XYSeriesCollection(timeouts);
        data.setIntervalWidth(Monitor.PERIOD_MS / 1000.0 * 0.8);
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, WAITING);
        NumberAxis axis = new NumberAxis("timeouts");
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        style(plot);
        phaseBands(plot, phases, false);
        XYTextAnnotation rule = new XYTextAnnotation("MaxWait: a request that waited " + Demo.MAX_WAIT
                + " without a connection fails (HTTP 503)", phases.isEmpty() ? 0 : phases.get(0).end() + 0.5, 0);
        rule.setFont(new Font("SansSerif", Font.PLAIN, 13));
        rule.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        rule.setPaint(WAITING.darker());
        plot.addAnnotation(rule);
        return plot;
    }

    /** Connections opened, and closed by Expires or Cleanup, per sampling interval. */
    private static XYPlot churnPlot(List<Sample> samples, List<PhaseSpan> phases) {
        XYSeries created = new XYSeries("connections opened");
        XYSeries expired = new XYSeries("closed by Expires (age)");
        XYSeries cleaned = new XYSeries("closed by Cleanup (idle)");
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null) {
                double x = mid(previous, s);
                created.add(x, s.pool().created() - previous.pool().created());
                expired.add(x, s.pool().closedExpired() - previous.pool().closedExpired());
                cleaned.add(x, s.pool().closedIdle() - previous.pool().closedIdle());
            }
            previous = s;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(created);
        data.addSeries(expired);
        data.addSeries(cleaned);
        data.setIntervalWidth(Monitor.PERIOD_MS / 1000.0);
        ClusteredXYBarRenderer renderer = new ClusteredXYBarRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, CREATED);
        renderer.setSeriesPaint(1, EXPIRED);
        renderer.setSeriesPaint(2, CLEANED);
        NumberAxis axis = new NumberAxis("connections");
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        style(plot);
        phaseBands(plot, phases, false);
        return plot;
    }

    /** Shaded background per phase, labelled in the top plot only. */
    private static void phaseBands(XYPlot plot, List<PhaseSpan> phases, boolean labels) {
        Color[] shades = {new Color(255, 228, 225), new Color(225, 238, 255), new Color(236, 236, 236)};
        for (int i = 0; i < phases.size(); i++) {
            PhaseSpan p = phases.get(i);
            IntervalMarker band = new IntervalMarker(p.start(), p.end(), shades[i % shades.length]);
            band.setAlpha(0.6f);
            if (labels) {
                band.setLabel(p.label());
                band.setLabelFont(new Font("SansSerif", Font.BOLD, 13));
                band.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                band.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                band.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
            }
            plot.addDomainMarker(band, Layer.BACKGROUND);
        }
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
    }

    private static void color(XYStepRenderer r, int series, Color color, float width) {
        r.setSeriesPaint(series, color);
        r.setSeriesStroke(series, new BasicStroke(width));
    }

    private static double mid(Sample a, Sample b) {
        return (a.seconds() + b.seconds()) / 2;
    }

    private static Shape downTriangle(double size) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(-size / 2, -size / 2);
        p.lineTo(size / 2, -size / 2);
        p.lineTo(0, size / 2);
        p.closePath();
        return p;
    }

    /**
     * One phase on the time axis.
     *
     * @param label the phase's name
     * @param start its start, seconds
     * @param end its end, seconds
     */
    record PhaseSpan(String label, double start, double end) {
    }
}
