package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels describe JDK classes by name only when the workers run this JVM's
 * own java (see {@link JdkClassDescriptors}), and carry every kind of value
 * either way. Workers are started by the {@code jdk} strategy, as in
 * {@link DispatcherTest}.
 */
class WorkerRuntimeTest {
    private static final Path OWN_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    /** Runs in a worker: its last argument says whether it was told the pool shares its java. */
    private static String lastArgument() {
        String[] args = ProcessHandle.current().info().arguments().orElseThrow();
        return args[args.length - 1];
    }

    /** Runs in a worker: a value of JDK classes that is not plain. */
    private static List<Object> jdkValue() {
        return new ArrayList<>(List.of(1, "two", new int[] {3}));
    }

    private static void assertRunsTasks(ProcessPool.Builder settings, String expectedLastArgument) throws Exception {
        Dispatcher d = Dispatcher.start(settings.workers(1).output(ProcessPool.Output.discard()).config(),
                JdkSpawner.SHARED, false);
        try {
            assertThat(d.enqueue(PoolTask.of((SerializableCallable<String>) WorkerRuntimeTest::lastArgument)).get(60, TimeUnit.SECONDS))
                    .isEqualTo(expectedLastArgument);
            List<Object> value = d.enqueue(PoolTask.of((SerializableCallable<List<Object>>) WorkerRuntimeTest::jdkValue)).get(60, TimeUnit.SECONDS);
            assertThat(value).hasSize(3).startsWith(1, "two");
            assertThat((int[]) value.get(2)).containsExactly(3);
            assertThat(d.enqueue(PoolTask.of((SerializableCallable<Long>) () -> 42L)).get(60, TimeUnit.SECONDS)).isEqualTo(42L);
        } finally {
            d.shutdown();
            assertThat(d.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theOwnJavaReachedThroughALinkSharesJdkClassesByName(@TempDir Path home) throws Exception {
        Files.createSymbolicLink(Files.createDirectories(home.resolve("bin")).resolve("java"), OWN_JAVA);
        ProcessPool.Builder settings = ProcessPool.builder().javaHome(home);
        assertThat(ProcessPool.builder().config().workersRunThisJava()).as("the default java").isTrue();
        assertThat(settings.config().workersRunThisJava()).isTrue();
        assertRunsTasks(settings, WorkerMain.JDK_BY_NAME);
    }

    @Test
    void anotherJavaGetsEveryClassInFull(@TempDir Path home) throws Exception {
        // Another executable, though it runs the same JVM: the pool cannot know that, so it must not assume it.
        Path wrapper = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + OWN_JAVA + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        ProcessPool.Builder settings = ProcessPool.builder().javaHome(home);
        assertThat(settings.config().workersRunThisJava()).isFalse();
        assertRunsTasks(settings, "-");
    }
}
