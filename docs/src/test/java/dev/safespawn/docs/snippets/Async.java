package dev.safespawn.docs.snippets;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.LineHandler;
import dev.safespawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The async guide: a ChildHandler and a LineHandler. */
public final class Async {
    private Async() {
    }

    // tag::child-handler[]
    static String throughCat(Spawner spawner) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();  // one child's callbacks never overlap
        AsyncChild child = spawner.spawnAsync(Command.of("cat"), new ChildHandler() {
            @Override
            public void onStart(AsyncChild c) {
                c.writeStdin(ByteBuffer.wrap("hello\n".getBytes(UTF_8)));
                c.closeStdin(false);                       // once the queued bytes are written
            }

            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                byte[] bytes = new byte[buffer.remaining()];  // the buffer is the library's: copy what you keep
                buffer.get(bytes);                         // consumed; bytes left would come back next time
                seen.write(bytes, 0, bytes.length);
            }

            @Override
            public void onExit(ExitStatus status) {
                System.out.println("cat " + status);      // the last callback
            }
        });
        child.completion().join();                         // after onExit; never wait inside a callback
        return seen.toString(UTF_8);                       // "hello\n"
    }
    // end::child-handler[]

    // tag::line-handler[]
    static List<String> warnings(Spawner spawner) throws IOException {
        List<String> found = new ArrayList<>();
        AsyncChild child = spawner.spawnAsync(
                Command.of("sh", "-c", "printf 'ok\\nwarning: disk 91%%\\r\\nok\\n'"),
                new LineHandler() {                        // UTF-8; lines split at \n, a \r before it dropped
                    @Override
                    protected void onStdoutLine(String line) {
                        if (line.startsWith("warning:")) {
                            found.add(line);               // "warning: disk 91%"
                        }
                    }
                });
        child.completion().join();
        return found;
    }
    // end::line-handler[]
}
