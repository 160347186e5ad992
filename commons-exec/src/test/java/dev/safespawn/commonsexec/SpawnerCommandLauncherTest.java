package dev.safespawn.commonsexec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.launcher.CommandLauncher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpawnerCommandLauncherTest {
    private final Strategies strategies = new Strategies();

    @AfterAll
    void closeSpawners() {
        strategies.close();
    }

    Iterable<String> names() {
        return Strategies.names().toList();
    }

    // --- how a CommandLine, environment and directory become a Command ---

    @Test
    void argvIsWhatCommonsExecWouldPassTheJdk() throws IOException {
        CommandLine cl = new CommandLine("printf").addArgument("%s\\n").addArgument("a b").addArgument("c d", false);
        Command c = SpawnerCommandLauncher.toCommand(cl, null, null);
        assertThat(c.argv()).containsExactly(cl.toStrings());
        assertThat(c.argv().get(2)).isEqualTo("\"a b\""); // Commons Exec's own quoting, kept as it is
        assertThat(c.argv().get(3)).isEqualTo("c d");
    }

    @Test
    void nullEnvironmentAndDirectoryInherit() throws IOException {
        Command c = SpawnerCommandLauncher.toCommand(new CommandLine("true"), null, null);
        assertThat(c.environment()).isEqualTo(System.getenv());
        assertThat(c.directory()).isEmpty();
    }

    @Test
    void aMapIsTheWholeEnvironmentAndNullsBecomeEmpty(@TempDir Path dir) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("ONLY", "1");
        env.put("EMPTY", null);
        Command c = SpawnerCommandLauncher.toCommand(new CommandLine("true"), env, dir);
        assertThat(c.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("ONLY", "1", "EMPTY", ""));
        assertThat(c.directory()).contains(dir);
    }

    @Test
    void standardStreamsArePipes() throws IOException {
        Command c = SpawnerCommandLauncher.toCommand(new CommandLine("true"), null, null);
        assertThat(List.of(c.stdin(), c.stdout(), c.stderr())).containsOnly(Redirect.PIPE);
        assertThat(c.redirectErrorStream()).isFalse();
        assertThat(c.requiredFeatures()).isEmpty(); // so every strategy can run it
    }

    @Test
    void whatTheSystemCannotCarryIsAnIOExceptionNamingIt() {
        CommandLine nul = new CommandLine("echo").addArgument("a\0b", false);
        assertThatThrownBy(() -> SpawnerCommandLauncher.toCommand(nul, null, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("echo")
                .hasMessageContaining("NUL")
                .hasCauseInstanceOf(IllegalArgumentException.class);

        Map<String, String> badName = new LinkedHashMap<>();
        badName.put("A=B", "c");
        assertThatThrownBy(() -> SpawnerCommandLauncher.toCommand(new CommandLine("true"), badName, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("A=B");
    }

    @Test
    void isFailureIsTheUnixRule() {
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get("jdk"));
        assertThat(launcher.isFailure(0)).isFalse();
        assertThat(launcher.isFailure(1)).isTrue();
        assertThat(launcher.isFailure(-1)).isTrue();
        assertThat(launcher.isFailure(143)).isTrue();
    }

    @Test
    void nullsAreRejectedOrMeanInherit() {
        assertThatThrownBy(() -> new SpawnerCommandLauncher(null)).isInstanceOf(NullPointerException.class);
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get("jdk"));
        assertThatThrownBy(() -> launcher.exec(null, null)).isInstanceOf(NullPointerException.class);
    }

    // --- the launcher on its own, against every strategy ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void execReturnsAChildProcessOfTheSpawner(String strategy, @TempDir Path dir) throws Exception {
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get(strategy));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "X", "from-env");
        CommandLine cl = new CommandLine("sh").addArgument("-c").addArgument("echo \"$X\" $(pwd)", false);

        for (Process p : List.of(launcher.exec(cl, env, dir), launcher.exec(cl, env, dir.toFile()))) {
            assertThat(p).isInstanceOfSatisfying(ChildProcess.class,
                    c -> assertThat(c.strategyName()).isEqualTo(strategy));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(out).isEqualTo("from-env " + dir.toRealPath() + "\n");
            p.getInputStream().close();
            p.getErrorStream().close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void twoArgumentExecRunsInThisJvmsDirectory(String strategy) throws Exception {
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get(strategy));
        Process p = launcher.exec(new CommandLine("pwd"), null);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Path.of(out)).isEqualTo(Path.of("").toRealPath());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aMissingProgramIsASpawnExceptionNamingIt(String strategy) {
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get(strategy));
        String missing = "/nonexistent/safespawn-no-such-program";
        assertThatThrownBy(() -> launcher.exec(new CommandLine(missing), null))
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.path()).contains(missing);
                })
                .hasMessageContaining(missing)
                .hasMessageContaining("No such file or directory");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aMissingDirectoryIsASpawnExceptionNamingIt(String strategy, @TempDir Path dir) {
        CommandLauncher launcher = new SpawnerCommandLauncher(strategies.get(strategy));
        File missing = dir.resolve("gone").toFile();
        assertThatThrownBy(() -> launcher.exec(new CommandLine("true"), null, missing))
                .isInstanceOfSatisfying(SpawnException.class,
                        e -> assertThat(e.stage()).isEqualTo(SpawnException.Stage.CHDIR))
                .hasMessageContaining(missing.getPath());
    }
}
