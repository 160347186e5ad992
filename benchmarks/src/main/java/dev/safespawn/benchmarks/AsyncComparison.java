package dev.safespawn.benchmarks;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous I/O against NuProcess 3.0.0 and {@code ProcessBuilder} with a
 * thread per stream, in one JVM and in rotating order within each round, so
 * all three share the moment and the machine's mood: every child is
 * {@code cat} echoing what it is sent. Two scenarios: throughput (one child,
 * {@code BYTES} through stdin and back) and fan-out ({@code CHILDREN}
 * children at once, 64 KiB each). Prints each side's median time and the
 * median of the per-round ratios (safespawn / peer; below 1.00 safespawn is
 * faster), and the peak number of threads each side added.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.AsyncComparison [ROUNDS] [MIB] [CHILDREN]
 * </pre>
 */
public final class AsyncComparison {
    private static final int CHUNK = 64 * 1024;

    private AsyncComparison() {
    }

    /**
     * Runs both scenarios and prints the results.
     *
     * @param args optional: rounds (default 10), MiB for throughput (default 256), children for fan-out (default 500)
     * @throws Exception if a child fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 256) << 20;
        int children = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (Spawner spawner = Spawner.create()) {
            Side[] sides = {
                new Side("safespawn spawnAsync", n -> safespawn(spawner, n)),
                new Side("NuProcess 3.0.0", AsyncComparison::nuProcess),
                new Side("ProcessBuilder + threads", AsyncComparison::processBuilder),
            };
            System.out.printf("strategy %s; %d rounds; throughput %d MiB through one cat; fan-out %d cats x 64 KiB%n",
                    spawner.strategyFor(Command.of("cat")).orElse("?"), rounds, bytes >> 20, children);
            measure("throughput", sides, rounds, () -> new long[] {bytes});
            measure("fan-out", sides, rounds, () -> fanOut(children));
        }
    }

    private static long[] fanOut(int children) {
        long[] sizes = new long[children];
        Arrays.fill(sizes, CHUNK);
        return sizes;
    }

    private static void measure(String scenario, Side[] sides, int rounds, Sizes sizes) throws Exception {
        long[][] nanos = new long[sides.length][rounds];
        int[] threads = new int[sides.length];
        for (int r = -2; r < rounds; r++) { // two rounds of warm-up
            for (int k = 0; k < sides.length; k++) {
                int s = Math.floorMod(r + k, sides.length);
                int before = Thread.activeCount();
                long start = System.nanoTime();
                int peak = sides[s].run.echo(sizes.get());
                long took = System.nanoTime() - start;
                if (r >= 0) {
                    nanos[s][r] = took;
                    threads[s] = Math.max(threads[s], peak - before);
                }
            }
        }
        System.out.println(scenario + ":");
        for (int s = 0; s < sides.length; s++) {
            long[] sorted = nanos[s].clone();
            Arrays.sort(sorted);
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = (double) nanos[0][r] / nanos[s][r];
            }
            Arrays.sort(ratio);
            System.out.printf("  %-26s median %8.1f ms, threads added %4d, safespawn/this %.3f (min %.3f, max %.3f)%n",
                    sides[s].name, sorted[rounds / 2] / 1e6, threads[s], ratio[rounds / 2], ratio[0],
                    ratio[rounds - 1]);
        }
    }

    /** Echoes {@code sizes[i]} bytes through child i, all at once; returns the peak thread count seen. */
    private interface Echo {
        int echo(long[] sizes) throws Exception;
    }

    private interface Sizes {
        long[] get();
    }

    private record Side(String name, Echo run) {
    }

    private static int safespawn(Spawner spawner, long[] sizes) throws Exception {
        List<CompletableFuture<?>> done = new ArrayList<>();
        int peak = 0;
        for (long size : sizes) {
            SafespawnEcho h = new SafespawnEcho(size);
            done.add(spawner.spawnAsync(Command.of("cat"), h).completion());
            peak = Math.max(peak, Thread.activeCount());
        }
        for (CompletableFuture<?> f : done) {
            f.get();
        }
        return Math.max(peak, Thread.activeCount());
    }

