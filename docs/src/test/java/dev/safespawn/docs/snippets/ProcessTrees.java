package dev.safespawn.docs.snippets;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.time.Duration;

/** The process-trees guide: kill scopes GROUP and TREE. */
public final class ProcessTrees {
    private ProcessTrees() {
    }

    // tag::group[]
    static ChildProcess.Termination stopScriptAndJobs(Spawner spawner) throws IOException {
        Command script = Command.builder("sh", "-c", "sleep 600 & sleep 600 & wait")   // background jobs
                .processGroup(0)                          // the child leads a new process group ...
                .killScope(Command.KillScope.GROUP)       // ... which terminate() and close() end
                .stdin(Redirect.DISCARD)
                .build();
        try (ChildProcess child = spawner.spawn(script)) {
            return child.terminate(Duration.ofSeconds(2));  // SIGTERM to the group, SIGKILL to what is left
        }
    }
    // end::group[]

    // tag::tree[]
    static ChildProcess.Termination stopEverything(Spawner spawner) throws IOException {
        Command daemonizing = Command.builder("sh", "-c", "setsid sleep 600 & exec sleep 600")
                .killScope(Command.KillScope.TREE)        // TREE_KILL: the routing spawner picks the zygote
                .stdin(Redirect.DISCARD)
                .build();
        try (ChildProcess child = spawner.spawn(daemonizing)) {
            System.out.println("started by " + child.strategyName());       // zygote
            return child.terminate(Duration.ofSeconds(2));  // returns when every process of the tree has ended
        }
    }
    // end::tree[]
}
