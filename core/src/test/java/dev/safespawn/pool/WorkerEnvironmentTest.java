package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker's environment is exactly what the builder says: an allow-list by default, all, none, or a given map. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class WorkerEnvironmentTest {

    private static ProcessPool.Builder settings() {
        return ProcessPool.builder().spawner(JdkSpawner.SHARED).workers(1).output(ProcessPool.Output.discard());
    }

    private static Map<String, String> workerEnvironment(ProcessPool.Builder settings) throws Exception {
        try (ProcessPool pool = settings.build()) {
            return pool.submit(() -> new HashMap<>(System.getenv())).get();
        }
    }

    @Test
    void byDefaultAWorkerInheritsOnlyTheAllowListAndWhatWasSet() throws Exception {
        Map<String, String> parent = System.getenv();
        Map<String, String> expected = new HashMap<>();
        parent.forEach((name, value) -> {
            if (WorkerEnvironment.allowed(name)) {
                expected.put(name, value);
            }
        });
        expected.put("SAFESPAWN_POOL_ADDED", "yes");

        Map<String, String> seen = workerEnvironment(settings().env("SAFESPAWN_POOL_ADDED", "yes"));

        assertThat(seen).isEqualTo(expected);
        // what the test is for: the parent has variables off the list (the build's own), and none got through
        assertThat(parent.keySet()).anyMatch(name -> !WorkerEnvironment.allowed(name));
        assertThat(seen.keySet()).allMatch(name -> WorkerEnvironment.allowed(name) || name.equals("SAFESPAWN_POOL_ADDED"));
    }

    @Test
    void inheritEnvPassesTheWholeEnvironmentUnderWhatWasSet() throws Exception {
        Map<String, String> expected = new HashMap<>(System.getenv());
        expected.put("SAFESPAWN_POOL_ADDED", "yes");

        assertThat(workerEnvironment(settings().env("SAFESPAWN_POOL_ADDED", "yes").inheritEnv())).isEqualTo(expected);
    }

    @Test
    void clearEnvLeavesOnlyWhatIsSetAfterIt() throws Exception {
        Map<String, String> seen = workerEnvironment(settings().env("DROPPED", "1").clearEnv().env("KEPT", "2"));

        assertThat(seen).containsExactly(Map.entry("KEPT", "2"));
    }

    @Test
    void envOfAMapReplacesTheWholeEnvironment() throws Exception {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("A", "1");
        given.put("B", "two words");

        Map<String, String> seen = workerEnvironment(settings().inheritEnv().env("DROPPED", "1").replaceEnv(given));

        assertThat(seen).isEqualTo(given);
    }

    @Test
    void setVariablesWinOverInheritedOnes() {
        Map<String, String> env = WorkerEnvironment.derive(WorkerEnvironment.Base.ALLOW_LIST,
                Map.of("PATH", "/parent", "LC_CTYPE", "C.UTF-8", "API_TOKEN", "secret", "JAVA_TOOL_OPTIONS", "-agent"),
                Map.of("PATH", "/mine"));

        assertThat(env).containsExactly(Map.entry("LC_CTYPE", "C.UTF-8"), Map.entry("PATH", "/mine"));
    }

    @Test
    void aNullInTheMapIsRejectedAndLeavesTheBuilderAsItWas() throws Exception {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("A", null);
        ProcessPool.Builder b = settings().clearEnv().env("KEPT", "1");

        assertThatNullPointerException().isThrownBy(() -> b.replaceEnv(withNull)).withMessageContaining("A");
        assertThatNullPointerException().isThrownBy(() -> b.replaceEnv(null));
        assertThat(b.config().environment()).containsExactly(Map.entry("KEPT", "1"));
    }
}
