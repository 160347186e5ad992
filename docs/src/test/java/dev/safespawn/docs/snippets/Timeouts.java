package dev.safespawn.docs.snippets;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The timeouts guide: waiting with a bound, then ending a child politely. */
public final class Timeouts {
    private Timeouts() {
    }

    // tag::terminate[]
    static ExitStatus waitThenStop(ChildProcess child) throws IOException, InterruptedException {
        if (child.waitFor(100, TimeUnit.MILLISECONDS)) {          // Process.waitFor: false while it runs
            return child.exitStatus();
        }
        ChildProcess.Termination t = child.terminate(Duration.ofSeconds(5));   // SIGTERM, 5 s, SIGKILL
        List<String> sent = t.signalsSent().stream().map(Signal::name).collect(Collectors.toList());
        System.out.println(t.status() + " after " + sent);        // "killed by SIGTERM after [SIGTERM]"
        return t.status();
    }
    // end::terminate[]

    static ChildProcess sleeper(Spawner spawner) throws IOException {
        return spawner.spawn(Command.builder("sleep", "600").stdin(Redirect.DISCARD).build());
    }
}
