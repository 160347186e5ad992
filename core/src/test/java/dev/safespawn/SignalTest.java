package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SignalTest {

    @Test
    void namesClassicSignals() {
        assertThat(Signal.name(Signal.KILL)).isEqualTo("SIGKILL");
        assertThat(Signal.name(Signal.TERM)).isEqualTo("SIGTERM");
        assertThat(Signal.name(6)).isEqualTo("SIGABRT");
        assertThat(Signal.name(16)).isEqualTo("SIGSTKFLT");
        assertThat(Signal.name(31)).isEqualTo("SIGSYS");
        assertThat(Signal.name(32)).isEqualTo("SIG32");
        assertThat(Signal.name(33)).isEqualTo("SIG33");
    }

    @Test
    void namesRealTimeSignalsLikeKillL() {
        assertThat(Signal.name(34)).isEqualTo("SIGRTMIN");
        assertThat(Signal.name(35)).isEqualTo("SIGRTMIN+1");
        assertThat(Signal.name(49)).isEqualTo("SIGRTMIN+15");
        assertThat(Signal.name(50)).isEqualTo("SIGRTMAX-14");
        assertThat(Signal.name(63)).isEqualTo("SIGRTMAX-1");
        assertThat(Signal.name(64)).isEqualTo("SIGRTMAX");
    }

    @Test
    void numbersOutsideTheRangeKeepTheValue() {
        assertThat(Signal.name(0)).isEqualTo("signal 0");
        assertThat(Signal.name(Signal.RTMAX + 1)).isEqualTo("signal 65");
        assertThat(Signal.name(-3)).isEqualTo("signal -3");
    }

    @Test
    void parsesNamesAndNumbers() {
        assertThat(Signal.number("term")).hasValue(15);
        assertThat(Signal.number("SIGKILL")).hasValue(9);
        assertThat(Signal.number("9")).hasValue(9);
        assertThat(Signal.number("64")).hasValue(64);
        assertThat(Signal.number("sigIot")).hasValue(Signal.ABRT);
        assertThat(Signal.number("CLD")).hasValue(Signal.CHLD);
        assertThat(Signal.number("SIGPOLL")).hasValue(Signal.IO);
        assertThat(Signal.number("RTMIN+2")).hasValue(36);
        assertThat(Signal.number("SIGRTMAX-14")).hasValue(50);
        assertThat(Signal.number("SIGRTMAX")).hasValue(64);
        assertThat(Signal.number("sig32")).hasValue(32);
    }

    @Test
    void rejectsWhatIsNoSignal() {
        assertThat(Signal.number("nope")).isEmpty();
        assertThat(Signal.number("")).isEmpty();
        assertThat(Signal.number("SIG")).isEmpty();
        assertThat(Signal.number("0")).isEmpty();
        assertThat(Signal.number("65")).isEmpty();
        assertThat(Signal.number("+9")).isEmpty();
        assertThat(Signal.number(" 9")).isEmpty();
        assertThat(Signal.number("\u0669")).isEmpty(); // ARABIC-INDIC DIGIT NINE
        assertThat(Signal.number("99999999999")).isEmpty();
        assertThat(Signal.number("RTMIN+31")).isEmpty();
        assertThat(Signal.number("RTMAX-31")).isEmpty();
        assertThat(Signal.number("RTMIN-1")).isEmpty();
        assertThatNullPointerException().isThrownBy(() -> Signal.number(null));
    }

    @Test
    void nameAndNumberRoundTripForEverySignal() {
        for (int sig = 1; sig <= Signal.RTMAX; sig++) {
            assertThat(Signal.number(Signal.name(sig))).as("signal %d", sig).hasValue(sig);
        }
    }

    @Test
    void everyConstantIsNamedAfterItself() throws IllegalAccessException {
        Map<String, Integer> constants = constants();
        assertThat(constants).containsKeys("HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "PIPE", "TERM", "CHLD",
                "CONT", "STOP", "WINCH", "RTMIN", "RTMAX");
        for (Map.Entry<String, Integer> c : constants.entrySet()) {
            assertThat(Signal.name(c.getValue())).as(c.getKey()).isEqualTo("SIG" + c.getKey());
            assertThat(Signal.number(c.getKey())).as(c.getKey()).hasValue(c.getValue());
        }
    }

    /**
     * The numbers are the kernel's: checked against the kernel's own header
     * where the machine has it (the linux-libc-dev package), so a typo in a
     * constant cannot hide behind a test that shares it.
     */
    @Test
    void classicNumbersMatchTheKernelHeader() throws IOException, IllegalAccessException {
        Path header = Path.of("/usr/include/asm-generic/signal.h");
        assumeTrue(Files.isReadable(header), "no kernel headers here to compare with");
        Map<String, Integer> defined = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^#define\\s+SIG([A-Z0-9]+)\\s+(\\d+)\\s*$").matcher(Files.readString(header));
        while (m.find()) {
            defined.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        int checked = 0;
        for (Map.Entry<String, Integer> c : constants().entrySet()) {
            if (c.getValue() < 32) { // the kernel's SIGRTMIN is 32; glibc's, which this type follows, is 34
                assertThat(defined).as("SIG%s in %s", c.getKey(), header).containsEntry(c.getKey(), c.getValue());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(31);
    }

    private static Map<String, Integer> constants() throws IllegalAccessException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Field f : Signal.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                out.put(f.getName(), f.getInt(null));
            }
        }
        return out;
    }
}
