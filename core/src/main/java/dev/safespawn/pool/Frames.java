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
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The task channel's framing: each message is a 4-byte length, a kind byte,
 * the message's fixed fields, and then, for what user code supplies (a task,
 * an initializer, a value, an exception), a Java serialization stream of
 * that one object; a task's value that is {@linkplain PlainValues plain}
 * (a string, a boxed number or boolean, null) is written as itself instead.
 * Deserializing is guarded by an
 * {@link ObjectInputFilter} that bounds depth, array lengths, references and
 * bytes, merged with the user's own filter pattern if one was given: a
 * worker or parent that receives hostile bytes rejects them instead of
 * building whatever they describe.
 */
final class Frames {
    /** The largest message either side accepts. */
    static final int MAX_MESSAGE = 256 * 1024 * 1024;
    private static final String OWN_PACKAGE = Frames.class.getPackageName() + ".";
    private static final byte READY = 1;
    private static final byte INIT = 2;
    private static final byte INIT_FAILED = 3;
    private static final byte TASK = 4;
    private static final byte VALUE = 5;
    private static final byte FAILURE = 6;
    private static final byte PLAIN_VALUE = 7;
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
            if (c != null && (c.getName().startsWith(OWN_PACKAGE) || c == java.lang.invoke.SerializedLambda.class)) {
                // the pool's own carriers (map chunks, stand-ins for what could not be sent) and lambdas, whatever the user allows
                return ObjectInputFilter.Status.ALLOWED;
            }
            ObjectInputFilter.Status u = user.checkInput(info);
            if (info.serialClass() == null) {
                return u == ObjectInputFilter.Status.REJECTED ? u : ObjectInputFilter.Status.UNDECIDED;
            }
            return u == ObjectInputFilter.Status.ALLOWED ? u : ObjectInputFilter.Status.REJECTED;
        };
    }

    /**
     * Serializes one object; fails here, before anything is sent, if it
     * cannot be serialized. With {@code jdkByName}, for a channel whose other
     * end runs the same Java runtime, JDK classes are described by name
     * ({@link JdkClassDescriptors}).
     */
    static byte[] encode(Object object, boolean jdkByName) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream oos = JdkClassDescriptors.output(bytes, jdkByName)) {
            oos.writeObject(object);
        }
        return bytes.toByteArray();
    }

    /**
     * A message's frame body; fails here, before anything is sent, if what
     * it carries cannot be serialized, or is too big for the other side to
     * accept ({@link java.io.InvalidObjectException} naming both sizes).
     * {@code jdkByName} as for {@link #encode}.
     */
    static byte[] encodeMessage(Messages.Message message, boolean jdkByName) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        if (message instanceof Messages.Ready) {
            out.writeByte(READY);
        } else if (message instanceof Messages.Init m) {
            out.writeByte(INIT);
            out.write(encode(m.initializer(), jdkByName));
        } else if (message instanceof Messages.InitFailed m) {
            out.writeByte(INIT_FAILED);
            out.write(encode(m.failure(), jdkByName));
        } else if (message instanceof Messages.Task m) {
            out.writeByte(TASK);
            out.writeLong(m.id());
            out.write(m.callable());
        } else if (message instanceof Messages.Result m && m.failure() == null && PlainValues.isPlain(m.value())) {
            out.writeByte(PLAIN_VALUE);
            out.writeLong(m.id());
            PlainValues.write(m.value(), out);
        } else if (message instanceof Messages.Result m) {
            out.writeByte(m.failure() == null ? VALUE : FAILURE);
            out.writeLong(m.id());
            out.write(encode(m.failure() == null ? m.value() : m.failure(), jdkByName));
        }
        if (bytes.size() > MAX_MESSAGE) {
            String what = message instanceof Messages.Task ? "the task" : message instanceof Messages.Result r
                    ? (r.failure() == null ? "the task's value" : "the task's exception") : "the message";
            throw new java.io.InvalidObjectException(what + " is " + bytes.size() + " bytes serialized, over the"
                    + " task channel's limit of " + MAX_MESSAGE + " bytes");
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
     * Reads one message. The frame is read whole before what it carries is
     * deserialized, so a failure to deserialize leaves the channel intact.
     *
     * @throws EOFException at a clean end of the channel (the other side is gone)
     */
    static Messages.Message read(InputStream in, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt(); // EOFException: the other side closed the channel
        if (length < 1 || length > MAX_MESSAGE) {
            throw new StreamCorruptedException("message of " + length + " bytes on the task channel");
        }
        byte[] body = new byte[length];
        data.readFully(body);
        ByteBuffer fields = ByteBuffer.wrap(body);
        byte kind = fields.get();
        switch (kind) {
            case READY:
                return new Messages.Ready();
            case INIT:
                return new Messages.Init((Runnable) rest(fields, filter));
            case INIT_FAILED:
                return new Messages.InitFailed((Throwable) rest(fields, filter));
            case TASK:
                long id = longField(fields);
                return new Messages.Task(id, Arrays.copyOfRange(body, fields.position(), body.length));
            case VALUE:
                long valueOf = longField(fields);
                return new Messages.Result(valueOf, rest(fields, filter), null);
            case PLAIN_VALUE:
                long plainOf = longField(fields);
                return new Messages.Result(plainOf, PlainValues.read(fields, filter), null);
            case FAILURE:
                long failureOf = longField(fields);
                return new Messages.Result(failureOf, null, (Throwable) rest(fields, filter));
            default:
                throw new StreamCorruptedException("message of unknown kind " + kind + " on the task channel");
        }
    }

    private static long longField(ByteBuffer fields) throws StreamCorruptedException {
        if (fields.remaining() < Long.BYTES) {
            throw new StreamCorruptedException("message cut short on the task channel");
        }
        return fields.getLong();
    }

    private static Object rest(ByteBuffer fields, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(fields.array(), fields.position(), fields.remaining(), filter);
    }

    /** Deserializes what {@link #encode(Object, boolean)} made, guarded by {@code filter}. */
    static Object decode(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(bytes, 0, bytes.length, filter);
    }

    private static Object decode(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        try (ObjectInputStream ois = JdkClassDescriptors.input(new ByteArrayInputStream(bytes, offset, length))) {
            ois.setObjectInputFilter(filter); // a rejection is an InvalidClassException: nothing is built
            return ois.readObject();
        }
    }
}
