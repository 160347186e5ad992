package dev.safespawn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * One in-process run of the CLI exactly as {@code main} builds it (with its
 * one-line error handlers), picocli's writers captured. Children started with
 * inherited streams write to the test JVM's real descriptors, so tests keep
 * them silent and judge them by their exit status.
 *
 * @param status the exit status {@code main} would exit with
 * @param out what the command printed to its stdout writer
 * @param err what it printed to its stderr writer
 */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SafespawnCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** The non-empty lines written to stderr. */
    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    /** For assertion messages: everything the run said. */
    String describe() {
        return "exit status " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
