package dev.safespawn.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Apache Commons Exec's {@link DefaultExecutor}: synchronous {@code execute}
 * for one child at a time, and the asynchronous form (an executor thread per
 * child) for many at once. Its {@link PumpStreamHandler} copies the child's
 * output on threads of its own and closes the process streams when the child
 * ends; output here goes nowhere, since only launching is measured.
 */
final class CommonsExecLauncher implements Launcher {
    private final DefaultExecutor sync = DefaultExecutor.builder()
            .setExecuteStreamHandler(
                    new PumpStreamHandler(OutputStream.nullOutputStream(), OutputStream.nullOutputStream()))
            .get();

    CommonsExecLauncher() {
        sync.setExitValues(null); // report every exit code rather than throw on non-zero
    }

    private static CommandLine commandLine(String... argv) {
        CommandLine line = new CommandLine(argv[0]);
        for (int i = 1; i < argv.length; i++) {
            line.addArgument(argv[i], false);
        }
        return line;
    }

    @Override
    public int run(String... argv) throws Exception {
        return sync.execute(commandLine(argv));
    }

    @Override
    public Running start(String... argv) throws Exception {
        // The child's stdin is pumped from this gate, which reports end of file once
        // opened; the pump then closes the child's stdin. The executor must be one per
        // child: the asynchronous execute reads its stream handler on its own thread.
        Gate gate = new Gate();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(
                        OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), gate))
                .get();
        executor.setExitValues(null);
        DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
        executor.execute(commandLine(argv), result);
        return new Running() {
            @Override
            public void closeStdin() {
                gate.open.countDown();
            }

            @Override
            public int waitFor() throws Exception {
                result.waitFor();
                if (result.getException() != null) {
                    throw result.getException();
                }
                return result.getExitValue();
            }
        };
    }

    @Override
    public long drainStdout(String... argv) throws Exception {
        Streams.Counting counter = new Streams.Counting();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(counter, OutputStream.nullOutputStream()))
                .get();
        executor.setExitValues(null);
        executor.execute(commandLine(argv)); // returns after the pumps have finished
        return counter.count();
    }

    @Override
    public void close() {
        // no resources beyond each child's own threads, which end with it
    }

    /** An empty input that blocks until opened, then reports end of file. */
    private static final class Gate extends InputStream {
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public int read() throws java.io.IOException {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted before the gate opened");
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            return len == 0 ? 0 : read();
        }
    }
}
