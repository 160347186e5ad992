package dev.safespawn.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol between the harness and the helper programs it runs (scenario
 * JVMs, the Python reference): a result is a line {@code @result key=value};
 * every other line is progress, echoed to the console.
 */
final class ResultLines {
    static final String PREFIX = "@result ";

    private ResultLines() {
    }

    /** Writes one result line. */
    static void emit(PrintStream out, String key, Object value) {
        out.println(PREFIX + key + "=" + value);
    }

    /** Reads a helper's output to its end; echoes other lines with {@code echoPrefix}; returns the results. */
    static Map<String, String> read(InputStream in, String echoPrefix) throws IOException {
        Map<String, String> results = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(PREFIX)) {
                    String kv = line.substring(PREFIX.length());
                    int eq = kv.indexOf('=');
                    results.put(kv.substring(0, eq), kv.substring(eq + 1));
                } else {
                    System.out.println(echoPrefix + line);
                }
            }
        }
        return results;
    }
}
