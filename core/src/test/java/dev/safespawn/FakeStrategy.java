package dev.safespawn;

import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A strategy that counts starts and closes and hands back children that record who made them. */
class FakeStrategy implements SpawnStrategy {
    final String name;
    final Set<Feature> features;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final List<Command> spawned = new CopyOnWriteArrayList<>();
    final List<Pipeline> pipelines = new CopyOnWriteArrayList<>();
    volatile IOException startFailure;

    FakeStrategy(String name, Set<Feature> features) {
        this.name = name;
        this.features = features;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public Set<Feature> features() {
        return features;
    }

    @Override
    public void start() throws IOException {
        starts.incrementAndGet();
        if (startFailure != null) {
            throw startFailure;
        }
    }

    @Override
    public ChildProcess spawn(Command command) {
        spawned.add(command);
        return new Child(name);
    }

    @Override
    public List<ChildProcess> spawnPipeline(Pipeline pipeline) {
        pipelines.add(pipeline);
        List<ChildProcess> stages = new java.util.ArrayList<>();
        pipeline.stages().forEach(stage -> stages.add(new Child(name)));
        return stages;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    /** A child that has already exited with 0. */
    static final class Child extends ChildProcess {
        private final String strategy;

        Child(String strategy) {
            this.strategy = strategy;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public void destroy() {
        }

        @Override
        public boolean signal(int signal) {
            return false;
        }

        @Override
        public boolean signalGroup(int signal) {
            return false;
        }

        @Override
        public ExitStatus exitStatus() {
            return ExitStatus.exited(0);
        }

        @Override
        public String strategyName() {
            return strategy;
        }
    }
}
