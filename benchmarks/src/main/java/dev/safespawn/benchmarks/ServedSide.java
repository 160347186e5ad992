package dev.safespawn.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A side of a comparison that lives in a process of its own and stays warm
 * across rounds ({@link SpawnSideServer}, {@code pool_reference.py --serve}):
 * started once, it prints progress, then {@value #READY}; after that it
 * answers each request line with one line holding a number (nanoseconds).
 * Closing it closes its stdin, which tells it to exit, and waits for it.
 *
 * <p>Started with plain {@link ProcessBuilder}, as every helper of the
 * harness is. Not thread-safe: one thread asks and closes.
 */
final class ServedSide implements AutoCloseable {
    /** The line a served side prints when it is ready for requests. */
    static final String READY = "ready";
    /** How long a side may take to exit once its stdin is closed before it is destroyed. */
    private static final long EXIT_SECONDS = 60;

    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private ServedSide(String name, Process process) {
        this.name = name;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code command}; its stderr goes to the console. Call {@link #awaitReady()} before asking. */
    static ServedSide start(String name, List<String> command) throws IOException {
        return new ServedSide(name, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Echoes the side's progress until it says it is ready; fails if it exits first. */
    ServedSide awaitReady() throws IOException, InterruptedException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals(READY)) {
                return this;
            }
            System.out.println("  " + name + ": " + line);
        }
        throw new IOException(name + " exited " + process.waitFor() + " before it was ready");
    }

    /** Sends one request and returns the number it answers. */
    long ask(String request) throws IOException, InterruptedException {
        in.write(request + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IOException(name + " exited " + process.waitFor() + " on request " + request);
        }
        try {
            return Long.parseLong(answer.trim());
        } catch (NumberFormatException e) {
            throw new IOException(name + " answered " + answer + " to " + request, e);
        }
    }

    /** A side of {@link Rounds} with one series: {@code n} is sent as {@code request(n)}; the answer is one sample. */
    Rounds.Side side(String series, java.util.function.IntFunction<String> request) {
        return n -> java.util.Map.of(series, new long[] {ask(request.apply(n))});
    }

    /** Closes its stdin so it exits, and waits for that; destroys it if it does not exit in time. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // it has exited already: waitFor below reaps it
        }
        try {
            if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
                System.out.println("  " + name + " did not exit in " + EXIT_SECONDS + " s; destroying it");
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
