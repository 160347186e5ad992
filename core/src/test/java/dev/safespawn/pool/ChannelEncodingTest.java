package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.values.UserValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two shortcuts of the task channel: plain values written as themselves
 * ({@link PlainValues}) and JDK classes described by name
 * ({@link JdkClassDescriptors}). Each must read back what a serialization
 * stream would, and ask the serial filter what a stream would ask.
 */
class ChannelEncodingTest {
    private static final ObjectInputFilter NO_PATTERN = Frames.filter(null);
    private static final List<Object> PLAIN = Arrays.asList(null, "", "text", "lone \uD800 surrogate",
            "x".repeat(100_000), 0, Integer.MIN_VALUE, 42, Long.MAX_VALUE, -0.0d, Double.NaN, 1.5d, true, false);
    private static final List<String> PATTERNS = List.of("java.base/*;!*", "!java.lang.Integer", "!java.lang.Number",
            "!java.lang.String", "!java.lang.Boolean", "!java.lang.*", "maxbytes=10", "com.example.*;!*");

    private static Object readValue(byte[] body, ObjectInputFilter filter) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.send(out, body);
        return ((Messages.Result) Frames.read(new ByteArrayInputStream(out.toByteArray()), filter)).value();
    }

    @Test
    void plainValuesReadBackEqual() throws Exception {
        for (Object value : PLAIN) {
            byte[] plain = Frames.encodeMessage(new Messages.Result(1, value, null), false);
            assertThat(readValue(plain, NO_PATTERN)).as("%s", value).isEqualTo(value);
        }
    }

    @Test
    void theFilterDecidesAPlainValueAsItDecidesTheSameValueInAStream() throws Exception {
        for (String pattern : PATTERNS) {
            ObjectInputFilter filter = Frames.filter(pattern);
            for (Object value : PLAIN) {
                boolean streamRejects = rejects(() -> Frames.decode(Frames.encode(value, false), filter));
                boolean plainRejects = rejects(() -> readValue(
                        Frames.encodeMessage(new Messages.Result(1, value, null), false), filter));
                if (!pattern.startsWith("maxbytes")) { // a plain value is smaller than its stream
                    assertThat(plainRejects).as("%s under %s", value, pattern).isEqualTo(streamRejects);
                }
            }
        }
        assertThatThrownBy(() -> readValue(Frames.encodeMessage(new Messages.Result(1, 7, null), false),
                Frames.filter("!java.lang.Integer"))).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("java.lang.Integer");
    }

    private interface Decode {
        Object run() throws Exception;
    }

    private static boolean rejects(Decode decode) throws Exception {
        try {
            decode.run();
            return false;
        } catch (InvalidClassException rejected) {
            return true;
        }
    }

    @Test
    void jdkClassesByNameReadBackEqualAndAreSmallerThanInFull() throws Exception {
        Map<String, List<Object>> graph = new HashMap<>();
        // an enum, and an Externalizable stand-in (LocalDate is written as java.time.Ser)
        graph.put("a", new ArrayList<>(List.of(1, 2L, "three", new int[] {4}, new String[] {"5"},
                java.util.concurrent.TimeUnit.SECONDS, java.time.LocalDate.of(2026, 12, 2))));
        SerializableCallable<Object> task = () -> graph;
        byte[] full = Frames.encode(task, false);
        byte[] byName = Frames.encode(task, true);
        assertThat(byName.length).isLessThan(full.length);
        for (byte[] bytes : List.of(full, byName)) {
            @SuppressWarnings("unchecked")
            Map<String, List<Object>> back = (Map<String, List<Object>>) ((SerializableCallable<?>) Frames.decode(
                    bytes, NO_PATTERN)).call();
            assertThat(back.get("a")).hasSize(7).startsWith(1, 2L, "three")
                    .endsWith(java.util.concurrent.TimeUnit.SECONDS, java.time.LocalDate.of(2026, 12, 2));
            assertThat((int[]) back.get("a").get(3)).containsExactly(4);
            assertThat((String[]) back.get("a").get(4)).containsExactly("5");
        }
    }

    @Test
    void byNameTheFilterStillSeesEveryClassAndAUserClassIsWrittenInFull() throws Exception {
        byte[] user = Frames.encode(new ArrayList<>(List.of(new UserValue(3))), true);
        assertThat(Frames.decode(user, NO_PATTERN)).isEqualTo(List.of(new UserValue(3)));
        assertThatThrownBy(() -> Frames.decode(user, Frames.filter("java.base/*")))
                .as("a class the pattern does not name").isInstanceOf(InvalidClassException.class);
        byte[] jdk = Frames.encode(new ArrayList<>(List.of(1)), true);
        assertThatThrownBy(() -> Frames.decode(jdk, Frames.filter("!java.util.ArrayList")))
                .as("a JDK class by name").isInstanceOf(InvalidClassException.class);
    }

    @Test
    void aJdkClassWhoseSerialFormDiffersIsRefusedByName() throws Exception {
        byte[] bytes = Frames.encode(Integer.valueOf(5), true);
        int at = indexOf(bytes, "java.lang.Integer".getBytes(StandardCharsets.UTF_8));
        assertThat(at).isPositive();
        bytes[at + "java.lang.Integer".length()] ^= 1; // the first byte of its fingerprint
        byte[] tampered = bytes;
        assertThatThrownBy(() -> Frames.decode(tampered, NO_PATTERN)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("java.lang.Integer").hasMessageContaining("same java");
    }

    @Test
    void aClassByNameMustBeTheJdksOwn() throws Exception {
        byte[] bytes = Frames.encode(Integer.valueOf(5), true);
        String jdk = "java.lang.Integer";
        int at = indexOf(bytes, jdk.getBytes(StandardCharsets.UTF_8));
        String user = "com.example.values.UserValue".substring(0, jdk.length()); // same length, not a JDK class
        System.arraycopy(user.getBytes(StandardCharsets.UTF_8), 0, bytes, at, jdk.length());
        assertThatThrownBy(() -> Frames.decode(bytes, NO_PATTERN)).isInstanceOf(InvalidClassException.class)
                .hasRootCauseInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aStringLongerThanItsMessageIsCorruptBeforeAnythingIsAllocated() throws Exception {
        byte[] body = Frames.encodeMessage(new Messages.Result(1, "ab", null), false);
        int lengthAt = 1 + Long.BYTES + 1; // kind, id, plain tag
        java.nio.ByteBuffer.wrap(body).putInt(lengthAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> readValue(body, NO_PATTERN)).isInstanceOf(java.io.StreamCorruptedException.class)
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
