package dev.safespawn.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;

/**
 * The task channel's framing: each message is a 4-byte length and a Java
 * serialization stream of one object. Reading is guarded by an
 * {@link ObjectInputFilter} that bounds depth, array lengths, references and
 * bytes, merged with the user's own filter pattern if one was given: a
 * worker or parent that receives hostile bytes rejects them instead of
 * building whatever they describe.
 */
final class Frames {
    /** The largest message either side accepts. */
    static final int MAX_MESSAGE = 256 * 1024 * 1024;
    private static final String OWN_PACKAGE = Frames.class.getPackageName() + ".";
    private static final String LIMITS = "maxdepth=100;maxarray=100000000;maxrefs=10000000;maxbytes=" + MAX_MESSAGE;

    private Frames() {
    }

    /** The filter for a channel: the built-in limits, then {@code userPattern} (may be null or empty). */
    static ObjectInputFilter filter(String userPattern) {
        ObjectInputFilter limits = ObjectInputFilter.Config.createFilter(LIMITS);
        if (userPattern == null || userPattern.isBlank()) {
            return limits;
        }
        ObjectInputFilter user = ObjectInputFilter.Config.createFilter(userPattern);
        // The limits reject; otherwise the user's pattern decides, and what it
        // leaves undecided (classes it does not name) is rejected as well.
        return info -> {
            ObjectInputFilter.Status s = limits.checkInput(info);
            if (s == ObjectInputFilter.Status.REJECTED) {
                return s;
            }
            Class<?> c = info.serialClass();
            if (c != null && (c.getName().startsWith(OWN_PACKAGE) || c == java.lang.invoke.SerializedLambda.class
                    || c == byte[].class)) {
                // the channel's own messages, whatever the user allows; byte[] carries a task, itself filtered when decoded
                return ObjectInputFilter.Status.ALLOWED;
            }
            ObjectInputFilter.Status u = user.checkInput(info);
            if (info.serialClass() == null) {
                return u == ObjectInputFilter.Status.REJECTED ? u : ObjectInputFilter.Status.UNDECIDED;
            }
            return u == ObjectInputFilter.Status.ALLOWED ? u : ObjectInputFilter.Status.REJECTED;
        };
    }

    /** Serializes one message; fails here, before anything is sent, if it cannot be serialized. */
    static byte[] encode(Object message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
            oos.writeObject(message);
        }
        return bytes.toByteArray();
    }

    /** Sends an encoded message and flushes. */
    static void send(OutputStream out, byte[] encoded) throws IOException {
        new DataOutputStream(out).writeInt(encoded.length);
        out.write(encoded);
        out.flush();
    }

    /**
     * Reads one message.
     *
     * @throws EOFException at a clean end of the channel (the other side is gone)
     */
    static Object read(InputStream in, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt(); // EOFException: the other side closed the channel
        if (length < 0 || length > MAX_MESSAGE) {
            throw new StreamCorruptedException("message of " + length + " bytes on the task channel");
        }
        byte[] body = new byte[length];
        data.readFully(body);
        return decode(body, filter);
    }

    /** Deserializes what {@link #encode} made, guarded by {@code filter}. */
    static Object decode(byte[] body, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(body))) {
            ois.setObjectInputFilter(filter); // a rejection is an InvalidClassException: nothing is built
            return ois.readObject();
        }
    }
}
