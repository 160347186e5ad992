package dev.safespawn.docs.snippets;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Run;
import dev.safespawn.RunResult;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The getting-started page: a first spawn, capture, a timeout and a failure to start. */
public final class GettingStarted {
    private GettingStarted() {
    }

    // tag::first-spawn[]
    static String kernelName() throws IOException, InterruptedException {
        try (Spawner spawner = Spawner.create();                        // the best strategy for each command
             ChildProcess child = spawner.spawn("uname", "-s")) {       // a java.lang.Process, and more
            String name = new String(child.getInputStream().readAllBytes(), UTF_8).strip();
            child.waitFor();
            ExitStatus status = child.exitStatus();                     // an exit code or a signal, never confused
            if (!status.equals(ExitStatus.exited(0))) {
                throw new IOException("uname " + status);               // e.g. "uname killed by SIGKILL"
            }
            return name;                                                // "Linux"
        }
    }
    // end::first-spawn[]

    // tag::command[]
    static Command gitStatus() {
        return Command.builder("git", "status", "--short")
                .directory(Path.of("/srv/repo"))      // chdir in the child; a bad one fails the spawn at stage CHDIR
                .env("GIT_PAGER", "cat")              // the parent's environment, edited
                .stdin(Redirect.DISCARD)              // /dev/null; PIPE is the default
                .redirectErrorStream()                // stderr joins stdout
                .build();                             // immutable, checked, reusable
    }
    // end::command[]

    // tag::capture[]
    static RunResult sortLines(Spawner spawner) throws IOException, InterruptedException {
        return Run.of(Command.of("sort"))
                .input("pear\napple\n", UTF_8)          // fed while both outputs are read: no deadlock
                .timeout(Duration.ofSeconds(10))         // then SIGTERM, 2 s of grace, SIGKILL
                .run(spawner)
                .check();                                // CommandFailedException unless it exited with 0
    }
    // end::capture[]

    // tag::timeout[]
    static RunResult tooSlow(Spawner spawner) throws IOException, InterruptedException {
        RunResult r = Run.of(Command.of("sleep", "30"))
                .timeout(Duration.ofMillis(200))
                .grace(Duration.ofSeconds(1))            // how long it may take to go after SIGTERM
                .run(spawner);                           // a timeout is a result, not an exception
        if (r.timedOut()) {
            System.out.println("gave up after " + r.elapsed().toMillis() + " ms: " + r.status());
        }                                                // "gave up after 203 ms: killed by SIGTERM"
        return r;
    }
    // end::timeout[]

    // tag::spawn-failure[]
    static String whyItDidNotStart(Spawner spawner) throws IOException {
        Command ls = Command.builder("ls").directory(Path.of("/no/such/dir")).build();
        try (ChildProcess child = spawner.spawn(ls)) {
            return "started as pid " + child.pid();
        } catch (SpawnException e) {
            // e.getMessage(): "chdir /no/such/dir: No such file or directory (ENOENT)"
            return e.stage() + " " + e.errnoName() + " " + e.path().orElse("");  // CHDIR ENOENT /no/such/dir
        }
    }
    // end::spawn-failure[]
}
