package dev.safespawn.benchmarks;

/** The JDK's own {@link ProcessBuilder}, with its default launch mechanism. */
final class ProcessBuilderLauncher implements Launcher {

    @Override
    public int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        int code = p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        return code;
    }

    @Override
    public Running start(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).start();
        return new Running() {
            @Override
            public void closeStdin() throws Exception {
                p.getOutputStream().close();
            }

            @Override
            public int waitFor() throws Exception {
                int code = p.waitFor();
                p.getInputStream().close();
                p.getErrorStream().close();
                return code;
            }
        };
    }

    @Override
    public long drainStdout(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        long total = Streams.drain(p.getInputStream());
        p.getInputStream().close();
        p.waitFor();
        p.getErrorStream().close();
        return total;
    }

    @Override
    public void close() {
        // nothing of its own: the JDK's process reaper threads are shared and daemon
    }
}
