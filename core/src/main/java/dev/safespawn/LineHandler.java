package dev.safespawn;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link ChildHandler} that hands over the child's output a line at a
 * time, decoded: extend it and override {@link #onStdoutLine(String)} and
 * {@link #onStderrLine(String)} (and, as for any handler, {@code onStart},
 * {@code onStdinReady} and {@code onExit}).
 *
 * <ul>
 * <li>Decoding is correct across reads: a character whose bytes arrive in
 *     two reads (a UTF-8 sequence, a UTF-16 pair) is decoded once it is
 *     whole. Malformed or unmappable input becomes the charset's replacement
 *     (U+FFFD for UTF-8), never an exception.</li>
 * <li>A line ends at {@code \n}; a {@code \r} just before it is dropped
 *     too, so CRLF output reads the same. The terminator is not part of the
 *     line. Text after the last {@code \n} is a line of its own when the
 *     stream ends; an empty stream gives no line.</li>
 * <li>Bounded: a line longer than {@link #maxLineLength()} characters is
 *     handed over in pieces of that length, so a child that never writes a
 *     newline cannot make the handler hold its whole output.</li>
 * </ul>
 *
 * <p>Threading is a handler's (see {@link ChildHandler}): one child's
 * callbacks never overlap, so a subclass used for one child needs no
 * locking. Not for sharing between children. Null policy: the constructors
 * reject a null charset; lines are never null.
 */
public abstract class LineHandler implements ChildHandler {
    /** The default longest line, in characters. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;

    private final Lines stdout;
    private final Lines stderr;
    private final int maxLineLength;

    /** Decodes UTF-8, with lines of at most {@link #DEFAULT_MAX_LINE_LENGTH} characters. */
    protected LineHandler() {
        this(StandardCharsets.UTF_8, DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * Decodes {@code charset}, with lines of at most {@code maxLineLength} characters.
     *
     * @param charset the child's output encoding
     * @param maxLineLength the longest piece handed over at once, 1 or more
     * @throws IllegalArgumentException if {@code maxLineLength} is less than 1
     */
    protected LineHandler(Charset charset, int maxLineLength) {
        Objects.requireNonNull(charset, "charset");
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength " + maxLineLength + " is less than 1");
        }
        this.maxLineLength = maxLineLength;
        this.stdout = new Lines(charset, maxLineLength, this::onStdoutLine);
        this.stderr = new Lines(charset, maxLineLength, this::onStderrLine);
    }

    /** {@return the longest piece of a line handed over at once, in characters} */
    public final int maxLineLength() {
        return maxLineLength;
    }

    /**
     * One line of standard output, without its terminator.
     *
     * @param line the line, never null
     */
    protected void onStdoutLine(String line) {
    }

    /**
     * One line of standard error, without its terminator.
     *
     * @param line the line, never null
     */
    protected void onStderrLine(String line) {
    }

    /** Decodes and splits; final: override {@link #onStdoutLine(String)}. */
    @Override
    public final void onStdout(ByteBuffer buffer, boolean closed) {
        stdout.feed(buffer, closed);
    }

    /** Decodes and splits; final: override {@link #onStderrLine(String)}. */
    @Override
    public final void onStderr(ByteBuffer buffer, boolean closed) {
        stderr.feed(buffer, closed);
    }

    /** One stream's decoder and the line it is building. */
    private static final class Lines {
        private final CharsetDecoder decoder;
        private final int max;
        private final Consumer<String> sink;
        private final CharBuffer chars = CharBuffer.allocate(8192);
        private final StringBuilder line = new StringBuilder();
        private boolean pendingCr;

        Lines(Charset charset, int max, Consumer<String> sink) {
            this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            this.max = max;
            this.sink = sink;
        }

        /** Decodes what is whole; an incomplete character's bytes stay in {@code in} for the next call. */
        void feed(ByteBuffer in, boolean closed) {
            while (true) {
                CoderResult r = decoder.decode(in, chars, closed);
                split();
                if (!r.isOverflow()) {
                    break;
                }
            }
            if (closed) {
                while (decoder.flush(chars).isOverflow()) {
                    split();
                }
                split();
                if (pendingCr) {
                    line.append('\r'); // a lone \r at the very end is text
                    pendingCr = false;
                }
                if (line.length() > 0) {
                    emit();
                }
                in.position(in.limit());
            }
        }

        private void split() {
            chars.flip();
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (pendingCr) {
                    pendingCr = false;
                    if (c != '\n') {
                        line.append('\r');
                    }
                }
                if (c == '\n') {
                    emit();
                } else if (c == '\r') {
                    pendingCr = true;
                } else {
                    line.append(c);
                    if (line.length() >= max) {
                        emit();
                    }
                }
            }
            chars.clear();
        }

        private void emit() {
            String s = line.toString();
            line.setLength(0);
            sink.accept(s);
        }
    }
}
