package dev.safespawn.pool;

import dev.safespawn.Spawner;

/**
 * The spawner the pool's unit tests start workers with: the {@code jdk}
 * strategy's, the one core has. One for the whole test JVM, never closed:
 * the {@code jdk} strategy holds no thread or descriptor of its own, and each
 * test closes its pool, which is what owns the workers.
 */
final class JdkSpawner {
    static final Spawner SHARED = Spawner.of("jdk");

    private JdkSpawner() {
    }
}
