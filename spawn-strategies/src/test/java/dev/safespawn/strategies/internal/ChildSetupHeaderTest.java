package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * child_setup.h is the one home of its numbers: ChildSetupAbi must hold every
 * {@code #define} with the header's value, ChildSetupRequest must lay out
 * {@code struct ss_request} as the compiler does, and every failure stage must
 * have a name of its own.
 */
class ChildSetupHeaderTest {

    @Test
    void everyDefineOfTheHeaderIsInItsMirrorWithTheSameValue() throws Exception {
        CHeader.assertDefinesMirrored("child_setup.h", ChildSetupAbi.class, "SS_");
    }

    @Test
    void theJavaRequestHasTheLayoutOfTheHeadersStructAndTheShimsSize() throws Exception {
        Map<String, Long> struct = CHeader.read("child_setup.h").structs().get("ss_request");
        assertThat(struct).as("struct ss_request in child_setup.h").isNotNull();
        ChildSetupRequest request = new ChildSetupRequest(Command.of("/bin/true"), "/bin/true", new TreeMap<>(),
                ChildSetupAbi.SS_CLOSE_AUTO, 0, 1);
        Method fieldOffset = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        fieldOffset.setAccessible(true);
        Map<String, Long> java = new LinkedHashMap<>();
        for (String cField : struct.keySet()) {
            if (cField.equals(CHeader.SIZE)) {
                java.put(cField, (long) request.size());
            } else {
                java.put(cField, (long) (int) fieldOffset.invoke(request, camelCase(cField)));
            }
        }
        assertThat(java).as("ChildSetupRequest's offsets and size against struct ss_request").isEqualTo(struct);
        assertThat(ChildSetupRequest.class.getAnnotation(Structure.FieldOrder.class).value()).as("ChildSetupRequest's fields, one per field of struct ss_request")
                .hasSize(struct.size() - 1);
        assertThat(SafespawnShim.loadFailure()).isEmpty();
        assertThat(request.size()).as("sizeof(struct ss_request) in the shim, against ChildSetupRequest")
                .isEqualTo(SafespawnShim.safespawn_request_size());
    }

    @Test
    void everyStageOfTheHeaderHasANameOfItsOwn() throws Exception {
        Map<String, Long> stages = new TreeMap<>(CHeader.read("child_setup.h").defines());
        stages.keySet().removeIf(name -> !name.startsWith("SS_STAGE_"));
        assertThat(stages).hasSizeGreaterThanOrEqualTo(11);
        Set<Stage> named = new HashSet<>();
        Command command = Command.builder("/bin/true").directory(java.nio.file.Path.of("/tmp")).build();
        for (Map.Entry<String, Long> s : stages.entrySet()) {
            Stage stage = ChildSetupAbi.stage(s.getValue().intValue()).orElse(null);
            assertThat(stage).as("the SpawnException.Stage of %s", s.getKey()).isNotNull();
            assertThat(named.add(stage)).as("%s shares its Stage %s with another", s.getKey(), stage).isTrue();
            SpawnException e = ChildSetupStage.failure(s.getValue().intValue(), 1, command, "/bin/true");
            assertThat(e.stage()).isEqualTo(stage);
            assertThat(e.getMessage()).as("the message for %s", s.getKey()).startsWith(stage.verb())
                    .doesNotContain("stage");
        }
    }

    @Test
    void aStageNumberNoHeaderDefinesIsStillASpawnFailureWithItsErrno() {
        SpawnException e = ChildSetupStage.failure(99, 1, Command.of("/bin/true"), "/bin/true");
        assertThat(e.stage()).isEqualTo(Stage.SPAWN);
        assertThat(e.errno()).isEqualTo(1);
    }

    private static String camelCase(String snake) {
        StringBuilder s = new StringBuilder();
        for (String part : snake.split("_")) {
            s.append(s.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return s.toString();
    }
}
