package dev.safespawn.docs.snippets;

import dev.safespawn.Command;
import dev.safespawn.CommandFailedException;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.Spawner;
import java.io.IOException;

/** The capture guide: limits, merged streams, a failed check. */
public final class Capture {
    private Capture() {
    }

    // tag::merged[]
    static String interleaved(Spawner spawner) throws IOException, InterruptedException {
        RunResult r = Run.of(Command.of("sh", "-c", "echo out; echo err >&2"))
                .mergeStderr()                           // 2>&1: one stream, in the order written
                .run(spawner);
        return r.stdoutText();                           // "out\nerr\n"; r.stderr() is empty
    }
    // end::merged[]

    // tag::limits[]
    static RunResult firstMebibyte(Spawner spawner) throws IOException, InterruptedException {
        return Run.of(Command.of("yes"))                 // writes forever
                .maxOutput(1 << 20, Run.Overflow.KILL)   // keep 1 MiB of each stream, then SIGKILL
                .run(spawner);                           // stdoutTruncated() and killedForOutput() are true
    }
    // end::limits[]

    // tag::check[]
    static String failure(Spawner spawner) throws IOException, InterruptedException {
        try {
            Run.of(Command.of("sh", "-c", "echo 'disk full' >&2; exit 3")).check().run(spawner);
            return "succeeded";
        } catch (CommandFailedException e) {
            RunResult r = e.result();                    // everything that was captured
            // e.getMessage(): "command [sh, -c, ...] ended with exited with code 3: disk full"
            return r.status() + ": " + r.stderrText().strip();    // "exited with code 3: disk full"
        }
    }
    // end::check[]
}
