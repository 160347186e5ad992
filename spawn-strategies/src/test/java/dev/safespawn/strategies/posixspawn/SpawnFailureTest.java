package dev.safespawn.strategies.posixspawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;
import org.junit.jupiter.api.Test;

/**
 * Which stage a bare error number from {@code posix_spawn} is blamed on.
 * (A real EAGAIN needs RLIMIT_NPROC as a user other than root, which the
 * reliability campaign provokes; here the mapping itself is checked.)
 */
class SpawnFailureTest {
    @Test
    void eagainIsTheChildsCreationNotItsExec() {
        SpawnException e = SpawnFailure.diagnose(Errno.EAGAIN, Command.of("/bin/sleep", "1"), "/bin/sleep");

        assertThat(e.stage()).isEqualTo(SpawnException.Stage.SPAWN);
        assertThat(e.errno()).isEqualTo(Errno.EAGAIN);
        assertThat(e.getMessage()).contains("process limit").doesNotContain("exec /bin/sleep");
    }

    @Test
    void enoentIsStillTheExec() {
        SpawnException e = SpawnFailure.diagnose(Errno.ENOENT, Command.of("/nowhere/x"), "/nowhere/x");

        assertThat(e.stage()).isEqualTo(SpawnException.Stage.EXEC);
    }
}
