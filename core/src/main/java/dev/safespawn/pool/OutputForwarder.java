package dev.safespawn.pool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;

/** Copies a worker's output to the parent's stream line by line, each line tagged with the worker's name. */
final class OutputForwarder {
    private OutputForwarder() {
    }

    static Thread start(InputStream from, PrintStream to, String worker) {
        Thread t = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(from, Charset.defaultCharset()))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    to.println("[" + worker + "] " + line);
                }
            } catch (IOException workerGone) {
                // the stream ends with the worker
            }
        }, "safespawn-pool-output-" + worker);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
