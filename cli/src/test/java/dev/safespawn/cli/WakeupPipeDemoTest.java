package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code safespawn demo wakeup-pipe}: the bug shows with the bare launch, and no strategy has it. */
@Timeout(120) // a stuck child or watcher fails the test instead of hanging the build
class WakeupPipeDemoTest {

    @Test
    void bareLaunchWakesTheWatcherAndNoStrategyDoes() {
        CliRun run = CliRun.of("demo", "wakeup-pipe");

        assertThat(run.status()).as(run.describe()).isZero();
        assertThat(run.err()).isEmpty();
        // Before: the CLI's own audit lists both ends of the pipe, without CLOEXEC.
        Matcher before = Pattern.compile("(?m)^  before, the audit of this JVM: fd (\\d+) PIPE (pipe:\\[\\d+\\]) "
                + "CLOEXEC no, fd (\\d+) PIPE \\2 CLOEXEC no$").matcher(run.out());
        assertThat(before.find()).as(run.out()).isTrue();
        String ends = "fds " + before.group(1) + ", " + before.group(3);
        // After: the bare launch's audited child holds both ends, under the same numbers.
        Matcher bare = Pattern.compile("(?m)^  bare posix_spawn \\(what NOT to do\\)\\s*\\|\\s*(\\d+) \\| "
                + "all 5: wrote a byte to fd \\d+ +\\| " + ends + "$").matcher(run.out());
        assertThat(bare.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(bare.group(1))).as("wake-ups from the bare launch").isEqualTo(5);
        List<String> strategies = Spawner.strategies().stream().filter(Spawner.StrategyInfo::available)
                .map(Spawner.StrategyInfo::name).toList();
        assertThat(strategies).contains("posix_spawn", "jdk");
        for (String s : strategies) {
            assertThat(run.out()).as(s).containsPattern("(?m)^  " + Pattern.quote(s)
                    + "\\s*\\|\\s*0 \\| all 5: fd \\d+ not open \\(EBADF\\) +\\| none$");
        }
        assertThat(run.out()).contains("Result: the bare launch woke the watcher 5 times for nothing;");
    }

    @Test
    void childrenOptionIsHonouredAndChecked() {
        CliRun three = CliRun.of("demo", "wakeup-pipe", "--children", "3");
        assertThat(three.status()).as(three.describe()).isZero();
        assertThat(three.out()).containsPattern("\\|\\s*3 \\| all 3: wrote a byte");

        CliRun none = CliRun.of("demo", "wakeup-pipe", "--children", "0");
        assertThat(none.status()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(none.errLines()).singleElement().asString().contains("--children: 0");
    }

    /** The probe behind the demo's zeros: a child that is handed the descriptor does write to it. */
    @Test
    void childWritesWhenItHasTheDescriptor() throws Exception {
        try (LeakyPipe pipe = LeakyPipe.open(); Spawner spawner = Spawner.of("posix_spawn")) {
            int fd = 42; // two digits on purpose: dash's >&N could not reach it
            var child = spawner.spawn(Command.builder(WakeupChild.argv(fd).toArray(new String[0]))
                    .passFd(pipe.writeFd(), fd).stdin(Redirect.DISCARD).build());
            child.waitFor();

            assertThat(child.exitStatus()).isEqualTo(ExitStatus.exited(WakeupChild.WROTE));
            assertThat(PendingBytes.readString(pipe.readFd())).isEqualTo("x");
        }
    }

    @Test
    void childOutcomesReadAsWords() {
        assertThat(WakeupChild.summarize(List.of(ExitStatus.exited(9), ExitStatus.exited(9)), 7))
                .isEqualTo("all 2: fd 7 not open (EBADF)");
        assertThat(WakeupChild.summarize(List.of(ExitStatus.exited(0), ExitStatus.killedBy(9)), 7))
                .isEqualTo("1: wrote a byte to fd 7, 1: unexpected: killed by SIGKILL");
        assertThat(WakeupChild.foundItClosed(ExitStatus.exited(0))).isFalse();
    }
}
