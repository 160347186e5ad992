package dev.safespawn.strategies.builds;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two facts of a 64-bit little-endian ELF file these tests check: the
 * machine it was built for, and whether it names a dynamic loader
 * ({@code PT_INTERP}), which a static executable does not.
 */
record ElfFile(int machine, boolean hasInterpreter) {
    static final int EM_X86_64 = 62;
    static final int EM_AARCH64 = 183;
    private static final int PT_INTERP = 3;

    /** The machine of this JVM's own architecture, which the host's builds are for. */
    static int hostMachine() {
        return com.sun.jna.Platform.isARM() ? EM_AARCH64 : EM_X86_64;
    }

    static ElfFile read(InputStream in) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f || b.get(4) != 2) { // "\x7fELF", ELFCLASS64
            throw new IOException("not a 64-bit ELF file");
        }
        long programHeaders = b.getLong(0x20);
        int entrySize = Short.toUnsignedInt(b.getShort(0x36));
        int count = Short.toUnsignedInt(b.getShort(0x38));
        boolean interpreter = false;
        for (int i = 0; i < count; i++) {
            interpreter |= b.getInt((int) programHeaders + i * entrySize) == PT_INTERP;
        }
        return new ElfFile(Short.toUnsignedInt(b.getShort(0x12)), interpreter);
    }
}
