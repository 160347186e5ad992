package dev.safespawn.cli;

import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Pipeline;
import dev.safespawn.Spawner;
import dev.safespawn.Spawner.StrategyInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * For {@code safespawn doctor}: where a spawner sends a command that needs
 * each feature, as the spawner itself answers it ({@link Spawner#strategyFor(Command)}),
 * so the report cannot drift from the routing. Starts nothing.
 */
final class RoutingReport {
    private RoutingReport() {
    }

    /**
     * One line per feature, and one for a plain command first, such as
     * {@code UMASK  -> zygote}.
     */
    static List<String> lines(Spawner spawner, List<StrategyInfo> strategies) {
        List<String> lines = new ArrayList<>();
        int width = "a plain command".length();
        for (Feature f : Feature.values()) {
            width = Math.max(width, f.name().length());
        }
        lines.add(pad("a plain command", width) + "  -> " + spawner.strategyFor(Command.of("true")).orElse("none"));
        for (Feature f : Feature.values()) {
            Optional<Command> needing = commandNeeding(f);
            String where;
            if (f == Feature.PIPELINE) { // asked for by a pipeline, not a command
                Pipeline plain = Pipeline.of(Command.of("true"), Command.of("true"));
                where = spawner.strategyFor(plain).map(name -> "-> " + name + " (a pipeline of plain commands)")
                        .orElseGet(() -> "-> none: fails at spawn (stage FEATURE); has it: " + able(strategies, f));
            } else if (needing.isEmpty()) {
                where = "   not asked for by commands; " + spawner.strategyName() + " (plain commands) "
                        + (strategyHas(strategies, spawner.strategyName(), f) ? "has it" : "lacks it");
            } else {
                where = spawner.strategyFor(needing.get()).map(name -> "-> " + name)
                        .orElseGet(() -> "-> none: fails at spawn (stage FEATURE); has it: " + able(strategies, f));
            }
            lines.add(pad(f.name(), width) + "  " + where);
        }
        return lines;
    }

    /**
     * A command that needs {@code f} and nothing else, or empty for a feature
     * that describes a strategy rather than being asked for by a command. A
     * switch without default: a new feature must be placed here to compile.
     */
    static Optional<Command> commandNeeding(Feature f) {
        Command.Builder b = Command.builder("true");
        switch (f) {
            case PASS_FD:
                return Optional.of(b.pipeFromChild(3).build());
            case NEW_SESSION:
                return Optional.of(b.newSession().build());
            case PROCESS_GROUP:
                return Optional.of(b.processGroup(0).build());
            case UMASK:
                return Optional.of(b.umask(022).build());
            case RLIMITS:
                return Optional.of(b.rlimit(Command.Limit.CORE, 0, 0).build());
            case KILL_ON_PARENT_DEATH:
                return Optional.of(b.killOnParentDeath().build());
            case TREE_KILL:
                return Optional.of(b.killScope(Command.KillScope.TREE).build());
            case STREAMS_OUTLIVE_CHILD:
                return Optional.of(b.streamEnd(Command.StreamEnd.LAST_WRITER).build());
            case SIGNALS:
            case SIGNAL_RESET:
            case ASYNC_CLOSE:
            case ASYNC_IO: // asked for by Spawner.spawnAsync, not by a command
            case PIPELINE: // a pipeline needs it, never a command
                return Optional.empty();
            default:
                throw new AssertionError(f);
        }
    }

    private static boolean strategyHas(List<StrategyInfo> strategies, String name, Feature f) {
        return strategies.stream().anyMatch(s -> s.name().equals(name) && s.features().contains(f));
    }

    private static String able(List<StrategyInfo> strategies, Feature f) {
        String able = strategies.stream().filter(s -> s.features().contains(f))
                .map(s -> s.available() ? s.name() : s.name() + " (unavailable)")
                .collect(Collectors.joining(", "));
        return able.isEmpty() ? "no strategy" : able;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
