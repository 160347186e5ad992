package dev.safespawn;

import java.io.InputStream;
import java.nio.file.Path;

/** What the child reads. */
final class RunInput {
    static final RunInput NONE = new RunInput(null, null, null);
    final byte[] bytes;
    final Path file;
    final InputStream stream;

    RunInput(byte[] bytes, Path file, InputStream stream) {
        this.bytes = bytes;
        this.file = file;
        this.stream = stream;
    }
}
