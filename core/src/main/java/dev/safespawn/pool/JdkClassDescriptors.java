package dev.safespawn.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Object streams that write the class descriptor of a JDK class (one the
 * boot loader defines) as its name and a fingerprint of its serial form,
 * instead of the full descriptor with every field's name and type. Reading
 * full descriptors was most of what a pool round trip spent in the parent:
 * a lambda task carries {@code SerializedLambda}'s, an {@code Integer}
 * result {@code Integer}'s and {@code Number}'s, and each message is its own
 * stream, so the JDK's per-stream sharing never applied.
 *
 * <p>Only for a channel whose two ends run the same Java runtime (the pool
 * checks that the worker's {@code java} is its own), so the reader's own
 * descriptor of the class is the writer's; the fingerprint (serial version
 * and fields) makes any difference an {@link InvalidClassException} naming
 * the class rather than misread data. Each message still has its own
 * streams and nothing is remembered between messages, so a message that
 * fails to decode leaves the channel as it was. Classes other than the JDK's
 * are written in full, and the reader resolves and filters every class as an
 * {@link ObjectInputStream} does: the serial filter sees the same classes.
 *
 * <p>Streams are not thread-safe, as the JDK's are not; the caches are.
 */
final class JdkClassDescriptors {
    private static final byte FULL = 0;
    private static final byte BY_NAME = 1;
    private static final ClassValue<Long> FINGERPRINTS = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            return fingerprint(ObjectStreamClass.lookupAny(type));
        }
    };
    /** JDK classes by name, as read; the boot loader's classes are few, so this stays small. */
    private static final Map<String, Class<?>> BOOT_CLASSES = new ConcurrentHashMap<>();

    private JdkClassDescriptors() {
    }

    /**
     * An output stream; with {@code byName}, JDK classes' descriptors are
     * written by name, and in full otherwise (each descriptor then carries
     * one byte more than in a plain stream, saying so).
     */
    static ObjectOutputStream output(OutputStream out, boolean byName) throws IOException {
        return new Out(out, byName);
    }

    /** An input stream that reads what either kind of {@link #output} wrote. */
    static ObjectInputStream input(InputStream in) throws IOException {
        return new In(in);
    }

    private static boolean isJdkClass(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.getClassLoader() == null && !c.isPrimitive() && !c.isHidden();
    }

    /** The serial version and the fields, in the order the serial form writes them. */
    private static long fingerprint(ObjectStreamClass desc) {
        long h = desc.getSerialVersionUID();
        for (ObjectStreamField f : desc.getFields()) {
            h = 31 * h + f.getName().hashCode();
            h = 31 * h + java.util.Objects.hashCode(f.getTypeString()); // null for a primitive
            h = 31 * h + f.getTypeCode();
        }
        return h;
    }

    private static final class Out extends ObjectOutputStream {
        private final boolean byName;

        Out(OutputStream out, boolean byName) throws IOException {
            super(out);
            this.byName = byName;
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            Class<?> c = desc.forClass();
            if (byName && c != null && isJdkClass(c)) {
                writeByte(BY_NAME);
                writeUTF(c.getName());
                writeLong(FINGERPRINTS.get(c));
            } else {
                writeByte(FULL);
                super.writeClassDescriptor(desc);
            }
        }
    }

    private static final class In extends ObjectInputStream {
        In(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
            byte kind = readByte();
            if (kind == FULL) {
                return super.readClassDescriptor();
            }
            if (kind != BY_NAME) {
                throw new java.io.StreamCorruptedException("class descriptor of unknown kind " + kind);
            }
            String name = readUTF();
            long fingerprint = readLong();
            Class<?> c = bootClass(name);
            if (FINGERPRINTS.get(c) != fingerprint) {
                throw new InvalidClassException(name, "its serial form differs between the pool's JVM and the"
                        + " worker's; give the pool the same java as its own");
            }
            return ObjectStreamClass.lookupAny(c);
        }

        /** A class read by name is the JDK's own whatever loader asks; other classes resolve as usual. */
        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> local = desc.forClass();
            return local != null && isJdkClass(local) ? local : super.resolveClass(desc);
        }

        private static Class<?> bootClass(String name) throws ClassNotFoundException {
            Class<?> c = BOOT_CLASSES.get(name);
            if (c == null) {
                c = Class.forName(name, false, null);
                if (!isJdkClass(c)) {
                    throw new ClassNotFoundException(name + " is not a JDK class, so cannot be written by name");
                }
                BOOT_CLASSES.put(name, c);
            }
            return c;
        }
    }
}
