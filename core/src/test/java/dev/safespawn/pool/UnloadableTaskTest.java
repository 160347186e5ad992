package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.Spawner;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A task whose class a worker cannot load fails at once, naming the class, and the worker takes the next task. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // only a hang reaches it
class UnloadableTaskTest {
    private static final String CLASS = "dev.safespawn.pool.ParentOnlyTaskB";

    /**
     * A task class defined now, in this JVM only: {@link ParentOnlyTaskA}'s
     * bytes with its name changed to one of the same length (so the class
     * file stays valid), a class on no class path a worker has.
     */
    private static Callable<?> taskOnlyThisJvmCanLoad() throws Exception {
        byte[] bytes;
        try (InputStream in = UnloadableTaskTest.class.getResourceAsStream("ParentOnlyTaskA.class")) {
            bytes = in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte, so none is changed
        byte[] renamed = text.replace("dev/safespawn/pool/ParentOnlyTaskA", "dev/safespawn/pool/ParentOnlyTaskB")
                .getBytes(StandardCharsets.ISO_8859_1);
        Class<?> defined = MethodHandles.lookup().defineClass(renamed);
        assertThat(defined.getName()).isEqualTo(CLASS);
        return (Callable<?>) defined.getDeclaredConstructor().newInstance();
    }

    @Test
    void itFailsNamingTheClassAndTheWorkerRunsTheNextTask() throws Exception {
        Callable<?> task = taskOnlyThisJvmCanLoad();
        try (Spawner jdk = Spawner.of("jdk");
             ProcessPool pool = ProcessPool.builder().spawner(jdk).workers(1).output(ProcessPool.Output.discard())
                     .build()) {
            long before = pool.submit(() -> ProcessHandle.current().pid()).get();

            Throwable failure = catchThrowable(() -> pool.submit(task).get());

            assertThat(failure).isInstanceOf(ExecutionException.class);
            assertThat(failure.getCause()).isInstanceOf(ClassNotFoundException.class)
                    .hasMessageContaining(CLASS)
                    .hasMessageContaining("not on the worker's class path")
                    .hasMessageContaining("ProcessPool.Builder.classpath(");
            assertThat(pool.submit(() -> ProcessHandle.current().pid()).get()).as("the same worker").isEqualTo(before);
        }
    }
}

/** The template of the task only the test's JVM can load; it runs fine where it is found. */
final class ParentOnlyTaskA implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String call() {
        return "ran";
    }
}
