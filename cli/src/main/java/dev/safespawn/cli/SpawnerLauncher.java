package dev.safespawn.cli;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Starts the demo's children through one safespawn strategy, the way an application would. */
final class SpawnerLauncher implements DemoLauncher {
    private final String strategy;

    SpawnerLauncher(String strategy) {
        this.strategy = strategy;
    }

    @Override
    public String label() {
        return strategy;
    }

    @Override
    public boolean isSafespawn() {
        return true;
    }

    @Override
    public List<ExitStatus> launchAndReap(List<String> argv, int count) throws IOException, InterruptedException {
        Command command = command(argv);
        try (Spawner spawner = Spawner.of(strategy)) {
            List<ChildProcess> children = new ArrayList<>();
            IOException failure = null;
            for (int i = 0; i < count && failure == null; i++) {
                try {
                    children.add(spawner.spawn(command));
                } catch (IOException e) {
                    failure = e;
                }
            }
            List<ExitStatus> statuses = new ArrayList<>();
            for (ChildProcess child : children) {
                child.waitFor();
                statuses.add(child.exitStatus());
            }
            if (failure != null) {
                throw failure;
            }
            return statuses;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new IOException(e.getMessage(), e); // the strategy itself would not start
        }
    }

    @Override
    public ExitStatus launchVisitAndReap(List<String> argv, Visit visit) throws IOException, InterruptedException {
        try (Spawner spawner = Spawner.of(strategy); ChildProcess child = spawner.spawn(command(argv))) {
            try {
                visit.accept(child.pid());
            } catch (IOException | InterruptedException | RuntimeException e) {
                child.destroyForcibly();
                child.waitFor();
                throw e;
            }
            child.waitFor();
            return child.exitStatus();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** No pipes: the child speaks through its exit status, like the bare one, so the rows compare like for like. */
    private static Command command(List<String> argv) {
        return Command.builder(argv.toArray(new String[0]))
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build();
    }
}
