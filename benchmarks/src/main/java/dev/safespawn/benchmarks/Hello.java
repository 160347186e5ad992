package dev.safespawn.benchmarks;

/**
 * The least a JVM can be started for: PoolColdStart's bare-JVM side, started
 * with the worker JVM's options, so {@code Subprocess.call} is compared with
 * a JVM that starts, runs one line and exits.
 */
public final class Hello {
    private Hello() {
    }

    /**
     * Prints one line.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
