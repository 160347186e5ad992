package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder's checks: each setter refuses a bad value at once, before any worker exists. */
class ProcessPoolBuilderTest {

    @Test
    void outOfRangeValuesAreRejectedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessPool.builder().workers(0))
                .withMessage("workers: 0 is less than 1");
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessPool.builder().maxTasksPerWorker(-1))
                .withMessage("maxTasksPerWorker: -1 is negative");
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessPool.builder().taskTimeout(Duration.ZERO))
                .withMessageStartingWith("taskTimeout");
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessPool.builder().taskTimeout(Duration.ofSeconds(-1)))
                .withMessageStartingWith("taskTimeout");
    }

    @Test
    void aMalformedSerialFilterIsRejectedAtOnce() {
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessPool.builder().serialFilter("maxdepth=x"));
    }

    @Test
    void nullsAreRejected() {
        ProcessPool.Builder b = ProcessPool.builder();
        assertThatNullPointerException().isThrownBy(() -> b.spawner(null));
        assertThatNullPointerException().isThrownBy(() -> b.javaHome(null));
        assertThatNullPointerException().isThrownBy(() -> b.classpath(null));
        assertThatNullPointerException().isThrownBy(() -> b.directory(null));
        assertThatNullPointerException().isThrownBy(() -> b.env(null, "v"));
        assertThatNullPointerException().isThrownBy(() -> b.env("N", null));
        assertThatNullPointerException().isThrownBy(() -> b.output(null));
        assertThatNullPointerException().isThrownBy(() -> b.taskTimeout(null));
        assertThatNullPointerException().isThrownBy(() -> b.jvmOptions((String) null));
        assertThatNullPointerException().isThrownBy(() -> b.inheritJvmOptions((String) null));
        assertThatNullPointerException().isThrownBy(() -> ProcessPool.Output.toFile(null));
    }
}
