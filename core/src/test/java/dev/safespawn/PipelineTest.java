package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Pipeline#of} accepts, how it names what it refuses, and how a {@link Pipeline.Result} reads. */
class PipelineTest {
    private static final Command SORT = Command.of("sort");

    @Test
    void aPipelineNeedsAStage() {
        assertThatIllegalArgumentException().isThrownBy(Pipeline::of)
                .withMessage("stages: empty, a pipeline needs at least one command");
        assertThatIllegalArgumentException().isThrownBy(() -> Pipeline.of(List.of()));
    }

    @Test
    void nullsAreRefused() {
        assertThatNullPointerException().isThrownBy(() -> Pipeline.of((Command[]) null));
        assertThatNullPointerException().isThrownBy(() -> Pipeline.of((List<Command>) null));
        assertThatNullPointerException().isThrownBy(() -> Pipeline.of(SORT, null));
    }

    @Test
    void aConnectedStdinSetElsewhereIsNamedWithItsStage() {
        Command fromFile = Command.builder("sort").stdin(Redirect.from(Path.of("in.txt"))).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Pipeline.of(SORT, fromFile))
                .withMessage("stage 1 (Command[sort]): stdin is READ in.txt, but the pipeline connects it"
                        + " to stage 0's stdout");
        Command passed = Command.builder("sort").passFd(5, 0).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Pipeline.of(SORT, SORT, passed))
                .withMessage("stage 2 (Command[sort]): passFd: child fd 0 is stdin, which the pipeline connects"
                        + " to stage 1's stdout");
    }

    @Test
    void aConnectedStdoutSetElsewhereIsNamedWithItsStage() {
        Command discarding = Command.builder("sort").stdout(Redirect.DISCARD).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Pipeline.of(discarding, SORT))
                .withMessage("stage 0 (Command[sort]): stdout is DISCARD, but the pipeline connects it"
                        + " to stage 1's stdin");
        Command passed = Command.builder("sort").passFd(5, 1).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Pipeline.of(SORT, passed, SORT))
                .withMessageStartingWith("stage 1 (Command[sort]): passFd: child fd 1 is stdout");
    }

    @Test
    void theOuterEndsAndEveryStderrAreTheCallersChoice() {
        Command first = Command.builder("cat").stdin(Redirect.from(Path.of("in.txt"))).stderr(Redirect.INHERIT)
                .build();
        Command middle = Command.builder("cat").redirectErrorStream().build();
        Command last = Command.builder("cat").stdout(Redirect.appendTo(Path.of("out.txt"))).passFd(7, 2).build();
        Pipeline p = Pipeline.of(first, middle, last);
        assertThat(p.stages().get(0).stdin()).isEqualTo(Redirect.from(Path.of("in.txt")));
        assertThat(p.stages().get(1).redirectErrorStream()).isTrue();
        assertThat(p.stages().get(2).stdout()).isEqualTo(Redirect.appendTo(Path.of("out.txt")));
        assertThat(Pipeline.of(Command.builder("cat").stdout(Redirect.DISCARD).stdin(Redirect.DISCARD).build())
                .stages()).hasSize(1);
    }

    @Test
    void anExplicitPipeIsLeftUnsetSoAStrategyCanPassTheStagesEnds() {
        Command explicit = Command.builder("cat").stdin(Redirect.PIPE).stdout(Redirect.PIPE).build();
        Pipeline p = Pipeline.of(explicit, explicit, explicit);
        for (Command stage : p.stages()) {
            assertThat(stage.stdin()).isEqualTo(Redirect.PIPE);
            assertThat(stage.stdout()).isEqualTo(Redirect.PIPE);
        }
        Command middle = p.stages().get(1).toBuilder().passFd(8, 0).passFd(9, 1).build();
        assertThat(middle.passedFds()).containsEntry(0, 8).containsEntry(1, 9);
        // The outer ends stay as the caller set them.
        assertThatThrownBy(() -> p.stages().get(0).toBuilder().passFd(8, 0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.stages().get(2).toBuilder().passFd(9, 1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePipelineNeedsEveryStagesFeaturesAndPipelines() {
        Pipeline p = Pipeline.of(Command.builder("cat").umask(022).build(),
                Command.builder("cat").newSession().build());
        assertThat(p.requiredFeatures()).containsExactlyInAnyOrder(Feature.UMASK, Feature.NEW_SESSION,
                Feature.PIPELINE);
        assertThat(Pipeline.of(SORT).requiredFeatures()).containsExactly(Feature.PIPELINE);
        assertThat(p).hasToString("Pipeline[Command[cat] | Command[cat]]");
    }

    @Test
    void theStagesCannotBeChangedAndDoNotFollowTheCallersList() {
        List<Command> given = new ArrayList<>(List.of(SORT, SORT));
        Pipeline p = Pipeline.of(given);
        given.add(SORT);
        assertThat(p.stages()).hasSize(2);
        assertThatThrownBy(() -> p.stages().add(SORT)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void pipefailIsTheLastStageThatDidNotExitWithZero() {
        ExitStatus ok = ExitStatus.exited(0);
        Pipeline.Result sigpipe = new Pipeline.Result(List.of(ExitStatus.killedBy(Signal.PIPE), ok), false);
        assertThat(sigpipe.pipefailStatus()).isEqualTo(ExitStatus.killedBy(Signal.PIPE));
        assertThat(sigpipe.lastStatus()).isEqualTo(ok);
        assertThat(sigpipe.succeeded()).isFalse();

        Pipeline.Result two = new Pipeline.Result(List.of(ExitStatus.exited(3), ExitStatus.exited(4), ok), false);
        assertThat(two.pipefailStatus()).isEqualTo(ExitStatus.exited(4));

        ExitStatus lost = ExitStatus.lost("reaped elsewhere");
        assertThat(new Pipeline.Result(List.of(lost, ok), false).pipefailStatus()).isEqualTo(lost);

        Pipeline.Result all = new Pipeline.Result(List.of(ok, ok), false);
        assertThat(all.pipefailStatus()).isEqualTo(ok);
        assertThat(all.succeeded()).isTrue();
        assertThat(new Pipeline.Result(List.of(ok, ok), true).succeeded()).as("timed out").isFalse();
    }

    @Test
    void aResultHasAStatusPerStageAndCannotBeChanged() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Pipeline.Result(List.of(), false));
        assertThatNullPointerException().isThrownBy(() -> new Pipeline.Result(null, false));
        List<ExitStatus> given = new ArrayList<>(List.of(ExitStatus.exited(0)));
        Pipeline.Result r = new Pipeline.Result(given, false);
        given.add(ExitStatus.exited(1));
        assertThat(r.statuses()).hasSize(1);
        assertThatThrownBy(() -> r.statuses().add(ExitStatus.exited(2)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
