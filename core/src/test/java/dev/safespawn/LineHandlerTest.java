package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LineHandler} fed as the event loop feeds a handler: a buffer whose
 * unconsumed bytes come back first in the next call. Every split point of the
 * input is tried, so a character cut across two reads is always covered.
 */
class LineHandlerTest {
    private static final String TEXT = "héllo wörld €\nsecond 𝄞 line\r\n\nthird without end";
    private static final List<String> LINES = List.of("héllo wörld €", "second 𝄞 line", "", "third without end");

    @Test
    void utf8CutAtEveryByteDecodesToTheSameLines() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(feed(StandardCharsets.UTF_8, bytes, cut, 64)).as("cut at %d", cut).isEqualTo(LINES);
        }
    }

    @Test
    void utf16CutAtEveryByteDecodesToTheSameLines() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_16LE);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(feed(StandardCharsets.UTF_16LE, bytes, cut, 64)).as("cut at %d", cut).isEqualTo(LINES);
        }
    }

    @Test
    void malformedInputBecomesTheReplacementCharacter() {
        byte[] bytes = {'a', (byte) 0xff, 'b', '\n'};
        assertThat(feed(StandardCharsets.UTF_8, bytes, 2, 64)).containsExactly("a\uFFFDb");
    }

    @Test
    void aLineLongerThanTheLimitComesInPieces() {
        byte[] bytes = "abcdefg\nhi".getBytes(StandardCharsets.US_ASCII);
        assertThat(feed(StandardCharsets.US_ASCII, bytes, 3, 3)).containsExactly("abc", "def", "g", "hi");
    }

    @Test
    void aLoneCarriageReturnIsText() {
        byte[] bytes = "a\rb\n\r".getBytes(StandardCharsets.US_ASCII);
        assertThat(feed(StandardCharsets.US_ASCII, bytes, 2, 64)).containsExactly("a\rb", "\r");
    }

    @Test
    void anEmptyStreamGivesNoLine() {
        assertThat(feed(StandardCharsets.UTF_8, new byte[0], 0, 64)).isEmpty();
    }

    /** Feeds {@code bytes} in two reads split at {@code cut}, then the closing call, keeping unconsumed bytes. */
    private static List<String> feed(Charset charset, byte[] bytes, int cut, int maxLine) {
        List<String> lines = new ArrayList<>();
        LineHandler h = new LineHandler(charset, maxLine) {
            @Override
            protected void onStdoutLine(String line) {
                lines.add(line);
            }
        };
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 8);
        buffer.put(bytes, 0, cut).flip();
        h.onStdout(buffer, false);
        buffer.compact();
        buffer.put(bytes, cut, bytes.length - cut).flip();
        h.onStdout(buffer, false);
        buffer.compact().flip();
        h.onStdout(buffer, true);
        return lines;
    }
}
