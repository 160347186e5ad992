package dev.safespawn.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pool's settings, fixed when it is built; {@code environment} is the workers' complete one,
 * {@code cdsCache} the class-data sharing archives' directory (null: no CDS, see {@link WorkerCds}).
 */
record PoolConfig(int workers, Path javaExecutable, WorkerLaunch launch, List<String> jvmOptions,
                  Optional<Path> directory, Map<String, String> environment, int maxTasksPerWorker,
                  Optional<Duration> taskTimeout, ProcessPool.Output output, String serialFilter,
                  boolean prestart, SerializableRunnable initializer, int standby, Path cdsCache) {

    /**
     * Whether the workers run this JVM's own Java runtime, so their channels
     * may describe JDK classes by name ({@link JdkClassDescriptors}); false
     * if either cannot be resolved.
     */
    boolean workersRunThisJava() {
        try {
            return javaExecutable.toRealPath().equals(
                    Path.of(System.getProperty("java.home"), "bin", "java").toRealPath());
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
