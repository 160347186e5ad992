package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.values.UserValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The task channel's framing and its deserialization filter, in one JVM. */
class FramesTest {
    private static final ObjectInputFilter NO_PATTERN = Frames.filter(null);

    private static byte[] framed(Messages.Message... messages) throws Exception {
        return framed(false, messages);
    }

    private static byte[] framed(boolean jdkByName, Messages.Message... messages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Messages.Message m : messages) {
            Frames.send(out, Frames.encodeMessage(m, jdkByName));
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "JDK classes by name: {0}")
    @ValueSource(booleans = {false, true})
    void messagesGoThroughInOrderAndTheEndIsAnEofException(boolean jdkByName) throws Exception {
        SerializableCallable<Integer> task = () -> 6 * 7;
        IllegalStateException failure = new IllegalStateException("thrown by a task");
        ByteArrayInputStream in = new ByteArrayInputStream(framed(jdkByName, new Messages.Ready(),
                Messages.Task.of(1, task, jdkByName), new Messages.Result(1, "value", null),
                new Messages.Result(2, null, failure)));

        assertThat(Frames.read(in, NO_PATTERN)).isEqualTo(new Messages.Ready());
        Messages.Task t = (Messages.Task) Frames.read(in, NO_PATTERN);
        assertThat(t.id()).isEqualTo(1);
        assertThat(((SerializableCallable<?>) Frames.decode(t.callable(), NO_PATTERN)).call()).isEqualTo(42);
        assertThat(Frames.read(in, NO_PATTERN)).isEqualTo(new Messages.Result(1, "value", null));
        Messages.Result failed = (Messages.Result) Frames.read(in, NO_PATTERN);
        assertThat(failed.id()).isEqualTo(2);
        assertThat(failed.value()).isNull();
        assertThat(failed.failure()).isInstanceOf(IllegalStateException.class).hasMessage("thrown by a task");
        assertThatThrownBy(() -> Frames.read(in, NO_PATTERN)).isInstanceOf(EOFException.class);
    }

    @Test
    void aFrameCutShortIsAnEofExceptionToo() throws Exception {
        byte[] whole = framed(new Messages.Result(1, "a value", null));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 1);
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(cut), NO_PATTERN))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aLengthOutOfBoundsIsRejectedBeforeAnythingIsAllocated() throws Exception {
        for (int length : new int[] {-1, 0, Frames.MAX_MESSAGE + 1, Integer.MAX_VALUE}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DataOutputStream(out).writeInt(length);
            assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(out.toByteArray()), NO_PATTERN))
                    .isInstanceOf(StreamCorruptedException.class).hasMessageContaining(Integer.toString(length));
        }
    }

    @Test
    void somethingUnserializableFailsAtEncodingBeforeAnythingIsSent() {
        assertThatThrownBy(() -> Frames.encodeMessage(new Messages.Result(1, new Object(), null), false))
                .isInstanceOf(NotSerializableException.class);
    }

    @Test
    void aMessageOfUnknownKindOrCutInsideItsFieldsIsCorrupt() throws Exception {
        for (byte[] body : new byte[][] {{99}, {4, 0, 0, 0}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Frames.send(out, body);
            assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(out.toByteArray()), NO_PATTERN))
                    .isInstanceOf(StreamCorruptedException.class);
        }
    }

    @Test
    void theBuiltInLimitsRejectAGraphTooDeepEvenWithoutAPattern() throws Exception {
        List<Object> deep = new ArrayList<>();
        List<Object> at = deep;
        for (int i = 0; i < 200; i++) { // maxdepth is 100
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        byte[] frame = framed(new Messages.Result(1, deep, null));
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(frame), NO_PATTERN))
                .isInstanceOf(InvalidClassException.class);
    }

    // UserValue stands for a user's class: outside java.base and outside this package,
    // whose own classes the channel always allows.
    @Test
    void aUserPatternDecidesForOtherClassesButNeverBlocksTheChannelsOwn() throws Exception {
        ObjectInputFilter onlyBase = Frames.filter("java.base/*;!*");
        byte[] own = framed(new Messages.Result(3, "text", null));
        assertThat(Frames.read(new ByteArrayInputStream(own), onlyBase)).isEqualTo(new Messages.Result(3, "text", null));

        byte[] foreign = framed(new Messages.Result(4, new UserValue(0), null));
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(foreign), Frames.filter("java.base/*")))
                .as("a class the pattern does not name is rejected, not left undecided")
                .isInstanceOf(InvalidClassException.class);
        assertThat(Frames.read(new ByteArrayInputStream(foreign),
                Frames.filter("java.base/*;com.example.values.UserValue")))
                .isInstanceOf(Messages.Result.class);
    }

    @Test
    void aBlankPatternIsNoPattern() throws Exception {
        byte[] frame = framed(new Messages.Result(5, new UserValue(0), null));
        assertThat(Frames.read(new ByteArrayInputStream(frame), Frames.filter("  "))).isInstanceOf(Messages.Result.class);
    }

    @Test
    void anUnserializableOutcomeIsDescribedWithItsStackTrace() {
        IllegalStateException original = new IllegalStateException("broken");
        Messages.Unserializable u = new Messages.Unserializable("the task's exception", original,
                new NotSerializableException("Thing"));
        assertThat(u).hasMessageContaining("the task's exception could not be sent back")
                .hasMessageContaining("java.lang.IllegalStateException: broken");
        assertThat(u.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(new Messages.Unserializable("the task's value", null, new NotSerializableException("X")))
                .hasMessageEndingWith(": ");
    }
}
