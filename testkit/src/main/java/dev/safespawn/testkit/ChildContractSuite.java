package dev.safespawn.testkit;

/**
 * The whole child contract. A strategy's conformance test implements this and
 * supplies its {@link dev.safespawn.Spawner}; tests that need a feature the
 * strategy does not declare are skipped, and say so.
 *
 * <p>Threading and nulls are as {@link StrategyUnderTest} says; JUnit runs
 * the tests one at a time on one instance ({@link StrategySuite} sets that
 * lifecycle).
 */
public interface ChildContractSuite extends DescriptorContract, SignalContract, FailureContract,
        LifecycleContract, StreamContract, EnvironmentContract, ConcurrencyContract, OptionsContract,
        ProcessContract, CloseContract, TerminateContract, KillScopeContract, AsyncContract, RunContract,
        PipelineContract, StreamEndContract {
}
