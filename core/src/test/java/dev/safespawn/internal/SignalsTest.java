package dev.safespawn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void namesClassicSignals() {
        assertThat(Signals.name(Signals.SIGKILL)).isEqualTo("SIGKILL");
        assertThat(Signals.name(Signals.SIGTERM)).isEqualTo("SIGTERM");
        assertThat(Signals.name(6)).isEqualTo("SIGABRT");
        assertThat(Signals.name(16)).isEqualTo("SIGSTKFLT");
        assertThat(Signals.name(31)).isEqualTo("SIGSYS");
        assertThat(Signals.name(32)).isEqualTo("SIG32");
    }

    @Test
    void namesRealTimeSignalsLikeKillL() {
        assertThat(Signals.name(34)).isEqualTo("SIGRTMIN");
        assertThat(Signals.name(35)).isEqualTo("SIGRTMIN+1");
        assertThat(Signals.name(49)).isEqualTo("SIGRTMIN+15");
        assertThat(Signals.name(50)).isEqualTo("SIGRTMAX-14");
        assertThat(Signals.name(63)).isEqualTo("SIGRTMAX-1");
        assertThat(Signals.name(64)).isEqualTo("SIGRTMAX");
    }

    @Test
    void unknownNumbersKeepTheValue() {
        assertThat(Signals.name(0)).isEqualTo("signal 0");
        assertThat(Signals.name(Signals.NSIG)).isEqualTo("signal 65");
        assertThat(Signals.name(-3)).isEqualTo("signal -3");
    }

    @Test
    void parsesNamesAndNumbers() {
        assertThat(Signals.number("term")).isEqualTo(15);
        assertThat(Signals.number("SIGKILL")).isEqualTo(9);
        assertThat(Signals.number("9")).isEqualTo(9);
        assertThat(Signals.number("sigIot")).isEqualTo(6);
        assertThat(Signals.number("RTMIN+2")).isEqualTo(36);
        assertThat(Signals.number("SIGRTMAX-14")).isEqualTo(50);
        assertThat(Signals.number("SIGRTMAX")).isEqualTo(64);
    }

    @Test
    void rejectsUnknownInput() {
        assertThat(Signals.number("nope")).isEqualTo(-1);
        assertThat(Signals.number("")).isEqualTo(-1);
        assertThat(Signals.number("0")).isEqualTo(-1);
        assertThat(Signals.number("65")).isEqualTo(-1);
        assertThat(Signals.number("+9")).isEqualTo(-1);
        assertThat(Signals.number("RTMIN+31")).isEqualTo(-1);
        assertThatNullPointerException().isThrownBy(() -> Signals.number(null));
    }

    @Test
    void nameAndNumberRoundTrip() {
        for (int sig = 1; sig < Signals.NSIG; sig++) {
            assertThat(Signals.number(Signals.name(sig))).as("signal %d", sig).isEqualTo(sig);
        }
    }
}
