package dev.safespawn.strategies.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc's non-portable posix_spawn file actions: {@code addclosefrom_np}
 * (glibc 2.34) and {@code addchdir_np} (glibc 2.29). Kept apart from
 * {@link LibC} because direct mapping fails as a whole when a symbol is
 * missing; touch this class only after {@link NativeSupport} found both.
 */
public final class LibCSpawnExtensions {
    static {
        Native.register(LibCSpawnExtensions.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibCSpawnExtensions() {
    }

    public static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);
    public static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);
}
