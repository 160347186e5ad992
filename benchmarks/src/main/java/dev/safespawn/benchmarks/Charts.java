package dev.safespawn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler;

/**
 * Draws the report's plots with XChart, as PNG files in the results
 * directory; returns the file names it wrote so the report links only those.
 * Latency bars are medians, with the 10th and 90th percentiles as markers:
 * the spread is part of the result.
 */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private final Path dir;
    private final List<String> written = new ArrayList<>();

    Charts(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    List<String> drawAll(Results r) throws IOException {
        spawn(r);
        heap(r);
        concurrent(r);
        stdout(r);
        pool(r);
        failure(r);
        return written;
    }

    private void spawn(Results r) throws IOException {
        Map<LauncherKind, Stats> base = r.spawn.get(0);
        if (base == null || base.isEmpty()) {
            return;
        }
        Map<String, Stats> bars = new LinkedHashMap<>();
        if (r.floorSummary(false) != null) {
            bars.put("C floor", r.floorSummary(false));
            bars.put("C floor, pipes", r.floorSummary(true));
        }
        base.forEach((k, s) -> bars.put(k.label(), s));
        save(spread("Spawn and wait for /bin/true (median; markers: p10, p90)", "latency (µs)", bars),
                "spawn_latency.png");
    }

    private void heap(Results r) throws IOException {
        if (r.spawn.size() < 2) {
            return;
        }
        CategoryChart chart = chart("Spawn and wait for /bin/true vs touched heap (median)", "touched heap",
                "latency (µs, log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line); // bars cannot sit on a log axis
        chart.getStyler().setOverlapped(true); // every launcher's point right above its heap size
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setXAxisLabelRotation(0);
        List<String> heaps = r.spawn.keySet().stream().map(Report::heapLabel).toList();
        for (LauncherKind k : LauncherKind.values()) {
            List<Double> medians = new ArrayList<>();
            for (Map<LauncherKind, Stats> byLauncher : r.spawn.values()) {
                Stats s = byLauncher.get(k);
                medians.add(s == null ? Double.NaN : s.p50());
            }
            if (medians.stream().noneMatch(d -> d.isNaN())) {
                chart.addSeries(k.label(), heaps, medians);
            }
        }
        save(chart, "spawn_vs_heap.png");
    }

    private void concurrent(Results r) throws IOException {
        if (r.concurrent.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        List<Number> start = new ArrayList<>();
        List<Number> reap = new ArrayList<>();
        List<Number> threads = new ArrayList<>();
        r.concurrent.forEach((k, c) -> {
            names.add(k.label());
            start.add(Results.Concurrent.median(c.startMs()));
            reap.add(Results.Concurrent.median(c.reapMs()));
            threads.add(c.peakThreads());
        });
        int n = r.profile.children();
        CategoryChart wall = chart(n + " concurrent children: wall time (median round)", "", "ms");
        wall.getStyler().setStacked(true);
        wall.addSeries("start all", names, start);
        wall.addSeries("close stdin, reap all", names, reap);
        save(wall, "concurrent_wall.png");

        CategoryChart peak = chart(n + " concurrent children: peak live threads in the parent JVM", "", "threads");
        peak.getStyler().setLegendVisible(false);
        peak.getStyler().setLabelsVisible(true); // a bar of 2 next to one of thousands needs its number
        peak.addSeries("peak live threads", names, threads);
        save(peak, "concurrent_threads.png");
    }

    private void stdout(Results r) throws IOException {
        if (r.stdout.isEmpty()) {
            return;
        }
        Map<String, Stats> bars = new LinkedHashMap<>();
        r.stdout.forEach((k, s) -> bars.put(k.label(), Report.mibPerSecond(s, r.profile.stdoutBytes())));
        save(spread("Reading " + Report.bytesLabel(r.profile.stdoutBytes()) + " from a child's stdout",
                "MiB/s", bars), "stdout_throughput.png");
    }

    private void pool(Results r) throws IOException {
        Map<String, Stats> trip = new LinkedHashMap<>();
        if (r.poolRoundTrip != null) {
            trip.put("safespawn ProcessPool", r.poolRoundTrip);
        }
        if (r.python.containsKey("ppe")) {
            trip.put("Python ProcessPoolExecutor", r.python.get("ppe"));
        }
        if (!trip.isEmpty()) {
            save(spread("Warm round trip of a trivial task (median; markers: p10, p90)", "µs", trip),
                    "pool_round_trip.png");
        }
        Map<String, Stats> start = new LinkedHashMap<>();
        if (r.subprocessCall != null) {
            start.put("Subprocess.call (fresh JVM)", r.subprocessCall);
        }
        for (String method : List.of("spawn", "forkserver", "fork")) {
            Stats s = r.python.get("mp_" + method);
            if (s != null) {
                start.put("Python multiprocessing, " + method, s);
            }
        }
        if (!start.isEmpty()) {
            save(spread("One task in a new process: start, run, finish (median; markers: p10, p90)",
                    "µs", start), "process_start.png");
        }
    }

    private void failure(Results r) throws IOException {
        if (r.failure.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        List<Number> rates = new ArrayList<>();
        r.failure.forEach((k, f) -> {
            names.add(k.label());
            rates.add(f.perSecond());
        });
        CategoryChart chart = chart("Failed starts of a missing program per second", "", "failures/s");
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.addSeries("failures/s", names, rates);
        save(chart, "failure_rate.png");
    }

    /** Bars of medians with p10 and p90 markers on top. */
    private static CategoryChart spread(String title, String yTitle, Map<String, Stats> bars) {
        CategoryChart chart = chart(title, "", yTitle);
        chart.getStyler().setOverlapped(true);
        List<String> names = new ArrayList<>(bars.keySet());
        chart.addSeries("median", names, bars.values().stream().map(Stats::p50).toList());
        chart.addSeries("p10", names, bars.values().stream().map(Stats::p10).toList())
                .setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        chart.addSeries("p90", names, bars.values().stream().map(Stats::p90).toList())
                .setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        return chart;
    }

    private static CategoryChart chart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setMarkerSize(10);
        chart.getStyler().setDecimalPattern("#,##0.#");
        return chart;
    }

    private void save(CategoryChart chart, String file) throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        written.add(file);
    }
}
