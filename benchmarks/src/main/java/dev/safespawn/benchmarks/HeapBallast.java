package dev.safespawn.benchmarks;

/**
 * Live, touched heap for the spawn benchmarks: a launcher that copies the
 * parent's page tables (fork) pays for every resident page, one that shares
 * the address space (vfork, posix_spawn) or never forks the JVM (zygote) does
 * not. Allocated once per JMH fork, kept reachable to the end.
 */
final class HeapBallast {
    /**
     * Small enough to stay out of G1's humongous regions at every heap size
     * used here (a region is at least 1 MiB), so the ballast is ordinary old data.
     */
    private static final int CHUNK_LONGS = 32 * 1024; // 256 KiB
    private static final int LONGS_PER_PAGE = 4096 / Long.BYTES;

    private long[][] chunks = new long[0][];

    /** Allocates {@code mib} MiB and writes one word in every 4 KiB page, so all of it is resident. */
    void fill(int mib) {
        int count = (int) ((long) mib * 1024 * 1024 / ((long) CHUNK_LONGS * Long.BYTES));
        chunks = new long[count][];
        for (int c = 0; c < count; c++) {
            long[] chunk = new long[CHUNK_LONGS];
            for (int i = 0; i < CHUNK_LONGS; i += LONGS_PER_PAGE) {
                chunk[i] = c ^ i; // non-zero data: nothing can share or skip these pages
            }
            chunks[c] = chunk;
        }
    }

    /** Bytes held. */
    long bytes() {
        return (long) chunks.length * CHUNK_LONGS * Long.BYTES;
    }
}
