package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Pipeline;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.ExecutableResolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@link Pipeline} with a native strategy's own spawn: each stage
 * gets the read end of the pipe from the stage before as its fd 0 and the
 * write end of a new pipe to the stage after as its fd 1, both by
 * {@code passFd}, so the child contract (descriptors, signals, every option)
 * is the strategy's own.
 *
 * <p>The pipes are made here, in the parent, with {@code pipe2(O_CLOEXEC)}:
 * no child started by another thread meanwhile can inherit them, and they are
 * blocking, as a program reading stdin expects. The parent closes its copy
 * of each end as soon as the stage that owns it has been started, so at most
 * one pipe (the read end waiting for the next stage) is open in the parent at
 * any time, and none once the last stage has started.
 *
 * <p>Stateless; thread-safe as the strategy's spawn is.
 */
public final class PipeChain {
    private PipeChain() {
    }

    /** One stage's spawn: the strategy's {@code spawn(Command)}. */
    @FunctionalInterface
    public interface StageSpawn {
        /**
         * Starts one stage, leaving nothing behind on failure.
         *
         * @param stage the stage's command, with the pipes passed as fd 0 and 1
         * @return the started child
         * @throws IOException if it could not be started
         */
        ChildProcess spawn(Command stage) throws IOException;
    }

    /**
     * Starts every stage of {@code pipeline} with {@code spawn}, first to last.
     * Every program is looked up, and its file checked, first, so a missing
     * one fails before any stage has run.
     *
     * @return the started stages, first to last
     * @throws SpawnException naming the stage that failed
     *         ({@link SpawnException#pipelineStage()}), after the stages
     *         started before it have been killed and reaped and every pipe
     *         end made here has been closed
     * @throws IOException other failures of {@code spawn}, after the same clean-up
     */
    public static List<ChildProcess> start(Pipeline pipeline, StageSpawn spawn) throws IOException {
        List<Command> stages = pipeline.stages();
        for (int i = 0; i < stages.size(); i++) {
            try {
                Command stage = stages.get(i);
                ExecutableResolver.checkExecutable(ExecutableResolver.resolve(stage),
                        stage.directory().orElse(null));
            } catch (SpawnException e) {
                throw e.inPipelineStage(i);
            }
        }
        List<ChildProcess> started = new ArrayList<>(stages.size());
        int fromPrevious = -1; // the parent's copy of the read end the next stage gets as fd 0
        int index = 0;
        try {
            for (; index < stages.size(); index++) {
                Command.Builder stage = stages.get(index).toBuilder();
                int toNext = -1; // the parent's copy of the write end this stage gets as fd 1
                int forNext = -1;
                try {
                    if (index > 0) {
                        stage.passFd(fromPrevious, 0);
                    }
                    if (index < stages.size() - 1) {
                        int[] ends = pipe();
                        forNext = ends[0];
                        toNext = ends[1];
                        stage.passFd(toNext, 1);
                    }
                    started.add(spawn.spawn(stage.build()));
                } finally {
                    // Started or not, this stage's ends are no business of the parent's any more.
                    closeIfOpen(fromPrevious);
                    closeIfOpen(toNext);
                    fromPrevious = forNext;
                }
            }
            return started;
        } catch (IOException | RuntimeException | Error e) {
            closeIfOpen(fromPrevious);
            abandon(started, e);
            if (e instanceof SpawnException se) {
                throw se.inPipelineStage(index);
            }
            throw e;
        }
    }

    private static int[] pipe() throws SpawnException {
        int[] ends = new int[2];
        try {
            LibC.pipe2(ends, LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new SpawnException(Stage.PIPE, e.getErrorCode(), null);
        }
        return ends;
    }

    private static void closeIfOpen(int fd) {
        if (fd >= 0) {
            Descriptor.closeQuietly(fd);
        }
    }

    /** Kills and reaps the stages started before a failure, closing their streams; their own failures are suppressed. */
    private static void abandon(List<ChildProcess> started, Throwable failure) {
        for (ChildProcess stage : started) {
            try {
                stage.close(); // SIGKILL if alive, then waits; keeps an interrupt
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
