/**
 * safespawn's native launch strategies: {@code posix_spawn}, {@code fork_exec}
 * and {@code zygote}, found by {@link dev.safespawn.Spawner} through the
 * {@link dev.safespawn.spi.SpawnStrategy} service.
 *
 * <p>Exports nothing: applications use the API of {@code dev.safespawn.core},
 * which this module requires transitively. JNA binds libc and the library's own
 * C code; on JDK 24 and later run with {@code --enable-native-access=com.sun.jna}
 * (module path) or {@code --enable-native-access=ALL-UNNAMED} (class path) to
 * allow it without a warning.
 */
module dev.safespawn.strategies {
    requires transitive dev.safespawn.core;
    requires com.sun.jna;

    // JNA reads the fields of Structure subclasses (ChildSetupRequest) reflectively.
    opens dev.safespawn.strategies.internal to com.sun.jna;

    provides dev.safespawn.spi.SpawnStrategy with
            dev.safespawn.strategies.posixspawn.PosixSpawnStrategy,
            dev.safespawn.strategies.forkexec.ForkExecStrategy,
            dev.safespawn.strategies.zygote.ZygoteStrategy;
}
