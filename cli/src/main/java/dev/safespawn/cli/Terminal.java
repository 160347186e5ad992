package dev.safespawn.cli;

import java.nio.charset.Charset;

/** What the CLI's standard output can show. */
final class Terminal {
    private Terminal() {
    }

    /**
     * Whether stdout's charset can encode {@code text}: in a C/POSIX locale the
     * JVM would turn characters such as ✓ or µ into '?'.
     */
    static boolean canShow(String text) {
        return stdoutCharset().newEncoder().canEncode(text);
    }

    /** The charset picocli's default stdout writer uses. */
    private static Charset stdoutCharset() {
        String name = System.getProperty("sun.stdout.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }
}
