package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code safespawn doctor --fds [PID]} against children of this test whose
 * descriptors are known exactly: the JDK's launcher leaves a child 0, 1 and
 * 2 only, and the shell's {@code exec 7<} adds 7 without {@code O_CLOEXEC}.
 */
@Timeout(60)
class DoctorFdsTest {

    @Test
    void aProcessHoldingAnInheritableDescriptorIsReportedAndExitsOne() throws Exception {
        Process child = holding("exec 7</dev/null");
        try {
            CliRun run = CliRun.of("doctor", "--fds", String.valueOf(child.pid()));

            assertThat(run.status()).as(run.describe()).isEqualTo(FdAuditReport.LEAKS);
            assertThat(run.err()).isEmpty();
            assertThat(run.out())
                    .startsWith("Descriptors of pid " + child.pid() + " (")
                    .containsPattern("(?m)^  fd \\| kind +\\| CLOEXEC \\| what$")
                    .containsPattern("(?m)^   0 \\| PIPE +\\| no +\\| pipe:\\[\\d+\\]$")
                    .containsPattern("(?m)^   2 \\| CHARACTER_DEVICE \\| no +\\| /dev/null$")
                    .containsPattern("(?m)^   7 \\| CHARACTER_DEVICE \\| no +\\| /dev/null$")
                    .endsWith("1 descriptor would leak into a child of a bare fork/exec: 7\n");
            assertThat(run.out().lines().filter(l -> l.matches("^ +\\d+ \\|.*"))).hasSize(4);
        } finally {
            end(child);
        }
    }

    @Test
    void aProcessHoldingOnlyItsStandardDescriptorsExitsZero() throws Exception {
        Process child = holding(":");
        try {
            CliRun run = CliRun.of("doctor", "--fds", String.valueOf(child.pid()));

            assertThat(run.status()).as(run.describe()).isZero();
            assertThat(run.out())
                    .endsWith("No descriptor beyond 0, 1, 2 would leak into a child of a bare fork/exec.\n");
        } finally {
            end(child);
        }
    }

    /** Without a pid it audits its own JVM, whose class-path jars the JDK opens without O_CLOEXEC. */
    @Test
    void withoutAPidItAuditsTheCliItself() {
        CliRun run = CliRun.of("doctor", "--fds");

        assertThat(run.status()).as(run.describe()).isEqualTo(FdAuditReport.LEAKS);
        assertThat(run.out()).startsWith("Descriptors of pid " + ProcessHandle.current().pid() + " (")
                .containsPattern("(?m)^ +\\d+ \\| FILE +\\| no +\\| \\S+\\.jar$")
                .doesNotContain("Strategies");
        assertThat(CliRun.of("doctor", "--fds", "self").out()).startsWith(run.out().lines().findFirst().get());
    }

    @Test
    void aProcessThatIsGoneIsOneLineAndExitsTwo() throws IOException {
        // At or above pid_max no process can exist. (Not Files.readString: JDK 17 reads procfs files short.)
        String pid = Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip();

        CliRun run = CliRun.of("doctor", "--fds", pid);

        assertThat(run.status()).isEqualTo(FdAuditReport.CANNOT_AUDIT);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("safespawn doctor: pid " + pid + ": no such process");
    }

    @Test
    void somethingThatIsNotAPidIsAUsageError() {
        for (String bad : new String[] {"0", "-5", "init"}) {
            CliRun run = CliRun.of("doctor", "--fds=" + bad);

            assertThat(run.status()).as(bad).isEqualTo(SafespawnCli.USAGE_ERROR);
            assertThat(run.errLines()).as(bad).singleElement().asString()
                    .startsWith("safespawn doctor: --fds: '" + bad + "' is not a pid");
        }
    }

    /**
     * A shell that runs {@code setup}, says so, then waits on its stdin with
     * the builtin {@code read}. Not {@code exec cat}: the new program's
     * dynamic loader briefly holds the libraries it opens, and an audit in
     * that moment saw {@code libc.so.6} as a fifth descriptor.
     */
    private static Process holding(String setup) throws IOException {
        Process child = new ProcessBuilder("/bin/sh", "-c", setup + "; echo ready; read -r line")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("ready"); // its descriptors are settled from here on
        return child;
    }

    private static void end(Process child) throws Exception {
        child.getOutputStream().close(); // read ends at end of input, and the shell with it
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }
}
