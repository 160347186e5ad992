package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child's handle after the child has been reaped and its pid given to
 * another process: simulated by a reaped child whose pid is that of a live
 * process this test started, so the JDK has something to report about it.
 */
class ChildHandleTest {
    private Process stranger;

    @BeforeEach
    void startStranger() throws Exception {
        stranger = new ProcessBuilder("cat").start(); // lives until its stdin closes
    }

    @AfterEach
    void endStranger() throws Exception {
        stranger.getOutputStream().close();
        assertThat(stranger.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReapedChildsHandleSaysNothingOfTheProcessThatReusesItsPid() {
        assertThat(ProcessHandle.of(stranger.pid()).orElseThrow().info().command()).isPresent();
        FakeChild reaped = new FakeChild(stranger.pid());
        reaped.exited(ExitStatus.exited(0));
        ProcessHandle h = reaped.toHandle();

        assertThat(h.pid()).isEqualTo(stranger.pid());
        assertThat(h.isAlive()).isFalse();
        assertThat(h.info().command()).isEmpty();
        assertThat(h.info().startInstant()).isEmpty();
        assertThat(h.parent()).isEmpty();
        assertThat(h.children()).isEmpty();
        assertThat(h.descendants()).isEmpty();
        assertThat(h.onExit()).isCompletedWithValue(h);
        assertThat(h.destroy()).isFalse();
        assertThat(h.destroyForcibly()).isFalse();
        assertThat(reaped.signalsAsked).as("a reaped child refuses; the handle goes through it").isEqualTo(2);
        assertThat(stranger.isAlive()).isTrue();
    }

    @Test
    void anUnreapedChildsHandleReportsTheProcess() {
        FakeChild running = new FakeChild(stranger.pid());
        ProcessHandle h = running.toHandle();
        assertThat(h.isAlive()).isTrue();
        assertThat(h.info().command()).isEqualTo(stranger.info().command());
        assertThat(h.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
    }

    @Test
    void equalityIsPerChildAndTheOrderAgreesWithIt() {
        FakeChild old = new FakeChild(stranger.pid());
        old.exited(ExitStatus.exited(0));
        FakeChild reuser = new FakeChild(stranger.pid()); // the same pid, a later child
        ProcessHandle a = old.toHandle();
        ProcessHandle b = reuser.toHandle();

        assertThat(a).isEqualTo(old.toHandle()).hasSameHashCodeAs(old.toHandle());
        assertThat(a.compareTo(old.toHandle())).isZero();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(a)).isPositive();

        ProcessHandle jdk = ProcessHandle.of(stranger.pid()).orElseThrow();
        assertThat(b).isNotEqualTo(jdk);
        assertThat(jdk).isNotEqualTo(b);
        assertThatThrownBy(() -> b.compareTo(jdk)).isInstanceOf(ClassCastException.class);
        assertThat(a).isNotEqualTo(null).isNotEqualTo(Long.valueOf(stranger.pid()));
    }

    /** A child with no streams whose signals are only counted, refused once it has been reaped. */
    private static final class FakeChild extends PipedChildProcess {
        int signalsAsked;

        FakeChild(long pid) {
            super("fake", (int) pid, dev.safespawn.Command.of("fake"),
                    new DescriptorPlan.ParentEnds(-1, -1, -1, Collections.emptySortedMap()));
        }

        @Override
        public boolean signal(int signal) {
            signalsAsked++;
            return isAlive();
        }

        @Override
        public boolean signalGroup(int signal) {
            throw new UnsupportedOperationException();
        }
    }
}
