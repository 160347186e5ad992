package dev.safespawn.docs.snippets;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import dev.safespawn.commonsexec.SafespawnExecutor;
import dev.safespawn.nuprocess.SafeNuProcess;
import dev.safespawn.nuprocess.SafeNuProcessBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.Executor;

/** The migration guide: ProcessBuilder, Commons Exec and NuProcess code, and what it becomes. */
public final class Migrating {
    private Migrating() {
    }

    // tag::process-builder[]
    static String withProcessBuilder(Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("ls", "-a")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor();
        return out;
    }
    // end::process-builder[]

    // tag::safespawn[]
    static String withSafespawn(Spawner spawner, Path dir) throws IOException, InterruptedException {
        Command ls = Command.builder("ls", "-a")
                .directory(dir)
                .redirectErrorStream()
                .env("LC_ALL", "C")
                .build();
        try (ChildProcess p = spawner.spawn(ls)) {         // a Process: code that takes one is unchanged
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            p.waitFor();
            return out;
        }
    }
    // end::safespawn[]

    // tag::commons-exec[]
    static int withCommonsExec() throws IOException {
        Executor executor = SafespawnExecutor.builder().get();   // was DefaultExecutor.builder().get()
        return executor.execute(CommandLine.parse("uname -s"));  // watchdogs and stream handlers as before
    }
    // end::commons-exec[]

    // tag::nuprocess[]
    static int withNuProcess() throws InterruptedException {
        StringBuilder out = new StringBuilder();
        NuAbstractProcessHandler handler = new NuAbstractProcessHandler() {   // your handler, unchanged
            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                out.append(UTF_8.decode(buffer));
            }
        };
        NuProcessBuilder pb = new SafeNuProcessBuilder(handler, "echo", "hi");  // was new NuProcessBuilder(...)
        NuProcess process = pb.start();
        int exit = process.waitFor(0, TimeUnit.SECONDS);
        if (exit == Integer.MIN_VALUE) {                   // NuProcess's "could not launch", now with a cause
            ((SafeNuProcess) process).spawnFailure().ifPresent(e -> System.err.println(e.getMessage()));
        }
        return exit;
    }
    // end::nuprocess[]
}
