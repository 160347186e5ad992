package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code map} and {@code imap}: order, chunking, the first failure, closing,
 * and the prefetch bound that keeps an unbounded input in bounded memory.
 * Two workers started by the {@code jdk} strategy, the one core has.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // only a hang reaches it
class PoolMapTest {
    private static final int WORKERS = 2;
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().workers(WORKERS).spawner(JdkSpawner.SHARED).output(ProcessPool.Output.discard()).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    /**
     * An endless (or {@code limit}-long) input of 0, 1, 2, ... that counts the
     * elements it hands out against those the test says it consumed, and
     * records the most ever handed out ahead of the consumer.
     */
    static final class CountingInput implements Iterable<Long> {
        private final long limit;
        long handedOut;
        long consumed;
        long mostAhead;

        CountingInput(long limit) {
            this.limit = limit;
        }

        void consumed(long n) {
            consumed += n;
        }

        @Override
        public Iterator<Long> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return handedOut < limit;
                }

                @Override
                public Long next() {
                    long element = handedOut++;
                    mostAhead = Math.max(mostAhead, handedOut - consumed);
                    return element;
                }
            };
        }
    }

    static long workerPid(Object ignored) {
        return ProcessHandle.current().pid();
    }

    @Test
    void orderedResultsEqualASequentialMapWithAndWithoutChunks() {
        List<Integer> input = IntStream.range(0, 500).boxed().collect(Collectors.toList());
        List<Integer> expected = input.stream().map(x -> x * 3 + 1).collect(Collectors.toList());

        try (Stream<Integer> results = pool.map(input, x -> x * 3 + 1)) {
            assertThat(results.collect(Collectors.toList())).isEqualTo(expected);
        }
        try (Stream<Integer> results = pool.map(input, x -> x * 3 + 1, MapOptions.ordered().chunkSize(7))) {
            assertThat(results.collect(Collectors.toList())).isEqualTo(expected);
        }
        try (MapIterator<Integer> it = pool.imap(input, x -> x * 3 + 1, MapOptions.ordered().prefetch(1))) {
            List<Integer> got = new ArrayList<>();
            it.forEachRemaining(got::add);
            assertThat(got).isEqualTo(expected);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void unorderedYieldsEachResultOnceAndDoesNotWaitForASlowElement() throws Exception {
        try (TaskGate gate = new TaskGate()) {
            int port = gate.port();
            List<Integer> input = IntStream.range(0, 40).boxed().collect(Collectors.toList());
            try (MapIterator<Integer> it = pool.imap(input, x -> {
                if (x == 0) {
                    TaskGate.pass(port); // held until the test has seen another result
                }
                return x;
            }, MapOptions.unordered())) {
                List<Integer> got = new ArrayList<>();
                got.add(it.next());
                assertThat(got.get(0)).as("the first result while element 0 is held").isNotZero();
                gate.awaitArrivals(1);
                gate.release();
                it.forEachRemaining(got::add);

                assertThat(got).containsExactlyInAnyOrderElementsOf(input);
            }
        }
    }

    @Test
    void aChunksElementsRunTogetherInOneTask() {
        List<Integer> input = IntStream.range(0, 40).boxed().collect(Collectors.toList());
        List<Long> pids;
        try (Stream<Long> results = pool.map(input, PoolMapTest::workerPid, MapOptions.ordered().chunkSize(5))) {
            pids = results.collect(Collectors.toList());
        }
        assertThat(pids).hasSize(40);
        for (int chunk = 0; chunk < 8; chunk++) {
            assertThat(pids.subList(chunk * 5, chunk * 5 + 5)).as("chunk %d in %s", chunk, pids)
                    .containsOnly(pids.get(chunk * 5));
        }
    }

    @Test
    void theFirstFailureNamesItsElementAndClosesTheMap() {
        List<String> input = List.of("a", "b", "c", "boom", "d", "e", "f");
        MapIterator<String> it = pool.imap(input, s -> {
            if (s.equals("boom")) {
                throw new IllegalStateException("cannot take " + s);
            }
            return s.toUpperCase();
        }, MapOptions.ordered().chunkSize(2));

        assertThat(List.of(it.next(), it.next())).containsExactly("A", "B");
        // "c" shares its chunk with "boom": a chunk's results come back together or not at all.
        MapFailedException failure = catchThrowableOfType(it::next, MapFailedException.class);

        assertThat(failure.index()).isEqualTo(3);
        assertThat(failure.element()).isEqualTo("boom");
        assertThat(failure).hasMessageStartingWith("element 3 (boom) failed")
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("cannot take boom");
        assertThat(it.hasNext()).as("closed by the failure").isFalse();
    }

    @Test
    void aTaskThatFailsAsAWholeNamesItsChunk() {
        List<Integer> input = IntStream.range(0, 12).boxed().collect(Collectors.toList());
        try (Stream<Integer> results = pool.map(input, x -> {
            if (x == 6) {
                Runtime.getRuntime().halt(3); // the worker dies with the whole chunk 4..7
            }
            return x;
        }, MapOptions.ordered().chunkSize(4))) {
            MapFailedException failure = catchThrowableOfType(() -> results.collect(Collectors.toList()),
                    MapFailedException.class);

            assertThat(failure.index()).isEqualTo(4);
            assertThat(failure.element()).isEqualTo("4");
            assertThat(failure).hasMessageStartingWith("the task for elements 4..7, from element 4 (4) failed")
                    .cause().isInstanceOf(WorkerCrashedException.class);
        }
    }

    @Test
    void closingEarlyStopsReadingTheInput() {
        CountingInput input = new CountingInput(Long.MAX_VALUE);
        int prefetch = 3;
        int chunk = 2;
        MapIterator<Long> it = pool.imap(input, x -> x + 1, MapOptions.ordered().prefetch(prefetch).chunkSize(chunk));
        for (long i = 0; i < 5; i++) {
            assertThat(it.next()).isEqualTo(i + 1);
            input.consumed(1);
        }
        it.close();
        long read = input.handedOut;

        assertThat(read).as("read of an endless input").isLessThanOrEqualTo(5 + prefetch * chunk);
        assertThat(it.hasNext()).isFalse();
        assertThat(input.handedOut).as("nothing read after closing").isEqualTo(read);
    }

    @Test
    void closingTheResultsStreamClosesTheInputStreamAfterABoundedRead() {
        AtomicLong pulled = new AtomicLong();
        AtomicBoolean inputClosed = new AtomicBoolean();
        Stream<Long> source = Stream.iterate(0L, x -> x + 1).peek(x -> pulled.incrementAndGet())
                .onClose(() -> inputClosed.set(true));
        try (Stream<Long> results = pool.map(source, x -> x * 2, MapOptions.unordered().prefetch(2))) {
            assertThat(results.limit(3).count()).isEqualTo(3);
        }
        assertThat(inputClosed).isTrue();
        assertThat(pulled.get()).as("elements read for 3 results with prefetch 2").isLessThanOrEqualTo(3 + 2);
    }

    @Test
    void tenMillionElementsAreMappedWithNeverMoreThanTheBoundReadAhead() {
        long n = 10_000_000;
        int chunk = 20_000;
        CountingInput input = new CountingInput(n);
        long sum = 0;
        long count = 0;
        // The default prefetch: twice the workers.
        try (MapIterator<Long> it = pool.imap(input, x -> x * 2, MapOptions.ordered().chunkSize(chunk))) {
            while (it.hasNext()) {
                sum += it.next();
                count++;
                input.consumed(1);
            }
        }
        assertThat(count).isEqualTo(n);
        assertThat(sum).isEqualTo(n * (n - 1));
        assertThat(input.mostAhead).as("elements read but not yet consumed, at most")
                .isEqualTo(2L * WORKERS * chunk);
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatNullPointerException().isThrownBy(() -> pool.map((Iterable<Integer>) null, x -> x)).withMessage("input");
        assertThatNullPointerException().isThrownBy(() -> pool.imap(List.of(1), null)).withMessage("fn");
        assertThatNullPointerException().isThrownBy(() -> pool.map(List.of(1), x -> x, null)).withMessage("options");
        assertThatIllegalArgumentException().isThrownBy(() -> MapOptions.ordered().chunkSize(0))
                .withMessage("chunkSize: 0 is less than 1");
        assertThatIllegalArgumentException().isThrownBy(() -> MapOptions.unordered().prefetch(-2))
                .withMessage("prefetch: -2 is less than 1");
    }
}
