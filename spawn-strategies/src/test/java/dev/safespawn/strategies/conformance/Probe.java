package dev.safespawn.strategies.conformance;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where the compiled conformance probe ({@code src/test/c/safespawn-probe.c}) is. The
 * Maven build compiles it with the system C compiler and hands its path to Surefire in
 * the system property {@value #PROPERTY}.
 */
public final class Probe {

    /** System property naming the compiled probe. */
    public static final String PROPERTY = "safespawn.probe";

    private Probe() {
    }

    /**
     * The probe executable, as an absolute path (so that it still resolves for a child
     * given another working directory).
     *
     * @throws IllegalStateException if {@value #PROPERTY} is unset, or does not name an
     *     executable regular file
     */
    public static Path path() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property '" + PROPERTY + "' is not set. It must name"
                    + " the compiled conformance probe, which the Maven build of spawn-strategies compiles"
                    + " from src/test/c/safespawn-probe.c and passes to Surefire. Outside Maven, compile it"
                    + " with 'cc -O2 -Wall -Wextra -Werror -o safespawn-probe safespawn-probe.c' and run"
                    + " the tests with -D" + PROPERTY + "=/absolute/path/to/safespawn-probe.");
        }
        Path path;
        try {
            path = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalStateException(
                    "System property '" + PROPERTY + "' is not a valid path: '" + value + "'", e);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("The conformance probe named by -D" + PROPERTY + " does not"
                    + " exist or is not a regular file: " + path + " (was src/test/c/safespawn-probe.c"
                    + " compiled?)");
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(
                    "The conformance probe named by -D" + PROPERTY + " is not executable: " + path);
        }
        return path;
    }
}
