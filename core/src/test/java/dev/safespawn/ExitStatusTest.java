package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExitStatusTest {

    @Test
    void exitedKeepsTheCode() {
        ExitStatus s = ExitStatus.exited(3);
        assertThat(s.exited()).isTrue();
        assertThat(s.signaled()).isFalse();
        assertThat(s.code()).isEqualTo(3);
        assertThat(s.exitValue()).isEqualTo(3);
    }

    @Test
    void killedByKeepsTheSignal() {
        ExitStatus s = ExitStatus.killedBy(9);
        assertThat(s.signaled()).isTrue();
        assertThat(s.exited()).isFalse();
        assertThat(s.signal()).isEqualTo(9);
        assertThat(s.signalName()).isEqualTo("SIGKILL");
    }

    @Test
    void exitValueIs128PlusSignal() {
        assertThat(ExitStatus.killedBy(9).exitValue()).isEqualTo(137);
        assertThat(ExitStatus.killedBy(15).exitValue()).isEqualTo(143);
        assertThat(ExitStatus.killedBy(1).exitValue()).isEqualTo(129);
    }

    @Test
    void codeOfASignalDeathIsIllegalState() {
        assertThatIllegalStateException().isThrownBy(() -> ExitStatus.killedBy(15).code())
                .withMessageContaining("SIGTERM");
    }

    @Test
    void signalOfAnExitIsIllegalState() {
        assertThatIllegalStateException().isThrownBy(() -> ExitStatus.exited(0).signal())
                .withMessageContaining("0");
        assertThatIllegalStateException().isThrownBy(() -> ExitStatus.exited(2).signalName());
    }

    @Test
    void signalNames() {
        assertThat(ExitStatus.killedBy(15).signalName()).isEqualTo("SIGTERM");
        assertThat(ExitStatus.killedBy(2).signalName()).isEqualTo("SIGINT");
        assertThat(ExitStatus.killedBy(6).signalName()).isEqualTo("SIGABRT");
    }

    @Test
    void equalsAndHashCode() {
        assertThat(ExitStatus.exited(3)).isEqualTo(ExitStatus.exited(3))
                .hasSameHashCodeAs(ExitStatus.exited(3));
        assertThat(ExitStatus.killedBy(9)).isEqualTo(ExitStatus.killedBy(9))
                .hasSameHashCodeAs(ExitStatus.killedBy(9));
        assertThat(ExitStatus.exited(9)).isNotEqualTo(ExitStatus.killedBy(9));
        assertThat(ExitStatus.killedBy(9)).isNotEqualTo(ExitStatus.exited(9));
        // exitValue folds these together; ExitStatus must not.
        assertThat(ExitStatus.exited(137)).isNotEqualTo(ExitStatus.killedBy(9));
        assertThat(ExitStatus.exited(3)).isNotEqualTo(ExitStatus.exited(4));
        assertThat(ExitStatus.killedBy(9)).isNotEqualTo(ExitStatus.killedBy(15));
        assertThat(ExitStatus.exited(0)).isNotEqualTo(null);
        assertThat((Object) ExitStatus.exited(0)).isNotEqualTo(0);
    }

    @Test
    void toStringTellsTheKindsApart() {
        assertThat(ExitStatus.exited(3)).hasToString("exited with code 3");
        assertThat(ExitStatus.killedBy(9)).hasToString("killed by SIGKILL");
    }

    @Test
    void codeBoundsAreAccepted() {
        assertThat(ExitStatus.exited(0).code()).isZero();
        assertThat(ExitStatus.exited(255).code()).isEqualTo(255);
        assertThat(ExitStatus.killedBy(1).signal()).isEqualTo(1);
        assertThat(ExitStatus.killedBy(64).signal()).isEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 256, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void codeOutOfRangeIsRejected(int code) {
        assertThatIllegalArgumentException().isThrownBy(() -> ExitStatus.exited(code))
                .withMessageContaining(String.valueOf(code));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -9, Integer.MIN_VALUE, 65, 1000})
    void signalOutsideOneToSixtyFourIsRejected(int signal) {
        assertThatIllegalArgumentException().isThrownBy(() -> ExitStatus.killedBy(signal))
                .withMessageContaining(String.valueOf(signal));
    }
}
