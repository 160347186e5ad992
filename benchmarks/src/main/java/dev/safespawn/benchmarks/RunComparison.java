package dev.safespawn.benchmarks;

import dev.safespawn.Command;
import dev.safespawn.Run;
import dev.safespawn.Spawner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Run} and capture of the {@code targets} part's small output
 * ({@link TargetComparisons#CAPTURED}) through each strategy named, against
 * the C floor's spawn+wait of the same command with pipes, in alternating
 * rounds: which strategy's spawn the capture target rests on, between full
 * runs. The name {@code create} stands for the routing spawner
 * ({@link Spawner#create()}), whatever strategy it picks. Prints each side's
 * median of per-round ratios to the floor, with their spread.
 *
 * <pre>
 * java -cp safespawn-benchmarks.jar dev.safespawn.benchmarks.RunComparison ROUNDS PER_ROUND NAME...
 * </pre>
 */
public final class RunComparison {
    private static final String FLOOR = "C floor, pipes";
    private static final String ROUTING = "create";

    private RunComparison() {
    }

    /**
     * Runs the comparison and prints the result.
     *
     * @param args rounds, runs per side and round, then one or more strategy
     *        names or {@code create}
     * @throws Exception if a run fails or captures the wrong output
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        List<String> names = List.of(args).subList(2, args.length);
        Command command = Command.of(TargetComparisons.CAPTURED.toArray(String[]::new));
        Floor floor = Floor.besideJar();
        List<Spawner> spawners = new ArrayList<>();
        try {
            List<Rounds.Side> sides = new ArrayList<>();
            for (String name : names) {
                Spawner spawner = name.equals(ROUTING) ? Spawner.create() : Spawner.of(name);
                spawners.add(spawner);
                sides.add(Rounds.timed(name, () -> Rounds.elapsed(
                        () -> TargetComparisons.expect(Run.run(command, spawner).check().stdoutText()))));
            }
            JitWarmup.run(() -> {
                for (Rounds.Side side : sides) {
                    side.take(perRound);
                }
            });
            sides.add(n -> Map.of(FLOOR, new long[] {
                Math.round(floor.run(true, perRound / 10, n, TargetComparisons.CAPTURED).p50() * 1000)}));
            Rounds r = Rounds.run(sides, rounds, perRound);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String routed = name.equals(ROUTING) ? " (to " + spawners.get(i).strategyFor(command).orElseThrow() + ")" : "";
                System.out.println("  Run through " + name + routed + " / " + FLOOR + ": " + r.ratio(name, FLOOR).summary());
            }
        } finally {
            spawners.forEach(Spawner::close);
        }
    }
}
