/**
 * safespawn's API: start child processes safely from a multi-threaded JVM.
 *
 * <p>Exports the API ({@link dev.safespawn}), the strategy SPI
 * ({@link dev.safespawn.spi}) and the process pool ({@link dev.safespawn.pool}).
 * This module alone has only the {@code jdk} strategy, a {@link ProcessBuilder}
 * fallback; {@code dev.safespawn.strategies} adds the native ones. The
 * {@code internal} package is shared with that module only and is not API.
 */
module dev.safespawn.core {
    requires java.management; // the pool reads this JVM's start-up options for its workers

    exports dev.safespawn;
    exports dev.safespawn.spi;
    exports dev.safespawn.pool;
    exports dev.safespawn.internal to dev.safespawn.strategies;

    uses dev.safespawn.spi.SpawnStrategy;
    provides dev.safespawn.spi.SpawnStrategy with dev.safespawn.jdk.JdkStrategy;
}
