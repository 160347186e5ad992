/**
 * The NuProcess bridge: {@link dev.safespawn.nuprocess.SafeNuProcessBuilder}
 * is NuProcess's {@code NuProcessBuilder} launching through safespawn and
 * driving the same {@code NuProcessHandler}. Needs
 * {@code dev.safespawn.strategies} in the module graph: only the native
 * strategies drive a handler.
 */
module dev.safespawn.nuprocess {
    requires transitive dev.safespawn.core;
    requires transitive com.zaxxer.nuprocess;

    exports dev.safespawn.nuprocess;
}
