package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a child owes the {@link Process} contract beyond exit codes: the
 * argv[0] the caller gave, an honest report of an end nobody could observe,
 * and a {@link ProcessHandle} that keeps the JDK's rules.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface ProcessContract extends StrategyUnderTest {

    /**
     * A program given by a bare name sees that name, not the resolved path, as
     * {@code argv[0]}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void argv0IsTheCallersWordForABareName() throws Exception {
        // sh -c with no further argument sets $0 to the shell's own argv[0].
        Finished f = run(Command.builder("sh", "-c", "echo \"$0\"").build());
        assertThat(f.stdout()).isEqualTo("sh\n");
    }

    /**
     * A program given by an absolute or a relative path sees that path as
     * {@code argv[0]}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void argv0IsTheCallersPathAbsoluteOrRelative() throws Exception {
        Path probe = Probe.path();
        assertThat(run(probe("argv0").build()).stdout()).isEqualTo(probe + "\n");
        String relative = "./" + probe.getFileName();
        Finished f = run(Command.builder(relative, "argv0").directory(probe.getParent()).build());
        assertThat(f.stdout()).as("stderr: %s", f.stderr()).isEqualTo(relative + "\n");
    }

    /**
     * A bare name that only the command's {@code PATH} finds is found there and
     * kept as {@code argv[0]}. Skipped for the {@code jdk} strategy.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void argv0IsTheCallersWordWhenOnlyTheChildsPathFindsIt() throws Exception {
        skipUnless(!spawner().strategyName().equals("jdk"), "ProcessBuilder looks a bare name up in the parent's"
                + " PATH, so when only the command's PATH finds it, the jdk strategy passes the resolved path"
                + " (documented in JdkStrategy)");
        Path probe = Probe.path();
        String name = probe.getFileName().toString();
        Finished f = run(Command.builder(name, "argv0").env("PATH", probe.getParent().toString()).build());
        assertThat(f.stdout()).as("stderr: %s", f.stderr()).isEqualTo(name + "\n");
    }

    /**
     * A child reaped behind the library's back ({@code SIGCHLD} ignored) ends
     * as {@code ExitStatus.lost}, with {@code waitFor} and {@code exitValue}
     * -1, never with an invented code; a child a helper reaps reports its real
     * end.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void aChildReapedOutsideTheLibraryEndsAsLostNeverAsAnInventedCode() throws Exception {
        // The child exits with 7 once its stdin closes. While SIGCHLD is ignored
        // the kernel reaps the JVM's children itself, so their status is gone.
        ChildProcess child = spawner().spawn(Command.builder("/bin/sh", "-c", "read x; exit 7").build());
        boolean jvmIsParent = parentOf(child.pid()) == ProcessHandle.current().pid();
        Pointer previous = Libc.signal(Signal.CHLD, Pointer.createConstant(1)); // SIG_IGN
        try {
            child.getOutputStream().close();
            assertThat(child.onExit().get(60, TimeUnit.SECONDS)).isSameAs(child);
        } finally {
            Libc.signal(Signal.CHLD, previous);
            child.getInputStream().close();
            child.getErrorStream().close();
        }
        ExitStatus status = child.exitStatus();
        if (jvmIsParent) {
            assertThat(status.lost()).as("%s", status).isTrue();
            assertThat(status.lostReason()).isPresent();
            assertThat(status.exited()).isFalse();
            assertThat(child.exitValue()).isEqualTo(-1);
            assertThat(child.waitFor()).isEqualTo(-1);
            assertThat(child.waitFor(1, TimeUnit.SECONDS)).isTrue();
        } else {
            // A helper (the zygote) is the parent and reaps it: its end is known.
            assertThat(status).isEqualTo(ExitStatus.exited(7));
        }
        assertThat(child.isAlive()).isFalse();
        assertThat(ParentState.zombieChildren()).isEmpty();
    }

    /**
     * {@code toHandle()} keeps the {@code ProcessHandle} contract: equality,
     * ordering and hash code, and after reaping it reports nothing about, and
     * never signals, whoever has the pid now.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void toHandleKeepsTheProcessHandleContract() throws Exception {
        ChildProcess child = spawner().spawn(probe("sleep").build());
        ChildProcess other = spawner().spawn(probe("sleep").build());
        try {
            ProcessHandle h = child.toHandle();
            ProcessHandle again = child.toHandle();
            assertThat(h.pid()).isEqualTo(child.pid());
            assertThat(h.isAlive()).isTrue();
            assertThat(h).isEqualTo(again).hasSameHashCodeAs(again);
            assertThat(h.compareTo(again)).isZero();

            ProcessHandle o = other.toHandle();
            assertThat(h).isNotEqualTo(o);
            assertThat(Integer.signum(h.compareTo(o))).isEqualTo(-Integer.signum(o.compareTo(h))).isNotZero();
            assertThat(h).isNotEqualTo(ProcessHandle.current());

            // The JDK's own handle for the same pid: equal only if it is the same implementation.
            ProcessHandle jdk = ProcessHandle.of(child.pid()).orElseThrow();
            if (jdk.getClass() != h.getClass()) {
                assertThat(h).isNotEqualTo(jdk);
                assertThat(jdk).isNotEqualTo(h);
                assertThatThrownBy(() -> h.compareTo(jdk)).isInstanceOf(ClassCastException.class);
            } else {
                assertThat(h).isEqualTo(jdk).hasSameHashCodeAs(jdk);
                assertThat(h.compareTo(jdk)).isZero();
            }
            assertThat(h.info().command()).isPresent();
            assertThat(h.parent().map(ProcessHandle::pid)).isPresent();

            assertThat(h.destroyForcibly()).isTrue();
            assertThat(h.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(h);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // Reaped: the pid may belong to someone else now; the handle must not say so.
            assertThat(h.isAlive()).isFalse();
            assertThat(h.destroy()).isFalse();
            assertThat(h.destroyForcibly()).isFalse();
            assertThat(h.info().command()).isEmpty();
            assertThat(h.parent()).isEmpty();
            assertThat(h.children()).isEmpty();
            assertThat(h).isEqualTo(child.toHandle()).hasSameHashCodeAs(child.toHandle());
            assertThat(o.isAlive()).as("the other child was left alone").isTrue();
        } finally {
            for (ChildProcess c : new ChildProcess[] {child, other}) {
                c.destroyForcibly();
                c.waitFor();
                c.getInputStream().close();
                c.getErrorStream().close();
                c.getOutputStream().close();
            }
        }
    }

    /**
     * The child may run on every CPU its parent may, as after a plain
     * {@code fork}: a launcher that starts its children on its own CPU (the
     * zygote and fork_exec's clone do, to spare waking the other one) widens
     * the child's mask back before the exec, every time, and the spawning
     * thread's too: it may run on every CPU it could before the spawn.
     * Skipped where this JVM may use one CPU only, since a narrowed child
     * could not be told apart there.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void childMayRunOnEveryCpuItsParentMay() throws Exception {
        String parent = cpusAllowed(Files.readString(Path.of("/proc/thread-self/status")));
        skipUnless(parent.contains(",") || parent.contains("-"), "this JVM may run on CPU " + parent + " only");
        for (int i = 0; i < 3; i++) {
            Finished f = run(Command.builder("/bin/cat", "/proc/self/status").build());
            assertThat(cpusAllowed(f.stdout())).as("child %d's CPUs", i).isEqualTo(parent);
            assertThat(cpusAllowed(Files.readString(Path.of("/proc/thread-self/status"))))
                    .as("the spawning thread's CPUs after child %d", i).isEqualTo(parent);
        }
    }

    /** The {@code Cpus_allowed_list} line of a {@code /proc/.../status} text. */
    private static String cpusAllowed(String status) {
        return status.lines().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
    }

    /** The parent pid of a live process, from {@code /proc/PID/stat} (the field after the command's ")"). */
    private static long parentOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[1]);
    }
}
