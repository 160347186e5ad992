package dev.safespawn.pool;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;

/**
 * The values a task most often returns, written as a tag and the value's
 * bytes instead of a serialization stream: null, a {@link String}, an
 * {@link Integer}, a {@link Long}, a {@link Double} or a {@link Boolean}.
 * Decoding a serialization stream, even of one {@code Integer}, took the
 * parent tens of microseconds per task (a stream, two class descriptors,
 * reflection), more than the rest of its part of a round trip.
 *
 * <p>The reader asks the channel's serial filter about the same classes an
 * {@link java.io.ObjectInputStream} would have: the boxed class and, for
 * numbers, {@link Number}; for a string, only the stream limits (a stream
 * does not filter strings by class). A value the filter rejects fails as it
 * would have, with an {@link InvalidClassException}. The value read is equal
 * to the one written, as serialization's would be. Stateless; thread-safe.
 */
final class PlainValues {
    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INTEGER = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte BOOLEAN = 5;

    private PlainValues() {
    }

    /** Whether {@code value} is written as itself. */
    static boolean isPlain(Object value) {
        return value == null || value instanceof String || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof Boolean;
    }

    /** Writes a value {@link #isPlain} accepts. */
    static void write(Object value, DataOutputStream out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            out.writeInt(s.length());
            out.writeChars(s); // UTF-16 code units as they are: a lone surrogate survives, as in a stream
        } else if (value instanceof Integer i) {
            out.writeByte(INTEGER);
            out.writeInt(i);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else {
            throw new IllegalArgumentException("not a plain value: " + value.getClass().getName());
        }
    }

    /** Reads what {@link #write} wrote, from the buffer's position to its end, checking it with {@code filter}. */
    static Object read(ByteBuffer in, ObjectInputFilter filter) throws IOException {
        try {
            byte tag = in.get();
            long size = in.remaining();
            switch (tag) {
                case NULL:
                    return null;
                case STRING:
                    check(filter, null, size);
                    int length = in.getInt();
                    if (length < 0 || length > in.remaining() / Character.BYTES) {
                        throw new StreamCorruptedException("string of " + length + " chars in a plain value of "
                                + size + " bytes on the task channel"); // before allocating for it
                    }
                    char[] chars = new char[length];
                    in.asCharBuffer().get(chars);
                    in.position(in.position() + 2 * chars.length);
                    return new String(chars);
                case INTEGER:
                    checkNumber(filter, Integer.class, size);
                    return in.getInt();
                case LONG:
                    checkNumber(filter, Long.class, size);
                    return in.getLong();
                case DOUBLE:
                    checkNumber(filter, Double.class, size);
                    return Double.longBitsToDouble(in.getLong());
                case BOOLEAN:
                    check(filter, Boolean.class, size);
                    return in.get() != 0;
                default:
                    throw new StreamCorruptedException("plain value of unknown kind " + tag + " on the task channel");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new StreamCorruptedException("plain value cut short on the task channel");
        }
    }

    private static void checkNumber(ObjectInputFilter filter, Class<?> type, long size) throws InvalidClassException {
        check(filter, type, size);
        check(filter, Number.class, size); // its serializable superclass, whose descriptor a stream reads too
    }

    private static void check(ObjectInputFilter filter, Class<?> type, long size) throws InvalidClassException {
        ObjectInputFilter.Status status = filter.checkInput(new Info(type, size));
        if (status == ObjectInputFilter.Status.REJECTED) {
            throw new InvalidClassException(type == null ? "java.lang.String" : type.getName(),
                    "filter status: REJECTED");
        }
    }

    /** What a stream would tell the filter about a top-level object of {@code size} bytes. */
    private record Info(Class<?> serialClass, long streamBytes) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 1;
        }
    }
}
