package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.safespawn.SpawnException.Stage;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpawnExceptionTest {

    @Test
    void execMessage() {
        SpawnException e = new SpawnException(Stage.EXEC, 2, "/opt/nope");
        assertThat(e).hasMessage("exec /opt/nope: No such file or directory (ENOENT)");
        assertThat(e.stage()).isEqualTo(Stage.EXEC);
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).contains("/opt/nope");
        assertThat(e).isInstanceOf(IOException.class);
    }

    @Test
    void chdirMessage() {
        SpawnException e = new SpawnException(Stage.CHDIR, 2, "/missing");
        assertThat(e).hasMessage("chdir /missing: No such file or directory (ENOENT)");
        assertThat(e.stage()).isEqualTo(Stage.CHDIR);
    }

    @Test
    void permissionDeniedMessage() {
        SpawnException e = new SpawnException(Stage.OPEN, 13, "/etc/shadow");
        assertThat(e).hasMessage("open /etc/shadow: Permission denied (EACCES)");
        assertThat(e.errnoName()).isEqualTo("EACCES");
    }

    @Test
    void nullPathLeavesOnlyTheVerb() {
        SpawnException e = new SpawnException(Stage.SPAWN, 12, null);
        assertThat(e).hasMessage("spawn: Cannot allocate memory (ENOMEM)");
        assertThat(e.path()).isEmpty();
    }

    @Test
    void detailReplacesTheErrnoText() {
        SpawnException e = new SpawnException(Stage.RESOLVE, 2, "frob", "not found in PATH=/bin:/usr/bin");
        assertThat(e).hasMessage("find frob: not found in PATH=/bin:/usr/bin (ENOENT)");
        assertThat(e.getMessage()).doesNotContain("No such file or directory");
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.path()).contains("frob");
    }

    @Test
    void nullDetailMeansTheErrnoText() {
        assertThat(new SpawnException(Stage.EXEC, 8, "/x", null))
                .hasMessage("exec /x: Exec format error (ENOEXEC)");
    }

    @Test
    void detailWithNullPath() {
        assertThat(new SpawnException(Stage.FEATURE, 95, null, "strategy x does not support PASS_FD"))
                .hasMessage("spawn: strategy x does not support PASS_FD (EOPNOTSUPP)");
    }

    @Test
    void unknownErrnoKeepsTheNumber() {
        SpawnException e = new SpawnException(Stage.EXEC, 9999, "/x");
        assertThat(e).hasMessage("exec /x: Unknown error 9999 (errno 9999)");
        assertThat(e.errnoName()).isEqualTo("errno 9999");
    }

    @Test
    void errnoNames() {
        assertThat(new SpawnException(Stage.EXEC, 13, "/x").errnoName()).isEqualTo("EACCES");
        assertThat(new SpawnException(Stage.DUP2, 9, "7").errnoName()).isEqualTo("EBADF");
        assertThat(new SpawnException(Stage.EXEC, 8, "/x").errnoName()).isEqualTo("ENOEXEC");
    }

    @Test
    void nullStageIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> new SpawnException(null, 2, "/x"));
        assertThatNullPointerException().isThrownBy(() -> new SpawnException(null, 2, "/x", "detail"));
    }

    @ParameterizedTest
    @CsvSource({
        "FEATURE, spawn",
        "RESOLVE, find",
        "OPEN,    open",
        "PIPE,    pipe",
        "SPAWN,   spawn",
        "DUP2,    pass fd",
        "SETSID,  setsid",
        "SETPGID, setpgid",
        "CHDIR,   chdir",
        "EXEC,    exec",
    })
    void stageVerbs(Stage stage, String verb) {
        assertThat(stage.verb()).isEqualTo(verb);
        assertThat(new SpawnException(stage, 2, "/p"))
                .hasMessage(verb + " /p: No such file or directory (ENOENT)");
    }

    @Test
    void aPipelineStagesFailureNamesTheStageAndKeepsTheRest() {
        SpawnException plain = new SpawnException(Stage.EXEC, 2, "/opt/nope");
        SpawnException staged = plain.inPipelineStage(2);

        assertThat(plain.pipelineStage()).isEmpty();
        assertThat(staged.pipelineStage()).hasValue(2);
        assertThat(staged).hasMessage("pipeline stage 2: exec /opt/nope: No such file or directory (ENOENT)")
                .hasCause(plain);
        assertThat(staged.stage()).isEqualTo(Stage.EXEC);
        assertThat(staged.errno()).isEqualTo(2);
        assertThat(staged.path()).contains("/opt/nope");
        assertThat(staged.inPipelineStage(2)).isSameAs(staged);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> staged.inPipelineStage(1)).withMessageContaining("stage 2");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> plain.inPipelineStage(-1));
    }

    @Test
    void thePipelineStageSurvivesSerialization() throws Exception {
        SpawnException staged = new SpawnException(Stage.CHDIR, 2, "/missing").inPipelineStage(1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(staged);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            SpawnException back = (SpawnException) in.readObject();
            assertThat(back.pipelineStage()).hasValue(1);
            assertThat(back.stage()).isEqualTo(Stage.CHDIR);
            assertThat(back).hasMessage(staged.getMessage());
        }
    }
}
