package dev.safespawn.examples;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code seq 1 1000 | grep 7 | wc -l}, wired the way a shell wires it: two
 * kernel pipes whose ends are handed to the children with
 * {@link Command.Builder#passFd(int, int)}, so the data flows from child to
 * child without passing through the JVM.
 *
 * <p>Prints one line: {@code Pipeline: seq 1 1000 | grep 7 | wc -l = 271 ...}.
 */
public final class Pipeline {
    private Pipeline() {
    }

    /** A kernel pipe held by the parent only until the children have their copies. */
    private static final class KernelPipe implements AutoCloseable {
        final int readFd;
        final int writeFd;

        private KernelPipe(int[] fds) {
            this.readFd = fds[0];
            this.writeFd = fds[1];
        }

        static KernelPipe open() {
            int[] fds = new int[2];
            // O_CLOEXEC from birth: only passFd may hand these on, never a spawn by some other thread.
            Posix.pipe2(fds, Posix.O_CLOEXEC);
            return new KernelPipe(fds);
        }

        @Override
        public void close() {
            Posix.closeQuietly(readFd);
            Posix.closeQuietly(writeFd);
        }
    }

    /** Runs the pipeline and prints the count. */
    public static void main(String[] args) throws Exception {
        try (Spawner spawner = Spawner.create()) {
            List<ChildProcess> stages = start(spawner);
            ChildProcess wc = stages.get(stages.size() - 1);
            String count;
            try (var out = wc.getInputStream()) {
                count = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            for (ChildProcess child : stages) {
                child.waitFor();
                if (!child.exitStatus().exited() || child.exitStatus().code() != 0) {
                    throw new IOException("pipeline stage pid " + child.pid() + " " + child.exitStatus());
                }
            }
            System.out.println("Pipeline: seq 1 1000 | grep 7 | wc -l = " + count
                    + " (3 children joined by 2 kernel pipes passed with passFd, strategy "
                    + spawner.strategyName() + ")");
        }
    }

    /**
     * Starts the three stages. The parent's copies of the pipes are closed on
     * return, and must be: while the parent holds a write end, the reader at
     * the other end never sees end of file.
     */
    private static List<ChildProcess> start(Spawner spawner) throws IOException {
        // tag::pipes-by-hand[]
        try (KernelPipe numbers = KernelPipe.open(); KernelPipe matches = KernelPipe.open()) {
            ChildProcess seq = spawner.spawn(Command.builder("seq", "1", "1000")
                    .stdin(Redirect.DISCARD).passFd(numbers.writeFd, 1).stderr(Redirect.INHERIT).build());
            ChildProcess grep = spawner.spawn(Command.builder("grep", "7")
                    .passFd(numbers.readFd, 0).passFd(matches.writeFd, 1).stderr(Redirect.INHERIT).build());
            ChildProcess wc = spawner.spawn(Command.builder("wc", "-l")
                    .passFd(matches.readFd, 0).stderr(Redirect.INHERIT).build());
            return List.of(seq, grep, wc);
        }
        // end::pipes-by-hand[]
    }
}
