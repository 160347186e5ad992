/**
 * The NuProcess bridge: {@link dev.safespawn.nuprocess.SafeNuProcessBuilder}
 * takes the place of NuProcess's {@code NuProcessBuilder} and drives an
 * unchanged {@code NuProcessHandler}; {@link dev.safespawn.nuprocess.SafeNuProcess}
 * is the {@code NuProcess} it returns. Add {@code safespawn-strategies}: only
 * the native strategies drive a handler.
 */
package dev.safespawn.nuprocess;
