package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Command.StreamEnd;
import dev.safespawn.Feature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a child's streams end ({@link Command.StreamEnd}): by default at the
 * child's exit, as {@link ProcessBuilder}'s do, even while a grandchild holds
 * the pipes; with {@link StreamEnd#LAST_WRITER} only when the grandchild lets
 * go too.
 *
 * <p>A grandchild that would outlive the test is a {@code sleep} whose pid
 * the child prints, killed by that pid in a {@code finally}; or a {@code cat}
 * reading the child's stdin, which ends when the test closes that stdin.
 * The hang these tests catch would last as long as the grandchild, so the
 * {@link Timeout}s are shorter than its {@code sleep} and run the test in a
 * thread of its own, which they abandon. Each test is a JUnit {@code @Test}
 * run through {@link ChildContractSuite}; threading and nulls are as
 * {@link StrategyUnderTest} says.
 */
public interface StreamEndContract extends StrategyUnderTest {

    /** How long the background grandchild sleeps: well past every {@link Timeout} here. */
    String GRANDCHILD_SECONDS = "120";

    /**
     * A child that leaves a background grandchild holding its stdout and
     * stderr: once the child has exited its output is read to the end, which
     * comes at once, not when the grandchild exits.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    default void outputEndsAtTheExitThoughABackgroundGrandchildHoldsThePipe() throws Exception {
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                "sleep " + GRANDCHILD_SECONDS + " & echo $!; echo started").build());
        long grandchild = readPid(child.getInputStream());
        try {
            assertThat(child.waitFor()).isZero();

            assertThat(new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("started\n");
            assertThat(child.getErrorStream().readAllBytes()).isEmpty();
            assertThat(child.getInputStream().read()).as("read again after the end").isEqualTo(-1);
        } finally {
            killByPid(grandchild);
            child.close();
        }
    }

    /**
     * A thread already reading stdout when the child exits gets what the
     * child wrote last and then the end of the stream, though a background
     * grandchild still holds the pipe. Needs {@code ASYNC_CLOSE}: without it
     * (ProcessBuilder's streams) the blocked read waits for the grandchild.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    default void aReaderBlockedAtTheExitReadsTheRestThenTheEnd() throws Exception {
        require(Feature.ASYNC_CLOSE);
        // The shell waits for a line on stdin, says it back and exits.
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c",
                "sleep " + GRANDCHILD_SECONDS + " & echo $!; read line; echo \"$line\"").build());
        InputStream out = child.getInputStream();
        long grandchild = readPid(out);
        try {
            CompletableFuture<byte[]> rest = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    rest.complete(out.readAllBytes());
                } catch (Throwable t) {
                    rest.completeExceptionally(t);
                }
            }, "stream-end-reader");
            reader.setDaemon(true);
            reader.start();
            awaitInsideRead(reader, out);

            try (OutputStream in = child.getOutputStream()) {
                in.write("last words\n".getBytes(StandardCharsets.US_ASCII));
            }

            assertThat(child.waitFor()).isZero();
            assertThat(new String(rest.get(20, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                    .isEqualTo("last words\n");
        } finally {
            killByPid(grandchild);
            child.close();
        }
    }

    /**
     * With {@link StreamEnd#LAST_WRITER} stdout stays open after the child's
     * exit while a grandchild holds it: what the grandchild (a {@code cat}
     * of the child's stdin, which stays open too) writes after the exit
     * arrives, and the stream ends once the grandchild exits. Needs
     * {@code STREAMS_OUTLIVE_CHILD}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    default void withLastWriterAStreamCarriesWhatAGrandchildWritesAfterTheExit() throws Exception {
        require(Feature.STREAMS_OUTLIVE_CHILD);
        try (ChildProcess child = spawner().spawn(catGrandchild().streamEnd(StreamEnd.LAST_WRITER).build())) {
            InputStream out = child.getInputStream();
            assertThat(readLine(out)).isEqualTo("started");
            assertThat(child.waitFor()).isZero();

            OutputStream in = child.getOutputStream();
            in.write("after the exit\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(out)).as("written by the grandchild after the child's exit")
                    .isEqualTo("after the exit");

            in.close(); // the grandchild reads the end of its input and exits: no writer is left
            assertThat(out.read()).isEqualTo(-1);
        }
    }

    /**
     * With {@link StreamEnd#LAST_WRITER}, closing stdout still wakes a thread
     * blocked reading it after the child's exit while a grandchild holds the
     * pipe: the only way out of such a read short of the grandchild's exit.
     * Needs {@code STREAMS_OUTLIVE_CHILD} and {@code ASYNC_CLOSE}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    default void withLastWriterCloseWakesAReaderBlockedAfterTheExit() throws Exception {
        require(Feature.STREAMS_OUTLIVE_CHILD);
        require(Feature.ASYNC_CLOSE);
        try (ChildProcess child = spawner().spawn(catGrandchild().streamEnd(StreamEnd.LAST_WRITER).build())) {
            InputStream out = child.getInputStream();
            assertThat(readLine(out)).isEqualTo("started");
            assertThat(child.waitFor()).isZero();
            CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.read(); // blocks: the grandchild holds the pipe and writes nothing
                } catch (IOException e) {
                    return e;
                }
            });

            out.close();

            assertThat(reader.get(20, TimeUnit.SECONDS)).as("what the blocked read returned").satisfiesAnyOf(
                    r -> assertThat(r).isEqualTo(-1), r -> assertThat(r).isInstanceOf(IOException.class));
        } // close() closes stdin: the grandchild exits
    }

    /** Spawns in the EMFILE loop: with 64 spare descriptors and three per leaked child, about 21 leaks exhaust them. */
    int SPAWNS_UNDER_LOW_LIMIT = 250;

    /**
     * {@value #SPAWNS_UNDER_LOW_LIMIT} children (as {@link #loadSpawns} scales
     * the number) spawned and waited for, their streams never touched and
     * every one of them kept reachable (so no garbage collector can close
     * anything), run under a soft descriptor limit only 64 above what the JVM
     * holds: the descriptors of each are released when it is reaped, so no
     * spawn fails with {@code EMFILE}, and afterwards the JVM holds what it
     * held before.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    default void manySpawnsWaitedForHoldNoDescriptorsUnderALowLimit() throws Exception {
        Command exit0 = probe("exit", "0").build();
        run(exit0); // warm up the strategy's long-lived state
        long[] limit = new long[2];
        // Before the snapshot: the first native call may open libffi's trampoline file, and keep it.
        Libc.getrlimit(Libc.RLIMIT_NOFILE, limit);
        Set<String> before = ParentState.openFds();
        int spawns = loadSpawns(SPAWNS_UNDER_LOW_LIMIT);
        List<ChildProcess> kept = new ArrayList<>(spawns);
        long soft = limit[0];
        long lowered = openDescriptorCount() + 64;
        skipUnless(soft < 0 || soft > lowered, "the soft RLIMIT_NOFILE is already " + soft
                + ", not above the " + lowered + " this test lowers it to");
        try {
            Libc.setrlimit(Libc.RLIMIT_NOFILE, new long[] {lowered, limit[1]});
            for (int i = 0; i < spawns; i++) {
                ChildProcess child = spawner().spawn(exit0);
                kept.add(child);
                assertThat(child.waitFor()).as("exit value of child %d", i).isZero();
            }
        } finally {
            Libc.setrlimit(Libc.RLIMIT_NOFILE, limit);
        }
        // The jdk strategy drains and closes a child's pipes just after waitFor() returns (the
        // JDK wakes waiters first): the last child's may still be open here, so they are closed.
        ChildProcess last = kept.get(kept.size() - 1);
        last.getOutputStream().close();
        last.getInputStream().close();
        last.getErrorStream().close();
        Set<String> left = new TreeSet<>(ParentState.openFds());
        left.removeAll(before);
        assertThat(left).as("descriptors opened during the loop and still open%s", ParentState.describe(left))
                .isEmpty();
    }

    /**
     * A shell that starts a {@code cat} of its own stdin in the background and
     * says "started". The copy to descriptor 3 keeps the shell from giving
     * its background job {@code /dev/null} as stdin, as a shell without job
     * control does.
     *
     * @return a builder for that shell, every other setting at its default
     */
    private static Command.Builder catGrandchild() {
        return Command.builder("/bin/sh", "-c", "exec 3<&0; cat <&3 & echo started");
    }

    /**
     * Reads one line, a byte at a time so that nothing after it is consumed.
     *
     * @param in the stream
     * @return the line without its newline
     * @throws IOException if reading fails or the stream ends first
     */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the stream ended after \"" + line + "\"");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the pid the child printed on its first line.
     *
     * @param in the child's stdout
     * @return the pid
     * @throws IOException if reading fails or the stream ends first
     */
    private static long readPid(InputStream in) throws IOException {
        return Long.parseLong(readLine(in));
    }

    /**
     * Kills the grandchild this test started, by the pid its parent printed.
     *
     * @param pid the pid
     */
    private static void killByPid(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * Waits until {@code reader} is inside a read of {@code in}: then a child's
     * exit finds the stream in use (when the read has not blocked yet, it
     * holds the stream all the same). Bounded by the test's timeout.
     *
     * @param reader the thread reading
     * @param in the stream it reads
     */
    private static void awaitInsideRead(Thread reader, InputStream in) {
        String streamClass = in.getClass().getName();
        while (Arrays.stream(reader.getStackTrace()).noneMatch(f -> f.getClassName().equals(streamClass))) {
            assertThat(reader.isAlive()).as("the reader still reads").isTrue();
            Thread.yield();
        }
    }

    /**
     * How many descriptors this process has open now.
     *
     * @return the count, the listing's own included
     * @throws IOException if {@code /proc/self/fd} cannot be listed
     */
    private static long openDescriptorCount() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
