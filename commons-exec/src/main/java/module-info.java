/**
 * The Commons Exec bridge: {@link dev.safespawn.commonsexec.SafespawnExecutor}
 * is Apache Commons Exec's {@code DefaultExecutor} launching through safespawn.
 * Add {@code dev.safespawn.strategies} to the module graph for the native
 * strategies; without it the bridge uses the {@code jdk} fallback.
 */
module dev.safespawn.commonsexec {
    requires transitive dev.safespawn.core;
    requires transitive org.apache.commons.exec;

    exports dev.safespawn.commonsexec;
}
