package dev.safespawn.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a pipe holds right now without blocking, so that an empty pipe
 * fails a test instead of hanging it. Binds {@code ioctl} for the tests alone:
 * the CLI itself never needs it.
 */
final class PendingBytes {
    static {
        Native.register(PendingBytes.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    // <asm-generic/ioctls.h>: bytes ready to read, the same number on x86-64 and aarch64
    private static final long FIONREAD = 0x541B;

    private PendingBytes() {
    }

    // <sys/ioctl.h>
    private static native int ioctl(int fd, long request, IntByReference argp) throws LastErrorException;

    /** The bytes waiting in {@code fd}, read; empty if there are none. */
    static byte[] read(int fd) {
        IntByReference available = new IntByReference();
        ioctl(fd, FIONREAD, available);
        if (available.getValue() == 0) {
            return new byte[0];
        }
        Memory buf = new Memory(available.getValue());
        long n = Libc.read(fd, buf, available.getValue());
        return buf.getByteArray(0, (int) n);
    }

    /** {@link #read(int)} as UTF-8 text. */
    static String readString(int fd) {
        return new String(read(fd), StandardCharsets.UTF_8);
    }
}
