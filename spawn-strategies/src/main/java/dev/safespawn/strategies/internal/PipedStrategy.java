package dev.safespawn.strategies.internal;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Pipeline;
import dev.safespawn.spi.SpawnStrategy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A native strategy: one way to launch a child whose pipes the parent holds
 * ({@link #spawnPiped}), from which the three ways of the SPI follow the same
 * for every native strategy: a plain spawn, a spawn whose stdio a
 * {@link HandlerDriver} drives, and a pipeline whose stages are plain spawns
 * connected by {@link PipeChain}.
 */
public interface PipedStrategy extends SpawnStrategy {

    /**
     * Launches and adopts the child, as {@link #spawn(Command)} promises.
     *
     * @param claim null for a plain spawn; otherwise the child's stdio pipes
     *        go to the claim, taken from the plan after the launch, and the
     *        child gets null streams for them
     */
    PipedChildProcess spawnPiped(Command command, HandlerDriver.StdioClaim claim) throws IOException;

    @Override
    default ChildProcess spawn(Command command) throws IOException {
        return spawnPiped(command, null);
    }

    @Override
    default AsyncChild spawnAsync(Command command, ChildHandler handler, Executor handlerExecutor)
            throws IOException {
        return HandlerDriver.start(handler, handlerExecutor, claim -> spawnPiped(command, claim));
    }

    /** Each stage by {@link #spawn(Command)}, connected by pipes passed as fd 0 and 1. */
    @Override
    default List<ChildProcess> spawnPipeline(Pipeline pipeline) throws IOException {
        return PipeChain.start(pipeline, this::spawn);
    }
}
