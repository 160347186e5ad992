package dev.safespawn.strategies.forkexec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.posixspawn.PosixSpawnStrategy;
import dev.safespawn.strategies.zygote.ZygoteStrategy;
import org.junit.jupiter.api.Test;

/**
 * Where fork_exec ranks in the routing spawner's order: first in its clone
 * mode, the cheapest; after posix_spawn and the zygote in fork mode, whose
 * cost grows with the heap.
 */
class ForkExecPriorityTest {

    @Test
    void itsCloneRanksFirstAndItsForkAfterPosixSpawnAndTheZygote() {
        int posixSpawn = new PosixSpawnStrategy().priority();
        int zygote = new ZygoteStrategy().priority();
        assertThat(inMode(ChildSetupAbi.SS_MODE_CLONE_VFORK)).isGreaterThan(posixSpawn).isGreaterThan(zygote);
        assertThat(inMode(ChildSetupAbi.SS_MODE_FORK)).isLessThan(posixSpawn).isLessThan(zygote);
    }

    private static int inMode(int mode) {
        return new ForkExecStrategy(null, mode, ChildSetupAbi.SS_CLOSE_AUTO, 0).priority();
    }
}
