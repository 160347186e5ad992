/**
 * The child-contract conformance suite. A strategy proves it keeps the contract
 * by subclassing {@link dev.safespawn.testkit.StrategySuite} (or implementing
 * {@link dev.safespawn.testkit.ChildContractSuite}) and naming its
 * {@link dev.safespawn.Spawner}; tests that need a feature the strategy does
 * not declare are skipped and say why. {@link dev.safespawn.testkit.Probe}
 * compiles the packaged C probe, which reports what a child really holds.
 */
package dev.safespawn.testkit;
