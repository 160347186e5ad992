package dev.safespawn.docs.snippets;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.OutputStream;

/** The descriptors guide: extra pipes both ways. */
public final class Descriptors {
    private Descriptors() {
    }

    // tag::pipe-from-child[]
    static String report(Spawner spawner) throws IOException, InterruptedException {
        Command tool = Command.builder("sh", "-c", "echo 'working...'; echo '{\"ok\": true}' >&3")
                .pipeFromChild(3)                          // the child writes its fd 3; needs PASS_FD
                .stdout(Redirect.DISCARD)                  // the chatter stays apart from the answer
                .build();
        try (ChildProcess child = spawner.spawn(tool)) {
            String json = new String(child.pipeFrom(3).readAllBytes(), UTF_8);  // ends once the child exits
            child.waitFor();
            return json.strip();                           // {"ok": true}
        }
    }
    // end::pipe-from-child[]

    // tag::pipe-to-child[]
    static String secretOverADescriptor(Spawner spawner) throws IOException, InterruptedException {
        Command tool = Command.builder("sh", "-c", "read -r token <&3; echo \"the token has ${#token} characters\"")
                .pipeToChild(3)                            // not in argv or the environment, where ps could see it
                .build();
        try (ChildProcess child = spawner.spawn(tool)) {
            try (OutputStream secret = child.pipeTo(3)) {
                secret.write("s3cr3t\n".getBytes(UTF_8));
            }
            return new String(child.getInputStream().readAllBytes(), UTF_8).strip();  // the token has 6 characters
        }
    }
    // end::pipe-to-child[]
}
