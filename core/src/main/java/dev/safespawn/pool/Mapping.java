package dev.safespawn.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The machinery behind {@code ProcessPool.map} and {@code imap}: reads the
 * input in chunks on the consumer's thread, keeps at most {@code prefetch}
 * chunk tasks submitted but not wholly consumed, and hands results out in
 * input order or as tasks finish. A chunk's slot is freed only once its last
 * result has been handed out, so at most {@code prefetch × chunkSize}
 * elements are ever read ahead of the consumer.
 *
 * <p>Not thread-safe (see {@link MapIterator}), except that the dispatchers
 * report finished tasks through a concurrent queue.
 */
final class Mapping<T, R> implements MapIterator<R> {
    private final Dispatcher dispatcher;
    private final Iterator<? extends T> input;
    private final SerializableFunction<? super T, ? extends R> fn;
    private final boolean ordered;
    private final int chunkSize;
    private final int prefetch;
    private final Runnable onClose;
    private final ArrayDeque<Chunk<T, R>> pending = new ArrayDeque<>(); // submitted, not yet being consumed; input order
    private final BlockingQueue<Chunk<T, R>> finished = new LinkedBlockingQueue<>(); // unordered: as tasks end
    private Chunk<T, R> current; // the chunk whose results are being handed out
    private long read; // elements read from the input so far: the next one's index
    private boolean inputDone;
    private boolean closed;

    private Mapping(Dispatcher dispatcher, Iterator<? extends T> input, SerializableFunction<? super T, ? extends R> fn,
                    MapOptions options, int workers, Runnable onClose) {
        this.dispatcher = dispatcher;
        this.input = input;
        this.fn = fn;
        this.ordered = options.isOrdered();
        this.chunkSize = options.chunkSize();
        this.prefetch = options.prefetchOr(workers);
        this.onClose = onClose;
    }

    /** An iterator that has read nothing yet; {@code onClose} runs once, when it closes. */
    static <T, R> Mapping<T, R> over(Dispatcher dispatcher, Iterator<? extends T> input,
                                     SerializableFunction<? super T, ? extends R> fn, MapOptions options,
                                     int workers, Runnable onClose) {
        return new Mapping<>(dispatcher, input, fn, options, workers, onClose);
    }

    /** The results as a sequential stream whose {@link Stream#close()} closes this iterator. */
    Stream<R> stream() {
        int characteristics = ordered ? Spliterator.ORDERED : 0;
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, characteristics), false)
                .onClose(this::close);
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (current != null && current.hasMore()) {
            return true;
        }
        current = null; // its slot is free: all its results are handed out
        try {
            fill();
            if (pending.isEmpty()) {
                close(); // the input is exhausted and every result consumed
                return false;
            }
            current = awaitNext();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        return true;
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the map has no more results");
        }
        return current.take();
    }

    /** Reads and submits chunks until {@code prefetch} are outstanding or the input ends. */
    private void fill() {
        while (!inputDone && pending.size() < prefetch) {
            ArrayList<T> elements = new ArrayList<>(Math.min(chunkSize, 1024));
            while (elements.size() < chunkSize && input.hasNext()) {
                elements.add(input.next());
            }
            if (elements.size() < chunkSize) {
                inputDone = true;
            }
            if (elements.isEmpty()) {
                return;
            }
            Chunk<T, R> chunk = new Chunk<>(read, elements, PoolTask.of(new MapChunk<T, R>(fn, elements)));
            read += elements.size();
            if (!ordered) {
                // On the dispatcher's thread: a non-blocking add, nothing of the caller's.
                chunk.task.completion().whenComplete((v, e) -> finished.add(chunk));
            }
            pending.addLast(chunk);
            dispatcher.enqueue(chunk.task);
        }
    }

    /** Waits for the next chunk to hand out (the oldest, or the first to finish) and takes its results. */
    private Chunk<T, R> awaitNext() {
        Chunk<T, R> chunk;
        try {
            chunk = ordered ? pending.removeFirst() : finished.take();
        } catch (InterruptedException e) {
            throw interrupted();
        }
        pending.remove(chunk); // ordered: already gone; unordered: O(prefetch), no more
        try {
            chunk.results = chunk.task.get();
        } catch (InterruptedException e) {
            pending.addFirst(chunk); // still outstanding: close() cancels it
            throw interrupted();
        } catch (ExecutionException e) {
            throw failure(chunk, e.getCause());
        }
        return chunk;
    }

    private static CancellationException interrupted() {
        Thread.currentThread().interrupt();
        return new CancellationException("interrupted while waiting for a result of the map; it is closed");
    }

    /** Names the element that failed: the function's own, or the first of a task that failed as a whole. */
    private static MapFailedException failure(Chunk<?, ?> chunk, Throwable cause) {
        if (cause instanceof MapChunk.ElementFailure f) {
            long index = chunk.first + f.offset();
            return new MapFailedException("element " + index, index,
                    MapFailedException.describe(chunk.elements.get(f.offset())), f.getCause());
        }
        int n = chunk.elements.size();
        String what = n == 1 ? "the task for element " + chunk.first
                : "the task for elements " + chunk.first + ".." + (chunk.first + n - 1) + ", from element " + chunk.first;
        return new MapFailedException(what, chunk.first, MapFailedException.describe(chunk.elements.get(0)), cause);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        current = null;
        for (Chunk<T, R> c : pending) {
            c.task.cancel(true);
        }
        pending.clear();
        finished.clear();
        onClose.run();
    }

    /** A submitted chunk: where it starts in the input, its elements, its task, then its results. */
    private static final class Chunk<T, R> {
        final long first;
        final List<T> elements;
        final PoolTask<List<R>> task;
        List<R> results;
        int handedOut;

        Chunk(long first, List<T> elements, PoolTask<List<R>> task) {
            this.first = first;
            this.elements = elements;
            this.task = task;
        }

        boolean hasMore() {
            return handedOut < results.size();
        }

        R take() {
            return results.get(handedOut++);
        }
    }
}
