package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The zygote servers this test JVM started: its own children whose command line names an extracted server. */
final class ServerProcess {
    private static final String EXTRACTED_PREFIX = "safespawn-zygote-";

    private ServerProcess() {
    }

    /**
     * Starts a child through {@code spawner} (so its server runs), then checks
     * that every zygote server this JVM runs is a file of the {@code expected} kind.
     */
    static void assertEveryServerIs(Spawner spawner, ElfFile expected) throws Exception {
        assertThat(spawner.spawn(Command.builder("/bin/true").build()).waitFor()).isZero();
        List<Path> servers = serverFiles();
        assertThat(servers).as("this JVM's zygote servers").isNotEmpty();
        for (Path server : servers) {
            try (InputStream in = Files.newInputStream(server)) {
                assertThat(ElfFile.read(in)).as(server.toString()).isEqualTo(expected);
            }
        }
    }

    /** The server file each of this JVM's running zygote servers runs, through an emulator or not. */
    static List<Path> serverFiles() {
        List<Path> files = new ArrayList<>();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            for (String arg : commandLine(child.pid())) {
                Path name = Path.of(arg).getFileName();
                if (name != null && name.toString().startsWith(EXTRACTED_PREFIX)) {
                    files.add(Path.of(arg));
                    break;
                }
            }
        }
        return files;
    }

    private static List<String> commandLine(long pid) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException gone) {
            return List.of();
        }
    }
}
