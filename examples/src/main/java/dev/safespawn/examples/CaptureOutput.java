package dev.safespawn.examples;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.nio.charset.StandardCharsets;

/**
 * Runs a command, captures its standard output and reports its exit status:
 * the everyday use of safespawn, as a {@link ProcessBuilder} user would write it.
 *
 * <p>Usage: {@code CaptureOutput [program args...]}; without arguments it
 * runs {@code echo hello from a child}. Prints one line, such as
 * {@code CaptureOutput: echo said "hello from a child" and exited with code 0 (strategy posix_spawn)}.
 */
public final class CaptureOutput {
    private CaptureOutput() {
    }

    /** Runs the command named by {@code args}, or the default one. */
    public static void main(String[] args) throws Exception {
        String[] argv = args.length > 0 ? args : new String[] {"echo", "hello from a child"};
        try (Spawner spawner = Spawner.create()) {
            // stdin from /dev/null: the child must not wait for input nobody will send.
            // stderr inherited: a failing command's complaint reaches the user unaltered.
            ChildProcess child = spawner.spawn(Command.builder(argv)
                    .stdin(Redirect.DISCARD)
                    .stderr(Redirect.INHERIT)
                    .build());
            String output;
            try (var stdout = child.getInputStream()) {
                output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            child.waitFor();
            ExitStatus status = child.exitStatus();
            System.out.println("CaptureOutput: " + argv[0] + " said \"" + output + "\" and " + status
                    + " (strategy " + spawner.strategyName() + ")");
        }
    }
}
