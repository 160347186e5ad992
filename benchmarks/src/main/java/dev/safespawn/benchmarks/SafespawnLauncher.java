package dev.safespawn.benchmarks;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;

/**
 * safespawn with one named strategy. A strategy option (fork_exec's mode,
 * the zygote's standby count) is a system property read when the spawner is
 * created, so it is set just for that moment and then put back: one JMH fork
 * can hold only one such launcher anyway, but the scenario drivers open several.
 */
final class SafespawnLauncher implements Launcher {
    private final Spawner spawner;

    SafespawnLauncher(String strategy, String property, String value) {
        if (property == null) {
            spawner = Spawner.of(strategy);
            return;
        }
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            spawner = Spawner.of(strategy);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Override
    public int run(String... argv) throws Exception {
        ChildProcess child = spawner.spawn(Command.of(argv));
        child.getOutputStream().close();
        int code = child.waitFor();
        child.getInputStream().close();
        child.getErrorStream().close();
        return code;
    }

    @Override
    public Running start(String... argv) throws Exception {
        ChildProcess child = spawner.spawn(Command.of(argv));
        return new Running() {
            @Override
            public void closeStdin() throws Exception {
                child.getOutputStream().close();
            }

            @Override
            public int waitFor() throws Exception {
                int code = child.waitFor();
                child.getInputStream().close();
                child.getErrorStream().close();
                return code;
            }
        };
    }

    @Override
    public long drainStdout(String... argv) throws Exception {
        ChildProcess child = spawner.spawn(Command.of(argv));
        child.getOutputStream().close();
        long total = Streams.drain(child.getInputStream());
        child.getInputStream().close();
        child.waitFor();
        child.getErrorStream().close();
        return total;
    }

    @Override
    public void close() {
        spawner.close();
    }
}
