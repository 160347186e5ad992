package dev.safespawn.strategies.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import dev.safespawn.strategies.zygote.ZygoteStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the native strategies report through the SPI reaches
 * {@link Spawner#strategies()}, and says true things about this machine.
 */
class StrategyDiagnosticsTest {
    private static final List<String> NATIVE = List.of("posix_spawn", "zygote", "fork_exec");

    @Test
    void everyNativeStrategyReportsTheMachinesFactsAlike() {
        List<Map<String, String>> machineFacts = NATIVE.stream().map(name -> machineFacts(info(name))).toList();

        assertThat(machineFacts.get(0))
                .containsKeys("libc.version", "kernel.pidfd_open", "kernel.close_range",
                        "libc.posix_spawn_file_actions_addclosefrom_np");
        assertThat(machineFacts).as("kernel.* and libc.* read the same whoever reports them").allSatisfy(
                facts -> assertThat(facts).isEqualTo(machineFacts.get(0)));
    }

    @Test
    void anAvailablePosixSpawnHasTheLibcItNeeds() {
        StrategyInfo posixSpawn = info("posix_spawn");
        if (posixSpawn.available()) {
            assertThat(posixSpawn.diagnostics())
                    .containsEntry("libc.posix_spawn_file_actions_addclosefrom_np", "yes")
                    .containsEntry("libc.posix_spawn_file_actions_addchdir_np", "yes");
            assertThat(posixSpawn.diagnostics().get("libc.version")).startsWith("glibc 2.");
        }
    }

    @Test
    void forkExecNamesItsModeAndTheShimItLoaded() {
        StrategyInfo forkExec = info("fork_exec");

        assertThat(forkExec.diagnostics()).containsEntry("fork_exec.mode", "vfork");
        if (forkExec.available()) {
            assertThat(Path.of(forkExec.diagnostics().get("fork_exec.shim"))).isRegularFile();
        }
    }

    @Test
    void zygoteNamesTheBinaryItRuns() throws Exception {
        StrategyInfo zygote = info("zygote");
        assertThat(zygote.diagnostics()).containsKeys("zygote.binary", "zygote.launcher")
                .containsEntry("zygote.standby", "0")
                .containsEntry("zygote.keep_children", "no");
        if (!zygote.available()) {
            return;
        }
        try (Spawner started = Spawner.of("zygote")) {
            assertThat(started.strategyName()).isEqualTo("zygote");
            // Started, so extracted: the location the facts give is the file the server runs from.
            String binary = info("zygote").diagnostics().get("zygote.binary");
            assertThat(Path.of(binary)).isExecutable();
            assertThat(Path.of(binary).getFileName().toString()).startsWith("safespawn-zygote-");
        }
    }

    @Test
    void aZygoteNotYetExtractedSaysSo(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("private"));
        String old = System.getProperty("safespawn.zygote.dir");
        System.setProperty("safespawn.zygote.dir", empty.toString());
        try (ZygoteStrategy zygote = new ZygoteStrategy()) {
            assertThat(zygote.diagnostics().get("zygote.binary"))
                    .startsWith(empty.toString())
                    .endsWith("(not extracted yet)");
            assertThat(empty).isEmptyDirectory();
        } finally {
            if (old == null) {
                System.clearProperty("safespawn.zygote.dir");
            } else {
                System.setProperty("safespawn.zygote.dir", old);
            }
        }
    }

    private static StrategyInfo info(String name) {
        return Spawner.strategies().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, String> machineFacts(StrategyInfo info) {
        return info.diagnostics().entrySet().stream()
                .filter(e -> e.getKey().startsWith("kernel.") || e.getKey().startsWith("libc."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
}
