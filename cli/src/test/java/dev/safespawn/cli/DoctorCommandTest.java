package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs the CLI in-process, with picocli's writers captured, on this machine:
 * the doctor's live proof is only meaningful against the real kernel and libc.
 */
class DoctorCommandTest {

    /** One in-process run: exit status plus what went to stdout and stderr. */
    private record Run(int status, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new SafespawnCli());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int status = cli.execute(args);
            return new Run(status, out.toString(), err.toString());
        }
    }

    @Test
    void doctorReportsAHealthyMachineAndProvesTheContractLive() {
        Run run = Run.of("doctor");

        // stdout and stderr go into the failure message: on a broken machine they say why.
        assertThat(run.status()).as("exit status\nstdout:\n%s\nstderr:\n%s", run.out(), run.err()).isZero();
        assertThat(run.out())
                .contains("Platform", "Kernel and libc features", "Strategies", "posix_spawn", "jdk")
                .contains("the CLI holds a leaky pipe: fds ")
                .containsPattern("(?m)^  posix_spawn:\\s+child holds fds 0 1 2  \\S+ contract kept$")
                .doesNotContain("LEAK");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void helpExitsZeroAndNamesDoctor() {
        Run run = Run.of("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: safespawn", "doctor");
    }

    @Test
    void unknownSubcommandFails() {
        Run run = Run.of("no-such-command");

        assertThat(run.status()).isNotZero();
        assertThat(run.err()).contains("no-such-command");
    }

    @Test
    void noSubcommandPrintsUsageAndExitsTwo() {
        Run run = Run.of();

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: safespawn");
    }
}
