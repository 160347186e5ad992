package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Spawner;
import dev.safespawn.cli.DoctorCommand.Marks;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The doctor's proof is only as good as its probe: these show the probe sees a
 * descriptor that really is inherited, and that the verdict calls it a leak.
 */
class ChildFdProbeTest {

    @Test
    void probeSeesADescriptorPassedOnPurpose() throws Exception {
        try (Spawner spawner = Spawner.of("posix_spawn"); LeakyPipe pipe = LeakyPipe.open()) {
            SortedSet<Integer> fds = ChildFdProbe.run(spawner,
                    ChildFdProbe.command().passFd(pipe.readFd(), 7).build());

            assertThat(fds).containsExactly(0, 1, 2, 7);
        }
    }

    @Test
    void probeWithoutPassedDescriptorsSeesOnlyTheStandardThree() throws Exception {
        try (LeakyPipe pipe = LeakyPipe.open()) {
            assertThat(ChildFdProbe.run("posix_spawn"))
                    .as("fds of a child started while the test holds %d, %d", pipe.readFd(), pipe.writeFd())
                    .containsExactly(0, 1, 2);
        }
    }

    @Test
    void verdictKeepsOrBreaksTheContract() {
        assertThat(DoctorCommand.judge(fds(0, 1, 2), fd -> false, Marks.UNICODE))
                .isEqualTo("child holds fds 0 1 2  \u2713 contract kept");
        assertThat(DoctorCommand.judge(fds(0, 1, 2, 8, 9), fd -> fd == 8, Marks.UNICODE))
                .isEqualTo("child holds fds 0 1 2 8 9  \u2717 LEAK: 8 9 beyond 0 1 2 (including the CLI's leaky pipe)");
        assertThat(DoctorCommand.judge(fds(0, 1), fd -> false, Marks.UNICODE))
                .contains("LEAK: expected exactly 0 1 2");
    }

    @Test
    void parsingRejectsWhatIsNotADescriptorList() {
        assertThatThrownBy(() -> ChildFdProbe.parse("0\n1\nsh: oops\n"))
                .hasMessageContaining("unexpected probe output: sh: oops");
        assertThatThrownBy(() -> ChildFdProbe.parse(""))
                .hasMessageContaining("/proc");
    }

    private static SortedSet<Integer> fds(Integer... fds) {
        return new TreeSet<>(List.of(fds));
    }
}
