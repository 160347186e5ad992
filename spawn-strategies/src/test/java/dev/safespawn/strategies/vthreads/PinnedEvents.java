package dev.safespawn.strategies.vthreads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of {@code jdk.VirtualThreadPinned} (every pin, threshold
 * 0, with stacks) around a piece of a test, and what it found in safespawn's
 * own code. Frames of this test package do not count: they are on every stack.
 */
final class PinnedEvents implements AutoCloseable {
    private static final String EVENT = "jdk.VirtualThreadPinned";
    private static final String OURS = "dev.safespawn.";
    private static final String TESTS = VirtualThreadsTest.class.getPackageName() + ".";

    private final Recording recording = new Recording();

    PinnedEvents() {
        recording.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
        recording.start();
    }

    /** Stops recording; the stacks of pins that ran through safespawn's code, one string each. */
    List<String> inSafespawn() throws IOException {
        recording.stop();
        Path file = Files.createTempFile("safespawn-pinned", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals(EVENT))
                    .filter(PinnedEvents::ranThroughSafespawn)
                    .map(PinnedEvents::describe)
                    .collect(Collectors.toList());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean ranThroughSafespawn(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream().map(PinnedEvents::className)
                .anyMatch(c -> c.startsWith(OURS) && !c.startsWith(TESTS));
    }

    private static String className(RecordedFrame f) {
        return f.getMethod().getType().getName();
    }

    private static String describe(RecordedEvent e) {
        return e.getStackTrace().getFrames().stream()
                .map(f -> className(f) + "." + f.getMethod().getName() + ":" + f.getLineNumber())
                .collect(Collectors.joining("\n  ", EVENT + " " + e.getDuration() + "\n  ", ""));
    }

    @Override
    public void close() {
        recording.close();
    }
}
