/**
 * The reliability campaign: scenarios of load, descriptor churn, faults and
 * hostile input, each run on every strategy and mode it applies to. The
 * tests run every scenario's short version; {@link dev.safespawn.reliability.Campaign}
 * runs the full one and writes {@code RESULTS.md}. Not API: nothing here is
 * meant to be called from outside this module.
 */
package dev.safespawn.reliability;
