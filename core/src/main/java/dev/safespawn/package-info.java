/**
 * The safespawn API: describe a child with {@link dev.safespawn.Command}, start
 * it with a {@link dev.safespawn.Spawner}, and manage it through the
 * {@link dev.safespawn.ChildProcess} it returns (a {@link java.lang.Process}).
 *
 * <p>Every strategy keeps one child contract: the child holds only descriptors
 * 0, 1, 2 and those passed on purpose, starts with an empty signal mask and
 * default dispositions (where the strategy declares
 * {@link dev.safespawn.Feature#SIGNAL_RESET}), and a failure to start is a
 * {@link dev.safespawn.SpawnException} carrying errno, stage and path, leaving
 * no descriptor, zombie or thread behind.
 *
 * <p>Unless a type says otherwise, methods reject {@code null} arguments with a
 * {@link java.lang.NullPointerException} naming the parameter.
 */
package dev.safespawn;