    /**
     * One child's side of the echo, whatever library drives it: what is left
     * to send (from one shared chunk of zeros) and what came back.
     */
    private static final class EchoBytes {
        private static final ByteBuffer DATA = ByteBuffer.allocateDirect(CHUNK);
        private final long size;
        private long toSend;
        volatile long received;

        EchoBytes(long size) {
            this.size = size;
            this.toSend = size;
        }

        /** Fills and flips {@code buffer}; returns whether more is left to send after it. */
        boolean fill(ByteBuffer buffer) {
            int n = (int) Math.min(toSend, buffer.remaining());
            buffer.put(DATA.duplicate().limit(n)).flip();
            toSend -= n;
            return toSend > 0;
        }

        /** Counts and consumes what came back. */
        void take(ByteBuffer buffer) {
            received += buffer.remaining();
            buffer.position(buffer.limit());
        }

        void check(String who) {
            if (received != size) {
                throw new IllegalStateException(who + " echoed " + received + " of " + size + " bytes");
            }
        }
    }

    /** safespawn's handler for the echo. */
    private static final class SafespawnEcho implements ChildHandler {
        private final EchoBytes bytes;
        private AsyncChild child;

        SafespawnEcho(long size) {
            this.bytes = new EchoBytes(size);
        }

        @Override
        public void onStart(AsyncChild child) {
            this.child = child;
            child.wantWrite();
        }

        @Override
        public boolean onStdinReady(ByteBuffer buffer) {
            boolean more = bytes.fill(buffer);
            if (!more) {
                child.closeStdin(false);
            }
            return more;
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            bytes.take(buffer);
        }

        @Override
        public void onExit(dev.safespawn.ExitStatus status) {
            bytes.check("safespawn");
        }
    }

    private static int nuProcess(long[] sizes) throws Exception {
        List<NuProcess> started = new ArrayList<>();
        List<NuEcho> handlers = new ArrayList<>();
        int peak = 0;
        for (long size : sizes) {
            NuEcho h = new NuEcho(size);
            NuProcessBuilder b = new NuProcessBuilder(List.of("cat"));
            b.setProcessListener(h);
            NuProcess p = b.start();
            if (p == null) {
                throw new IllegalStateException("NuProcess could not start cat");
            }
            p.wantWrite();
            started.add(p);
            handlers.add(h);
            peak = Math.max(peak, Thread.activeCount());
        }
        for (int i = 0; i < started.size(); i++) {
            started.get(i).waitFor(0, TimeUnit.SECONDS);
            handlers.get(i).bytes.check("NuProcess");
        }
        return Math.max(peak, Thread.activeCount());
    }

    /** NuProcess's handler for the same echo. */
    private static final class NuEcho extends NuAbstractProcessHandler {
        private final EchoBytes bytes;
        private NuProcess process;

        NuEcho(long size) {
            this.bytes = new EchoBytes(size);
        }

        @Override
        public void onStart(NuProcess nuProcess) {
            process = nuProcess;
        }

        @Override
        public boolean onStdinReady(ByteBuffer buffer) {
            boolean more = bytes.fill(buffer);
            if (!more) {
                process.closeStdin(false);
            }
            return more;
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            bytes.take(buffer);
        }
    }

    private static int processBuilder(long[] sizes) throws Exception {
        List<Process> started = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] received = new long[sizes.length];
        int peak = 0;
        for (int i = 0; i < sizes.length; i++) {
            Process p = new ProcessBuilder("cat").start();
            long size = sizes[i];
            int index = i;
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[CHUNK];
                try (OutputStream out = p.getOutputStream()) {
                    for (long left = size; left > 0; left -= CHUNK) {
                        out.write(chunk, 0, (int) Math.min(left, CHUNK));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread reader = new Thread(() -> {
                byte[] chunk = new byte[CHUNK];
                try (InputStream in = p.getInputStream()) {
                    int n;
                    while ((n = in.read(chunk)) >= 0) {
                        received[index] += n;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            reader.start();
            threads.add(writer);
            threads.add(reader);
            started.add(p);
            peak = Math.max(peak, Thread.activeCount());
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < sizes.length; i++) {
            started.get(i).waitFor();
            if (received[i] != sizes[i]) {
                throw new IllegalStateException("ProcessBuilder echoed " + received[i] + " of " + sizes[i]);
            }
        }
        return peak;
    }
}
