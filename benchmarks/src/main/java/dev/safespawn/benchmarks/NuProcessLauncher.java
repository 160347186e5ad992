package dev.safespawn.benchmarks;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * NuProcess: pipes served by its own epoll threads and a handler per child.
 * NuProcess owns the child's pipe descriptors and closes them itself when the
 * child exits; {@code waitFor(0, ...)} waits without a limit.
 */
final class NuProcessLauncher implements Launcher {

    private static NuProcess start(NuAbstractProcessHandler handler, String... argv) throws IOException {
        NuProcessBuilder builder = new NuProcessBuilder(List.of(argv));
        builder.setProcessListener(handler);
        NuProcess p = builder.start();
        if (p == null) {
            // NuProcess reports a failed start to the handler (exit code Integer.MIN_VALUE) and returns null.
            throw new IOException("NuProcess could not start " + argv[0]);
        }
        return p;
    }

    @Override
    public int run(String... argv) throws Exception {
        NuProcess p = start(new NuAbstractProcessHandler() { }, argv);
        p.closeStdin(true);
        return p.waitFor(0, TimeUnit.SECONDS);
    }

    @Override
    public Running start(String... argv) throws Exception {
        NuProcess p = start(new NuAbstractProcessHandler() { }, argv);
        return new Running() {
            @Override
            public void closeStdin() {
                p.closeStdin(true);
            }

            @Override
            public int waitFor() throws Exception {
                return p.waitFor(0, TimeUnit.SECONDS);
            }
        };
    }

    @Override
    public long drainStdout(String... argv) throws Exception {
        CountingHandler handler = new CountingHandler();
        NuProcess p = start(handler, argv);
        p.closeStdin(true);
        p.waitFor(0, TimeUnit.SECONDS);
        return handler.count;
    }

    @Override
    public void close() {
        // NuProcess's threads are global and daemon
    }

    /** Counts stdout bytes on NuProcess's thread; read after waitFor, which happens after onExit. */
    private static final class CountingHandler extends NuAbstractProcessHandler {
        volatile long count;

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            count += buffer.remaining();
            buffer.position(buffer.limit()); // consumed
        }
    }
}
