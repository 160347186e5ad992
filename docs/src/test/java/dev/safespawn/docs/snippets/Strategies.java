package dev.safespawn.docs.snippets;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.util.List;

/** The strategies page: what is here, where a command goes, a pinned spawner. */
public final class Strategies {
    private Strategies() {
    }

    // tag::list[]
    static String describeStrategies() {
        StringBuilder out = new StringBuilder();
        for (Spawner.StrategyInfo s : Spawner.strategies()) {      // best first; starts nothing
            out.append(s.name()).append(s.available() ? "" : " (unavailable: "
                    + s.unavailabilityCause().orElse("no reason given") + ")").append('\n');
            out.append("  features: ").append(s.features()).append('\n');
            s.diagnostics().forEach((fact, value) -> out.append("  ").append(fact).append(" = ")
                    .append(value).append('\n'));                  // glibc version, pidfd, close_range ...
        }
        return out.toString();
    }
    // end::list[]

    // tag::routing[]
    static List<String> routes(Spawner spawner) {
        Command plain = Command.of("make");
        Command confined = Command.builder("make")
                .umask(0077)                                       // UMASK
                .rlimit(Command.Limit.NOFILE, 1024, 1024)          // RLIMITS
                .build();
        return List.of(
                spawner.strategyFor(plain).orElse("none"),        // posix_spawn: the cheapest
                spawner.strategyFor(confined).orElse("none"));    // zygote: the best with UMASK and RLIMITS
    }
    // end::routing[]

    // tag::pinned[]
    static String pinnedRefusal() throws IOException {
        try (Spawner posix = Spawner.of("posix_spawn");             // this strategy and no other
             ChildProcess child = posix.spawn(Command.builder("true").umask(0077).build())) {
            return "started " + child.pid();
        } catch (SpawnException e) {
            // "spawn: strategy posix_spawn does not support UMASK; strategies that do: zygote, fork_exec (EOPNOTSUPP)"
            return e.getMessage();
        }
    }
    // end::pinned[]
}
