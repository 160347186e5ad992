package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code safespawn run}, in-process against the real kernel. The class
 * timeout turns a child that is never stopped into a failure, not a hang.
 */
@Timeout(60)
class RunCommandTest {
    /** Succeeds only in a session leader: fields 5 and 6 of /proc/PID/stat are pgrp and session. */
    private static final String LEADS_ITS_SESSION =
            "read -r pid comm state ppid pgrp session rest < /proc/$$/stat; [ \"$session\" = $$ ] && [ \"$pgrp\" = $$ ]";

    @Test
    void exitStatusIsPassedThrough() {
        CliRun run = CliRun.of("run", "--", "/bin/sh", "-c", "exit 7");

        assertThat(run.status()).as(run.describe()).isEqualTo(7);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void programOptionsNeedNoDoubleDash() {
        // -c belongs to sh: once the program is named, nothing after it is parsed as the CLI's.
        assertThat(CliRun.of("run", "/bin/sh", "-c", "exit 3").status()).isEqualTo(3);
    }

    @Test
    void deathBySignalIs128PlusTheSignal() {
        assertThat(CliRun.of("run", "--", "/bin/sh", "-c", "kill -9 $$").status()).isEqualTo(128 + 9);
    }

    @Test
    void missingProgramIs127WithOneLine() {
        CliRun run = CliRun.of("run", "--", "/no/such/program", "arg");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.CANNOT_START);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("safespawn run: ").contains("/no/such/program", "ENOENT");
    }

    @Test
    void timeoutStopsTheProgramAndExits124() {
        CliRun run = CliRun.of("run", "--timeout", "1s", "--", "sleep", "100");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
        assertThat(run.errLines()).singleElement().asString().contains("sleep: timed out after 1s");
    }

    @Test
    void timeoutKillsAGroupThatIgnoresSigterm() {
        // The shell and its background sleep ignore SIGTERM; only the SIGKILL after the grace ends them.
        CliRun run = CliRun.of("run", "--new-session", "--timeout", "200ms", "--",
                "/bin/sh", "-c", "trap '' TERM; sleep 100 & wait");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
    }

    @Test
    void timeoutKillsAProgramThatIgnoresSigterm() {
        // sleep inherits the ignored SIGTERM through exec: only the library's SIGKILL after the grace ends it.
        CliRun run = CliRun.of("run", "--timeout", "200ms", "--", "/bin/sh", "-c", "trap '' TERM; exec sleep 100");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
        assertThat(run.errLines()).singleElement().asString().isEqualTo("safespawn run: /bin/sh: timed out after 200ms");
    }

