package dev.safespawn.benchmarks;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Spawn and wait of {@code /bin/true} in one JVM, alternating in blocks:
 * bare {@code posix_spawn} + {@code waitpid} through JNA (nothing but the
 * call: no pipes, attributes or file actions), then a launcher. Both sides
 * share the JVM, the moment and the machine's mood, so their ratio isolates
 * what the launcher adds around the system call; the C floor answers a
 * different question (what the JVM itself costs).
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.BareSpawnComparison LAUNCHER [BLOCKS]
 * </pre>
 */
public final class BareSpawnComparison {
    private static final int PER_BLOCK = 400;

    private BareSpawnComparison() {
    }

    /** Just the two calls, direct-mapped. */
    static final class Bare {
        static {
            Native.register(Bare.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr,
                                      StringArray argv, StringArray envp);

        static native int waitpid(int pid, IntByReference status, int options);
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        StringArray argv = new StringArray(new String[] {SpawnBenchmark.TRUE});
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        StringArray envp = new StringArray(env.toArray(new String[0]));
        long[] bare = new long[blocks * PER_BLOCK];
        long[] launcher = new long[blocks * PER_BLOCK];
        try (Launcher l = LauncherKind.byId(args[0]).open()) {
            for (int b = -2; b < blocks; b++) { // two blocks of warm-up
                for (int i = 0; i < PER_BLOCK; i++) {
                    long t = System.nanoTime();
                    IntByReference pid = new IntByReference();
                    if (Bare.posix_spawn(pid, SpawnBenchmark.TRUE, null, null, argv, envp) != 0) {
                        throw new IllegalStateException("posix_spawn failed");
                    }
                    Bare.waitpid(pid.getValue(), new IntByReference(), 0);
                    if (b >= 0) {
                        bare[b * PER_BLOCK + i] = System.nanoTime() - t;
                    }
                }
                for (int i = 0; i < PER_BLOCK; i++) {
                    long t = System.nanoTime();
                    l.run(SpawnBenchmark.TRUE);
                    if (b >= 0) {
                        launcher[b * PER_BLOCK + i] = System.nanoTime() - t;
                    }
                }
            }
        }
        Arrays.sort(bare);
        Arrays.sort(launcher);
        double bareMedian = bare[bare.length / 2] / 1e3;
        double launcherMedian = launcher[launcher.length / 2] / 1e3;
        System.out.printf("bare posix_spawn+waitpid median=%.1f us, %s median=%.1f us, ratio %.2fx%n",
                bareMedian, args[0], launcherMedian, launcherMedian / bareMedian);
    }
}
