package dev.safespawn.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * A map's task: applies the function to a chunk of consecutive elements in a
 * worker. A failure names the offset of its element in the chunk, so the
 * parent can name the element.
 *
 * @param <T> the elements' type
 * @param <R> the function's result type
 */
final class MapChunk<T, R> implements SerializableCallable<List<R>> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<? super T, ? extends R> fn;
    private final ArrayList<T> elements;

    MapChunk(SerializableFunction<? super T, ? extends R> fn, ArrayList<T> elements) {
        this.fn = fn;
        this.elements = elements;
    }

    @Override
    public List<R> call() throws ElementFailure {
        List<R> results = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            try {
                results.add(fn.apply(elements.get(i)));
            } catch (Throwable t) {
                throw new ElementFailure(i, t);
            }
        }
        return results;
    }

    /** What the function threw on the element at {@link #offset} in the chunk: the cause. */
    static final class ElementFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int offset;

        ElementFailure(int offset, Throwable cause) {
            super("element " + offset + " of the chunk", cause);
            this.offset = offset;
        }

        int offset() {
            return offset;
        }
    }
}