    @Test
    void timeoutLeavesNothingOfANewSessionBehind(@TempDir Path dir) throws Exception {
        // The shell dies of SIGTERM; its background sleep, in its group, must not outlive the CLI.
        Path pidFile = dir.resolve("pid");
        CliRun run = CliRun.of("run", "--strategy", "posix_spawn", "--new-session", "--timeout", "1s", "--",
                "/bin/sh", "-c", "trap '' TERM; sleep 100 & echo $! > " + pidFile + "; exec sleep 100");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        // Hang guard only: the group was sent SIGKILL before run returned; init reaps it.
        ProcessHandle.of(pid).ifPresent(sleep -> sleep.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    }

    @Test
    void timeoutEndsTheProgramsBackgroundJobsByDefault(@TempDir Path dir) throws Exception {
        // No --new-session: the program still leads a group of its own, and the timeout ends all of it.
        Path pidFile = dir.resolve("pid");
        CliRun run = CliRun.of("run", "--timeout", "1s", "--",
                "/bin/sh", "-c", "sleep 100 & echo $! > " + pidFile + "; wait");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
        assertGone(pidFile);
    }

    @ParameterizedTest
    @ValueSource(strings = {"posix_spawn", "fork_exec", "zygote"})
    void timeoutKillsWhatTheProgramLeftInItsGroup(String strategy, @TempDir Path dir) throws Exception {
        // The background sleep ignores SIGTERM, the shell dies of it: the SIGKILL to the group ends the sleep,
        // though the group's leader has been reaped by then.
        Path pidFile = dir.resolve("pid");
        CliRun run = CliRun.of("run", "--strategy", strategy, "--timeout", "500ms", "--", "/bin/sh", "-c",
                "trap '' TERM; sleep 100 & echo $! > " + pidFile + "; trap - TERM; wait");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
        assertGone(pidFile);
    }

    @Test
    void foregroundKeepsTheProgramInOurGroupAndStillTimesOut() {
        CliRun run = CliRun.of("run", "--foreground", "--timeout", "200ms", "--", "/bin/sh", "-c",
                "read -r pid comm state ppid pgrp rest < /proc/$$/stat; [ \"$pgrp\" != $$ ] && exec sleep 100");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
    }

    @Test
    void foregroundAndNewSessionExcludeEachOther() {
        CliRun run = CliRun.of("run", "--foreground", "--new-session", "--", "/bin/true");

        assertThat(run.status()).as(run.describe()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("safespawn run: --foreground and --new-session exclude each other:"
                        + " a new session is never the terminal's foreground");
    }

    @Test
    void jdkStillTimesOutThoughItCannotMakeAGroup() {
        CliRun run = CliRun.of("run", "--strategy", "jdk", "--timeout", "200ms", "--", "sleep", "100");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.TIMED_OUT);
    }

    /** The process whose pid is in {@code pidFile} ends; the bound is a hang guard for a survivor. */
    private static void assertGone(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        // Not our child: the JDK polls for its end, hence the generous bound.
        ProcessHandle.of(pid).ifPresent(sleep -> sleep.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    }

    @Test
    void theProgramsOwnStatus2IsNotAUsageError() {
        assertThat(CliRun.of("run", "--", "/bin/sh", "-c", "exit 2").status()).isEqualTo(2);
        assertThat(SafespawnCli.USAGE_ERROR).isNotIn(2, RunCommand.END_NOT_OBSERVED, RunCommand.TIMED_OUT,
                RunCommand.CANNOT_START);
    }

    @Test
    void helpListsEveryExitStatus() {
        CliRun run = CliRun.of("run", "--help");

        assertThat(run.out()).contains("122", "124", "125", "127", "usage error");
    }

    @Test
    void passFdHandsTheCliDescriptorToTheChild() throws Exception {
        try (LeakyPipe pipe = LeakyPipe.open()) {
            CliRun run = CliRun.of("run", "--pass-fd", pipe.writeFd() + ":5", "--",
                    "/bin/sh", "-c", "printf hi >&5");

            assertThat(run.status()).as(run.describe()).isZero();
            assertThat(PendingBytes.readString(pipe.readFd())).isEqualTo("hi");
        }
    }

    @Test
    void passingADescriptorTheCliLacksIs127AndNamesItOnce() {
        CliRun run = CliRun.of("run", "--strategy", "posix_spawn", "--pass-fd", "987654:3", "--", "/bin/true");

        assertThat(run.status()).as(run.describe()).isEqualTo(RunCommand.CANNOT_START);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("safespawn run: pass fd 987654: the parent has no such descriptor (EBADF)");
    }

    @Test
    void jdkCannotPassFdsAndSaysWhichFeature() {
        CliRun run = CliRun.of("run", "--strategy", "jdk", "--pass-fd", "1:3", "--", "/bin/true");

        assertThat(run.status()).as(run.describe()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("jdk", "PASS_FD");
    }

    @Test
    void newSessionMakesTheProgramASessionLeader() {
        assertThat(CliRun.of("run", "--new-session", "--", "/bin/sh", "-c", LEADS_ITS_SESSION).status())
                .isZero();
        assertThat(CliRun.of("run", "--", "/bin/sh", "-c", LEADS_ITS_SESSION).status())
                .as("control: without --new-session the shell is in the test's session").isEqualTo(1);
    }

    @Test
    void directoryAndEnvironmentReachTheProgram() {
        CliRun run = CliRun.of("run", "--dir", "/tmp", "--env", "GREETING=a=b c", "--",
                "/bin/sh", "-c", "[ \"$(pwd)\" = /tmp ] && [ \"$GREETING\" = 'a=b c' ]");

        assertThat(run.status()).as(run.describe()).isZero();
    }

    @Test
    void namedStrategyIsUsed() {
        // The jdk strategy cannot start a new session: proof that --strategy is not ignored.
        assertThat(CliRun.of("run", "--strategy", "jdk", "--", "/bin/true").status()).isZero();
        assertThat(CliRun.of("run", "--strategy", "jdk", "--new-session", "--", "/bin/true").status()).isEqualTo(SafespawnCli.USAGE_ERROR);
    }

    @Test
    void usageErrorsAreOneLineAndExit125() {
        for (String[] args : new String[][] {
            {"run", "--strategy", "no-such-strategy", "--", "/bin/true"},
            {"run", "--timeout", "soon", "--", "/bin/true"},
            {"run", "--pass-fd", "3", "--", "/bin/true"},
            {"run", "--env", "NOEQUALS", "--", "/bin/true"},
            {"run", "--bogus", "--", "/bin/true"},
            {"run"},
        }) {
            CliRun run = CliRun.of(args);
            assertThat(run.status()).as(String.join(" ", args) + "\n" + run.describe()).isEqualTo(SafespawnCli.USAGE_ERROR);
            assertThat(run.errLines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("safespawn run: ");
        }
    }

    /**
     * A child in its own session does not get the terminal's signals, so when
     * the CLI itself is told to stop it passes SIGTERM on. Needs a CLI JVM of
     * its own to stop; the child execs sleep, so the pid it prints is sleep's.
     */
    @Test
    void stoppingTheCliStopsAChildInItsOwnSession() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Spawner spawner = Spawner.create()) {
            ChildProcess cli = spawner.spawn(Command.builder(java, "--enable-native-access=ALL-UNNAMED",
                            "-cp", System.getProperty("java.class.path"),
                            SafespawnCli.class.getName(), "run", "--new-session", "--",
                            "/bin/sh", "-c", "echo $$; exec sleep 100")
                    .stdin(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
            String pid = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(pid).as("pid printed by the grandchild").matches("\\d+");
            ProcessHandle sleep = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
            try {
                cli.destroy(); // SIGTERM, as kill(1) or a service manager would send

                assertThat(cli.waitFor()).isEqualTo(128 + 15);
                // Not our child: the JDK polls for its end, hence the generous bound.
                sleep.onExit().get(30, TimeUnit.SECONDS);
                assertThat(sleep.isAlive()).isFalse();
            } finally {
                sleep.destroyForcibly(); // only if the assertion above failed: never leave it behind
            }
        }
    }
}
