package dev.safespawn.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as people type one: {@code 500ms}, {@code 5s}, {@code 1.5s},
 * {@code 2m}, {@code 1h}, {@code 1d}, a bare number of seconds as coreutils'
 * {@code timeout} takes it, or ISO-8601 such as {@code PT5S}. Only positive
 * durations are accepted: a zero or negative limit is always a mistake here.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L,
            "d", 86_400_000_000_000L);

    /**
     * Parses {@code text}.
     *
     * @throws TypeConversionException naming the value and the accepted forms
     */
    @Override
    public Duration convert(String text) {
        Duration d = parse(text.strip());
        if (d.isZero() || d.isNegative()) {
            throw new TypeConversionException("'" + text + "' is not a positive duration");
        }
        return d;
    }

    private static Duration parse(String text) {
        Matcher m = SHORT.matcher(text);
        try {
            if (m.matches()) {
                long perUnit = NANOS_PER_UNIT.get(m.group(2) == null ? "s" : m.group(2));
                // BigDecimal so that 1.5s is exact and an absurd value overflows loudly, not silently.
                return Duration.ofNanos(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(perUnit))
                        .longValueExact());
            }
            return Duration.parse(text);
        } catch (ArithmeticException | DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not a duration such as 500ms, 5s, 2m, 1h or PT5S");
        }
    }

    /** {@code d} written back in the short form, such as {@code 5s} or {@code 1500ms}, for messages. */
    static String format(Duration d) {
        if (d.toNanos() % 1_000_000 != 0) {
            return d.toNanos() + "ns";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
