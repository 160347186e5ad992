package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import dev.safespawn.DescriptorAudit;
import dev.safespawn.ExitStatus;
import dev.safespawn.OpenDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The wake-up pipe demo seen through {@link DescriptorAudit}, the audit
 * {@code safespawn doctor --fds} prints: before, the CLI's own audit lists
 * the pipe's ends as inheritable; after, a child each launcher starts is
 * audited while it waits, and holds the pipe or not.
 *
 * <p>The child waits on a FIFO so that it is audited at a known point,
 * without sleeping: opening a FIFO blocks until its other end is opened. The
 * child opens it to write, which the CLI's open to read waits for, and closes
 * it, which the CLI sees as end of file: the child is running its shell, past
 * {@code exec}. It then opens it to read, which waits until the CLI, done
 * auditing, opens it to write and lets it go.
 */
final class PipeAudit {
    /** Built-ins only, so the process audited is the shell itself; {@code $1} is the FIFO. */
    static final String SCRIPT = ": >\"$1\"; : <\"$1\"";

    private PipeAudit() {
    }

    /**
     * The ends of {@code pipe} as the CLI's own audit lists them.
     *
     * @throws IOException if the audit fails, or finds neither end
     */
    static List<OpenDescriptor> ends(LeakyPipe pipe) throws IOException {
        List<OpenDescriptor> ends = DescriptorAudit.ofCurrentProcess().descriptors().stream()
                .filter(d -> pipe.holds(d.number())).toList();
        if (ends.isEmpty()) {
            throw new IOException("the audit of this JVM does not list the pipe's fds " + pipe.readFd() + ", "
                    + pipe.writeFd());
        }
        return ends;
    }

    /**
     * Starts one child with {@code launcher}, audits it while it waits, and
     * returns the numbers under which it holds the pipe {@code pipeTarget}
     * (as {@code pipe:[INODE]}): empty when it does not have it.
     *
     * @throws IOException if the child cannot be started or audited, or
     *         ends other than by exiting 0
     */
    static List<Integer> heldBy(DemoLauncher launcher, String pipeTarget) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("safespawn-demo-");
        Path fifo = dir.resolve("wait");
        try {
            try {
                Libc.mkfifo(fifo.toString(), 0600);
            } catch (LastErrorException e) {
                throw new IOException("mkfifo " + fifo + ": " + Libc.describe(e.getErrorCode()), e);
            }
            AtomicReference<List<Integer>> held = new AtomicReference<>();
            ExitStatus status = launcher.launchVisitAndReap(List.of("/bin/sh", "-c", SCRIPT, "audited-child",
                    fifo.toString()), pid -> held.set(auditWhileItWaits(pid, fifo, pipeTarget)));
            if (!status.exited() || status.code() != 0) {
                throw new IOException("the audited child ended with " + status);
            }
            return held.get();
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    private static List<Integer> auditWhileItWaits(long pid, Path fifo, String pipeTarget) throws IOException {
        try (FileInputStream running = new FileInputStream(fifo.toFile())) {
            // Not readAllBytes: JDK 17's asks a FIFO for its position and fails with ESPIPE.
            while (running.read() != -1) {
                // The child writes nothing; end of file says it closed its end and is about to wait.
            }
        }
        List<Integer> held = DescriptorAudit.of(pid).descriptors().stream()
                .filter(d -> d.target().equals(pipeTarget)).map(OpenDescriptor::number).toList();
        new FileOutputStream(fifo.toFile()).close(); // lets the child go
        return held;
    }
}
