package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** How {@code --timeout}, {@code --max-time} and {@code --pass-fd} read their values. */
class ConvertersTest {
    private final DurationConverter durations = new DurationConverter();
    private final FdMapping.Converter fds = new FdMapping.Converter();

    @Test
    void shortAndIsoDurations() {
        assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(durations.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(durations.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(durations.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(durations.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(durations.convert("3")).as("bare seconds, as coreutils timeout").isEqualTo(Duration.ofSeconds(3));
        assertThat(durations.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(durations.convert("pt0.25s")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsWhatIsNotAPositiveDuration() {
        for (String bad : new String[] {"", "abc", "5x", "-1s", "0", "0ms", "PT0S", "PT-5S", "99999999999999d"}) {
            assertThatThrownBy(() -> durations.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void formatsBackShort() {
        assertThat(DurationConverter.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("120s");
    }

    @Test
    void fdMappings() {
        assertThat(fds.convert("3:4")).isEqualTo(new FdMapping(3, 4));
        assertThat(fds.convert("0:10")).isEqualTo(new FdMapping(0, 10));
        for (String bad : new String[] {"3", "3:", ":4", "a:b", "-1:3", "3:4:5", "99999999999:3"}) {
            assertThatThrownBy(() -> fds.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("P:C");
        }
    }
}
