package dev.safespawn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The status rule of a ratio target, from made-up comparisons. */
class TargetsTest {
    /** Ratios whose median is {@code median}, from {@code clean} of {@code tried} rounds with {@code wanted} asked. */
    private static Rounds.Ratio ratio(double median, int clean, int tried, int wanted) {
        return new Rounds.Ratio(median, median - 0.05, median + 0.05, median - 0.1, median + 0.1, 1100, 1000, clean,
                tried, wanted);
    }

    private static Targets.Target judge(Targets.Limit limit, Rounds.Ratio ratio) {
        return Targets.judge("t", limit, ratio, "", Targets.Unit.MICROS, "a", "b", "spawn");
    }

    @Test
    void allRoundsCleanAndWithinAnUpperLimitIsMet() {
        Targets.Target t = judge(Targets.Limit.atMost(1.15), ratio(1.10, 10, 12, 10));
        assertThat(t.status()).isEqualTo(Targets.Status.MET);
        assertThat(t.measured()).isEqualTo("1.100×");
        assertThat(t.sides()).isEqualTo("a 1.1 µs, b 1.0 µs");
    }

    @Test
    void allRoundsCleanAndOverAnUpperLimitIsMissed() {
        assertThat(judge(Targets.Limit.atMost(1.15), ratio(1.20, 10, 10, 10)).status())
                .isEqualTo(Targets.Status.MISSED);
    }

    @Test
    void aLowerLimitIsMetFromAbove() {
        assertThat(judge(Targets.Limit.atLeast(2.0), ratio(2.5, 10, 10, 10)).status()).isEqualTo(Targets.Status.MET);
        assertThat(judge(Targets.Limit.atLeast(2.0), ratio(1.9, 10, 10, 10)).status())
                .isEqualTo(Targets.Status.MISSED);
    }

    @Test
    void aMissByLessThanTheLastShownDigitStillShowsIt() {
        Targets.Target t = judge(Targets.Limit.atLeast(2.0), ratio(1.996, 10, 10, 10));
        assertThat(t.status()).isEqualTo(Targets.Status.MISSED);
        assertThat(t.measured()).isEqualTo("1.996×");
    }

    @Test
    void tooFewCleanRoundsIsNotMeasuredWhateverTheRatio() {
        Targets.Target t = judge(Targets.Limit.atMost(1.15), ratio(1.0, 7, 30, 10));
        assertThat(t.status()).isEqualTo(Targets.Status.NOT_MEASURED);
        assertThat(t.measured()).isEqualTo("not measured (disturbed: 7 of 30 rounds clean)");
        assertThat(t.ratio().clean()).isEqualTo(7);
    }

    @Test
    void noComparisonIsNotMeasured() {
        Targets.Target t = judge(Targets.Limit.atMost(1.15), null);
        assertThat(t.status()).isEqualTo(Targets.Status.NOT_MEASURED);
        assertThat(t.measured()).isEqualTo("not measured");
    }

    @Test
    void aFigureWithoutALimitIsReportedOnlyWhenClean() {
        assertThat(judge(Targets.Limit.NONE, ratio(0.8, 5, 5, 5)).status()).isEqualTo(Targets.Status.REPORTED);
        assertThat(judge(Targets.Limit.NONE, ratio(0.8, 4, 15, 5)).status()).isEqualTo(Targets.Status.NOT_MEASURED);
    }
}
