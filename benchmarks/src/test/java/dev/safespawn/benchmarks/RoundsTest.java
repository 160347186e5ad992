package dev.safespawn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The statistics of per-round ratios and the discarding of disturbed rounds, from made-up samples: no timing. */
class RoundsTest {
    private static final Rounds.Check NEVER_DISTURBED = () -> () -> false;

    /** A side whose measured round {@code i} (counting calls with more than one sample) yields {@code rounds[i]}. */
    private static Rounds.Side scripted(String series, long[][] rounds, List<String> calls) {
        int[] next = {0};
        return n -> {
            calls.add(series);
            if (n == 1) { // the untimed first round
                return Map.of(series, new long[] {1});
            }
            return Map.of(series, rounds[next[0]++]);
        };
    }

    /** A check that calls round {@code i} (counting every round tried, from 0) disturbed if {@code i} is listed. */
    private static Rounds.Check disturbedAt(Set<Integer> disturbed) {
        int[] tried = {0};
        return () -> {
            int round = tried[0]++;
            return () -> disturbed.contains(round);
        };
    }

    @Test
    void ratioIsTheMedianOfPerRoundRatiosOfPerRoundMedians() throws Exception {
        List<String> calls = new ArrayList<>();
        // medians 10, 30, 20, 50, 40 against a steady 10: per-round ratios 1, 3, 2, 5, 4
        long[][] a = {{10, 9, 99}, {30, 1, 31}, {20, 20, 20}, {50, 60, 2}, {40, 39, 41}};
        long[][] b = {{10, 10, 10}, {10, 8, 12}, {10, 10, 10}, {11, 10, 9}, {10, 10, 10}};
        Rounds r = Rounds.run(List.of(scripted("a", a, calls), scripted("b", b, calls)), 5, 3, 15, NEVER_DISTURBED);

        Rounds.Ratio ratio = r.ratio("a", "b");
        assertThat(ratio.median()).isCloseTo(3.0, within(1e-9));
        assertThat(ratio.p25()).isCloseTo(2.0, within(1e-9));
        assertThat(ratio.p75()).isCloseTo(4.0, within(1e-9));
        assertThat(ratio.min()).isCloseTo(1.0, within(1e-9));
        assertThat(ratio.max()).isCloseTo(5.0, within(1e-9));
        assertThat(ratio.medianA()).isEqualTo(30.0);
        assertThat(ratio.medianB()).isEqualTo(10.0);
        assertThat(ratio.clean()).isEqualTo(5);
        assertThat(ratio.tried()).isEqualTo(5);
        assertThat(ratio.complete()).isTrue();
    }

    @Test
    void sideOrderRotatesEveryRound() throws Exception {
        List<String> calls = new ArrayList<>();
        long[][] same = {{1}, {1}, {1}};
        Rounds.run(List.of(scripted("a", same, calls), scripted("b", same, calls), scripted("c", same, calls)),
                3, 2, 3, NEVER_DISTURBED);
        // the untimed round in the given order, then rotated by one per round
        assertThat(calls).containsExactly("a", "b", "c", "a", "b", "c", "b", "c", "a", "c", "a", "b");
    }

    @Test
    void disturbedRoundsAreDiscardedAndReplaced() throws Exception {
        List<String> calls = new ArrayList<>();
        // tried rounds 0..4 give ratios 1..5; rounds 1 and 3 are disturbed, so 1, 3 and 5 are kept
        long[][] a = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}};
        long[][] b = {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}};
        Rounds r = Rounds.run(List.of(scripted("a", a, calls), scripted("b", b, calls)), 3, 2, 9,
                disturbedAt(Set.of(1, 3)));

        Rounds.Ratio ratio = r.ratio("a", "b");
        assertThat(ratio.clean()).isEqualTo(3);
        assertThat(ratio.tried()).isEqualTo(5);
        assertThat(ratio.complete()).isTrue();
        assertThat(ratio.min()).isEqualTo(1.0);
        assertThat(ratio.median()).isEqualTo(3.0);
        assertThat(ratio.max()).isEqualTo(5.0);
        assertThat(r.all("a")).containsExactly(1, 1, 3, 3, 5, 5);
    }

    @Test
    void aMachineThatStaysBusyEndsAtTheBoundWithTooFewCleanRounds() throws Exception {
        List<String> calls = new ArrayList<>();
        long[][] ones = new long[6][];
        java.util.Arrays.fill(ones, new long[] {1, 1});
        Rounds r = Rounds.run(List.of(scripted("a", ones, calls), scripted("b", ones, calls)), 3, 2, 6,
                disturbedAt(Set.of(0, 1, 2, 4, 5)));

        Rounds.Ratio ratio = r.ratio("a", "b");
        assertThat(ratio.clean()).isEqualTo(1);
        assertThat(ratio.tried()).isEqualTo(6);
        assertThat(ratio.wanted()).isEqualTo(3);
        assertThat(ratio.complete()).isFalse();
    }

    @Test
    void theCheckSettlesAfterEachDisturbedRoundThatIsFollowedByAnother() throws Exception {
        List<String> events = new ArrayList<>();
        Rounds.Check.Watch busy = () -> true;
        Rounds.Check.Watch quiet = () -> false;
        Set<Integer> disturbed = Set.of(0, 1, 3, 5); // the last try (5) is disturbed too: nothing follows it
        Rounds.Check check = new Rounds.Check() {
            private int tried;

            @Override
            public Rounds.Check.Watch start() {
                events.add("round " + tried);
                return disturbed.contains(tried++) ? busy : quiet;
            }

            @Override
            public void settle() {
                events.add("settle");
            }
        };
        long[][] ones = new long[6][];
        java.util.Arrays.fill(ones, new long[] {1});
        Rounds.run(List.of(scripted("a", ones, new ArrayList<>())), 3, 1, 6, check);
        assertThat(events).containsExactly("round 0", "settle", "round 1", "settle", "round 2", "round 3", "settle",
                "round 4", "round 5");
    }

    @Test
    void noCleanRoundGivesNoFigures() {
        Rounds.Ratio ratio = Rounds.Ratio.of(new double[0], new double[0], new double[0], 9, 3);
        assertThat(ratio.median()).isNaN();
        assertThat(ratio.medianA()).isNaN();
        assertThat(ratio.complete()).isFalse();
    }
}
