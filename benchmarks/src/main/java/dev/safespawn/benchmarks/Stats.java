package dev.safespawn.benchmarks;

import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * A distribution summarised for the report: percentiles, mean, JMH's 99.9 %
 * confidence half-width where there is one (NaN otherwise), and how many
 * samples it rests on. Values are in {@link #unit}.
 */
record Stats(double p10, double p50, double p90, double mean, double error, long n, String unit) {

    /** The primary result of a JMH run: per-invocation samples (SampleTime) or per-iteration scores. */
    static Stats of(RunResult run) {
        Statistics s = run.getPrimaryResult().getStatistics();
        return new Stats(s.getPercentile(10), s.getPercentile(50), s.getPercentile(90), s.getMean(),
                run.getPrimaryResult().getScoreError(), s.getN(), run.getPrimaryResult().getScoreUnit());
    }

    /**
     * From key=value pairs written by a helper program, in nanoseconds, as
     * {@code prefix.p10} and so on; converted to microseconds.
     */
    static Stats fromNanos(Map<String, String> values, String prefix) {
        return new Stats(micros(values, prefix + "p10"), micros(values, prefix + "p50"), micros(values, prefix + "p90"),
                micros(values, prefix + "mean"), Double.NaN, Long.parseLong(values.get(prefix + "iterations")), "us/op");
    }

    private static double micros(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key + " in " + values);
        }
        return Double.parseDouble(v) / 1000.0;
    }

    /** This distribution with every value multiplied by {@code factor} (for unit changes). */
    Stats scaled(double factor, String newUnit) {
        return new Stats(p10 * factor, p50 * factor, p90 * factor, mean * factor, error * factor, n, newUnit);
    }
}
