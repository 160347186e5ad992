package dev.safespawn.docs.snippets;

import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.Spawner;
import java.io.IOException;

/** The why page: what a child holds. */
public final class WhySafespawn {
    private WhySafespawn() {
    }

    // tag::child-fds[]
    static String descriptorsOfAChild(Spawner spawner) throws IOException, InterruptedException {
        // ls lists its own descriptors: 0, 1 and 2, and 3, the directory it is reading.
        // Nothing of the JVM's jars, sockets or pipes, close-on-exec or not.
        return Run.of(Command.of("ls", "/proc/self/fd")).run(spawner).check().stdoutText();
    }
    // end::child-fds[]
}
