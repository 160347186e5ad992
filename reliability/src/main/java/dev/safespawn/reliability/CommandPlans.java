package dev.safespawn.reliability;

import dev.safespawn.reliability.CommandPlan.Kind;
import dev.safespawn.reliability.CommandPlan.Pass;
import dev.safespawn.reliability.CommandPlan.Std;
import dev.safespawn.reliability.CommandPlan.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Generates hostile {@link CommandPlan}s with jqwik: passed descriptors that
 * collide, swap, form cycles, land on 0 to 2 next to redirects, near the
 * descriptor limit, at it and far above it, or are negative; argv and
 * environment text with control bytes, non-ASCII and astral characters,
 * empty strings, {@code "--"} and tens of kilobytes. Under JUnit, jqwik
 * draws and shrinks plans from {@link #plans()}; the campaign draws them with
 * {@link #sample(long, int)}, from a fixed seed so that a run can be repeated.
 * Thread-safe: it holds no state.
 */
final class CommandPlans {
    /** The most pipes a plan opens: six objects are enough for every cycle length the plans use. */
    static final int MAX_PIPES = 3;
    private static final int GENERATION_SIZE = 1000;

    private CommandPlans() {
    }

    /** Every plan this class generates. */
    static Arbitrary<CommandPlan> plans() {
        return Arbitraries.integers().between(1, MAX_PIPES).flatMap(pipes -> Combinators.combine(
                        cycle(pipes), passes(pipes), stdio(), Arbitraries.integers().between(0, 2),
                        arg().list().ofMaxSize(5), Arbitraries.maps(envName(), arg()).ofMaxSize(4),
                        Arbitraries.of(false, true))
                .as((cycle, passes, stdio, directory, args, env, clearEnv) -> {
                    List<Pass> all = new ArrayList<>(cycle);
                    all.addAll(passes);
                    return readable(new CommandPlan(pipes, all, stdio, directory, args, env, clearEnv));
                }));
    }

    /** {@code count} plans drawn from {@code seed}: the same seed gives the same plans. */
    static List<CommandPlan> sample(long seed, int count) {
        // Arbitraries work only inside a jqwik session, which the engine opens for a property and
        // this method opens for the campaign.
        boolean own = !JqwikSession.isActive();
        if (own) {
            JqwikSession.start();
        }
        try {
            RandomGenerator<CommandPlan> generator = plans().generator(GENERATION_SIZE);
            Random random = new Random(seed);
            return Stream.generate(() -> generator.next(random).value()).limit(count).toList();
        } finally {
            if (own) {
                JqwikSession.finish();
            }
        }
    }

    /**
     * Objects {@code o1 .. om} passed to each other's numbers, {@code o1 -> #o2 -> ... -> #o1}:
     * none (m = 0), a descriptor kept at its own number (m = 1), a swap (2) or a cycle (3).
     */
    private static Arbitrary<List<Pass>> cycle(int pipes) {
        int objects = 2 * pipes;
        List<Integer> all = IntStream.range(0, objects).boxed().toList();
        return Combinators.combine(Arbitraries.integers().between(0, Math.min(3, objects)), Arbitraries.shuffle(all))
                .as((m, order) -> {
                    List<Pass> passes = new ArrayList<>();
                    for (int i = 0; i < m; i++) {
                        passes.add(new Pass(order.get(i), new Target(Kind.OBJECT, order.get((i + 1) % m))));
                    }
                    return passes;
                });
    }

    private static Arbitrary<List<Pass>> passes(int pipes) {
        Arbitrary<Integer> object = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between(0, 2 * pipes - 1)),
                Tuple.of(1, Arbitraries.integers().between(-3, -1)));
        return Combinators.combine(object, target(pipes)).as(Pass::new).list().ofMaxSize(4);
    }

    private static Arbitrary<Target> target(int pipes) {
        return Arbitraries.frequencyOf(
                Tuple.of(6, kind(Kind.STD, 0, 2)),
                Tuple.of(8, kind(Kind.LOW, 3, 12)),
                Tuple.of(8, kind(Kind.OBJECT, 0, 2 * pipes - 1)),
                Tuple.of(3, kind(Kind.BELOW_LIMIT, 0, 2)),
                Tuple.of(1, kind(Kind.AT_LIMIT, 0, 2)),
                Tuple.of(1, kind(Kind.FAR_ABOVE, 0, 0)),
                Tuple.of(1, kind(Kind.MAX, 0, 0)),
                Tuple.of(1, kind(Kind.NEGATIVE, 0, 2)));
    }

    private static Arbitrary<Target> kind(Kind kind, int min, int max) {
        return Arbitraries.integers().between(min, max).map(k -> new Target(kind, k));
    }

    private static Arbitrary<List<Std>> stdio() {
        Arbitrary<Std> one = Arbitraries.frequency(Tuple.of(4, Std.UNSET), Tuple.of(1, Std.PIPE),
                Tuple.of(1, Std.DISCARD));
        return one.list().ofSize(3);
    }

    /** Text for argv and values: anything but NUL, which has its own case in {@link BadInputs}. */
    static Arbitrary<String> arg() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12);
        Arbitrary<String> odd = Arbitraries.strings().withCharRange('\u0001', '\u001f')
                .withChars('\u007f', '\u00a0', 'é', 'ß', '\u202e', '\ufeff').withCharRange('\u4e00', '\u4e0f')
                .ofMaxLength(12);
        Arbitrary<String> astral = Arbitraries.of("\uD83D\uDE00", "\uD834\uDD1E", "\uD83D\uDC4D");
        Arbitrary<String> mixed = Combinators.combine(odd, astral, plain).as((a, b, c) -> a + b + c);
        // Nine of these (five args, four values) in two-byte UTF-8 stay below the zygote's 128 KiB
        // request limit, the lowest of any strategy; commands too large have their own case in BadInputs.
        Arbitrary<String> large = Arbitraries.strings().withCharRange('a', 'z').withChars('é')
                .ofMinLength(1_000).ofMaxLength(5_000);
        return Arbitraries.frequencyOf(Tuple.of(5, plain), Tuple.of(4, mixed), Tuple.of(1, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.just("--")), Tuple.of(1, large));
    }

    /**
     * A variable name: never empty, no {@code '='} or NUL (those are
     * {@link BadInputs} cases), and starting with {@code X} or {@code Y_} so
     * that it can never be one the loader or libc act on ({@code LD_*},
     * {@code GLIBC_TUNABLES}) nor the report's {@code --}.
     */
    private static Arbitrary<String> envName() {
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('A', 'Z').withChars("_09 é\t-")
                .ofMaxLength(10);
        return Combinators.combine(Arbitraries.of("X", "Y_"), rest).as(String::concat);
    }

    /**
     * The same plan made readable: the report comes on stdout, so stdout is
     * never discarded, and a descriptor passed onto 1 is a pipe's write end
     * (the parent reads the read end).
     */
    private static CommandPlan readable(CommandPlan plan) {
        List<Pass> passes = new ArrayList<>();
        boolean stdoutPassed = false;
        for (Pass p : plan.passes()) {
            boolean ontoStdout = p.target().kind() == Kind.STD && p.target().k() == 1;
            stdoutPassed |= ontoStdout;
            passes.add(ontoStdout && p.object() >= 0 ? new Pass(p.object() | 1, p.target()) : p);
        }
        List<Std> stdio = new ArrayList<>(plan.stdio());
        if (!stdoutPassed && stdio.get(1) == Std.DISCARD) {
            stdio.set(1, Std.PIPE);
        }
        return new CommandPlan(plan.pipes(), passes, stdio, plan.directory(), plan.args(), plan.env(),
                plan.clearEnv());
    }
}
