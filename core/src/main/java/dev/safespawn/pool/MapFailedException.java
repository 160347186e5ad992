package dev.safespawn.pool;

/**
 * A map's first failure, naming its element. Thrown by the iterator or stream
 * of {@link ProcessPool#map(Iterable, SerializableFunction, MapOptions)} and
 * {@link ProcessPool#imap(Iterable, SerializableFunction, MapOptions)}, which
 * are closed by then; the cause is what the function threw (as itself, from
 * the worker), or, when the task failed as a whole, a
 * {@link WorkerCrashedException}, a {@link java.util.concurrent.TimeoutException}
 * or the error of a value that could not be serialized.
 *
 * <p>Immutable and thread-safe; {@link #element()} and the message are never null.
 */
public final class MapFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How much of an element's text the message keeps; {@link #element()} has it all. */
    private static final int SHOWN = 200;

    /** The failing element's position in the input. */
    private final long index;
    /** The failing element's text. */
    private final String element;

    MapFailedException(String what, long index, String element, Throwable cause) {
        super(what + " (" + abbreviate(element) + ") failed: " + cause, cause);
        this.index = index;
        this.element = element;
    }

    /**
     * The element's position in the input, from 0. When the task failed as a
     * whole rather than the function on one element (see the message), and
     * it held a chunk of several, this is the chunk's first element.
     *
     * @return the index
     */
    public long index() {
        return index;
    }

    /**
     * The element's {@code toString()}, taken in this JVM.
     *
     * @return the text, {@code "null"} for a null element
     */
    public String element() {
        return element;
    }

    /** The element's text, or what went wrong taking it: a failure report must not fail itself. */
    static String describe(Object element) {
        try {
            return String.valueOf(element);
        } catch (RuntimeException e) {
            return "<toString() threw " + e + ">";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "…";
    }
}
