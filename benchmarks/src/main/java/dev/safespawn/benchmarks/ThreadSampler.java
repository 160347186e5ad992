package dev.safespawn.benchmarks;

import java.util.Map;
import java.util.TreeMap;

/**
 * Watches this JVM's live threads every few milliseconds, because the JDK keeps
 * a peak only of the total: this also records the peak of safespawn's own
 * threads (named {@code safespawn-*}) and, at the moment of the overall
 * peak, how many threads of each kind (name with digits folded) were alive
 * beyond those alive when the sampler was created (so create it first thing:
 * threads a launcher starts and keeps count as added). The sampler is a
 * thread too, and part of that baseline.
 */
final class ThreadSampler implements AutoCloseable {
    static final String LIBRARY_PREFIX = "safespawn-";
    private static final long PERIOD_MILLIS = 2;

    private final Thread thread;
    private volatile boolean running = true;
    private int peakLibrary; // guarded by this
    private String libraryAtPeak = "none"; // guarded by this
    private int peakTotal; // guarded by this
    private Map<String, Integer> kindsAtPeak = Map.of(); // guarded by this
    private Map<String, Integer> baselineKinds; // guarded by this

    ThreadSampler() {
        thread = new Thread(this::loop, "bench-thread-sampler");
        thread.setDaemon(true);
        thread.start();
        baselineKinds = kinds(live());
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes one sample now; also called by the scenario at its own key moments. */
    void sample() {
        Thread[] all = live();
        java.util.List<String> library = new java.util.ArrayList<>();
        for (Thread t : all) {
            if (t.getName().startsWith(LIBRARY_PREFIX)) {
                library.add(t.getName());
            }
        }
        synchronized (this) {
            if (library.size() > peakLibrary) {
                peakLibrary = library.size();
                library.sort(null);
                libraryAtPeak = String.join(", ", library);
            }
            if (all.length > peakTotal) {
                peakTotal = all.length;
                kindsAtPeak = kinds(all);
            }
        }
    }

    private static Map<String, Integer> kinds(Thread[] all) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : all) {
            kinds.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return kinds;
    }

    private static Thread[] live() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] buffer = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(buffer, true);
        return java.util.Arrays.copyOf(buffer, n);
    }

    /** Forgets the peaks, starting a new observation. */
    synchronized void reset() {
        peakLibrary = 0;
        libraryAtPeak = "none";
        peakTotal = 0;
        kindsAtPeak = Map.of();
    }

    synchronized int peakLibrary() {
        return peakLibrary;
    }

    /** The names of the library's threads when most of them were alive. */
    synchronized String libraryAtPeak() {
        return libraryAtPeak;
    }

    /**
     * The thread kinds alive when the most threads were, beyond the baseline,
     * as "name×count" by count; digits in names are shown as #.
     */
    synchronized String kindsAtPeak() {
        return kindsAtPeak.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - baselineKinds.getOrDefault(e.getKey(), 0)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey() + " ×" + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("none");
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
