package dev.safespawn.reliability;

/**
 * How big a run is: the short one every build runs (each scenario in seconds,
 * still meeting the counts the campaign promises per configuration where it
 * can), or the full one whose figures go to {@code RESULTS.md}.
 */
enum Budget {
    SHORT,
    FULL;

    /** The value of this budget: {@code shortValue} for {@link #SHORT}, {@code fullValue} for {@link #FULL}. */
    int pick(int shortValue, int fullValue) {
        return this == SHORT ? shortValue : fullValue;
    }
}
