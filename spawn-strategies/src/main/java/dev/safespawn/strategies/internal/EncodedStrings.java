package dev.safespawn.strategies.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;

/**
 * A list of strings as C wants them: in the platform's encoding, each ended
 * by a NUL, and on demand as a native {@code char *[]} (NULL-terminated) in
 * one allocation. Immutable and thread-safe; the native array is made once
 * and only read by C.
 *
 * <p>An environment is encoded once per map: nearly every command shares the
 * inherited environment's map, so spawns after the first reuse its bytes and
 * native array instead of encoding dozens of strings each time.
 */
public final class EncodedStrings {
    private static final Charset CHARSET = Charset.forName(Native.getDefaultStringEncoding());
    private static final int POINTER = Native.POINTER_SIZE;

    /** The last environment encoded, by identity; usually the inherited one. */
    private static volatile Cached lastEnvironment;

    private final byte[][] strings;
    private final int totalBytes; // with the NULs
    private volatile Memory nativeArray;

    private record Cached(Map<String, String> map, EncodedStrings encoded) {
    }

    private EncodedStrings(byte[][] strings) {
        this.strings = strings;
        int total = 0;
        for (byte[] s : strings) {
            total += s.length + 1;
        }
        this.totalBytes = total;
    }

    /** Encodes {@code values}, in order. */
    public static EncodedStrings of(List<String> values) {
        byte[][] bytes = new byte[values.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = values.get(i).getBytes(CHARSET);
        }
        return new EncodedStrings(bytes);
    }

    /** Encodes {@code env} as {@code NAME=value} strings, in its iteration order. */
    public static EncodedStrings environment(Map<String, String> env) {
        Cached cached = lastEnvironment;
        if (cached != null && cached.map == env) {
            return cached.encoded;
        }
        byte[][] bytes = new byte[env.size()][];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            bytes[i++] = (e.getKey() + "=" + e.getValue()).getBytes(CHARSET);
        }
        EncodedStrings encoded = new EncodedStrings(bytes);
        lastEnvironment = new Cached(env, encoded);
        return encoded;
    }

    /** Bytes of all strings with their NULs, as {@link #writeTo} writes them. */
    public int totalBytes() {
        return totalBytes;
    }

    /** Encodes one string the same way (without its NUL). */
    public static byte[] encode(String s) {
        return s.getBytes(CHARSET);
    }

    /** Puts every string, each followed by a NUL, into {@code out}. */
    public void writeTo(ByteBuffer out) {
        for (byte[] s : strings) {
            out.put(s).put((byte) 0);
        }
    }

    /**
     * The strings as a NULL-terminated {@code char *[]}, pointers first and
     * the bytes after them, in one block, made on first use. The block lives
     * as long as the returned pointer: keep that reachable while C uses it.
     */
    public Pointer toNative() {
        Memory m = nativeArray;
        if (m == null) {
            long pointers = (long) (strings.length + 1) * POINTER;
            m = new Memory(pointers + Math.max(1, totalBytes));
            long offset = pointers;
            for (int i = 0; i < strings.length; i++) {
                m.setPointer((long) i * POINTER, m.share(offset));
                m.write(offset, strings[i], 0, strings[i].length);
                m.setByte(offset + strings[i].length, (byte) 0);
                offset += strings[i].length + 1;
            }
            m.setPointer((long) strings.length * POINTER, null);
            nativeArray = m;
        }
        return m;
    }
}
