package dev.safespawn.reliability;

import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.testkit.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One generated command, and what the library must do with it. The parent
 * opens {@link #pipes} pipes; their ends are the plan's <em>objects</em>
 * (object {@code 2p} is pipe {@code p}'s read end, {@code 2p + 1} its write
 * end), whose descriptor numbers are known only when the plan runs. Each
 * {@link Pass} hands one object (or a negative number) to a child descriptor
 * named by a {@link Target}, which may be another object's number: that is
 * how swaps and cycles arise. The child is the probe reporting its table.
 * Immutable.
 *
 * @param pipes how many pipes the parent opens, 1 or more
 * @param passes the {@code passFd} calls, in order
 * @param stdio how stdin, stdout and stderr are set, in that order
 * @param directory 0: none; 1: {@code /}; 2: the run's oddly named directory
 * @param args the probe's arguments after {@code --}: echoed, never looked at
 * @param env variables set on top of the parent's environment, or of none
 * @param clearEnv whether the parent's environment is cleared first
 */
record CommandPlan(int pipes, List<Pass> passes, List<Std> stdio, int directory, List<String> args,
                   Map<String, String> env, boolean clearEnv) {

    CommandPlan {
        passes = List.copyOf(passes);
        stdio = List.copyOf(stdio);
        args = List.copyOf(args);
        env = new LinkedHashMap<>(env);
    }

    /** How a standard stream is set when no descriptor is passed onto it (and, if one is, a conflict). */
    enum Std {
        /** Not set: a pipe by default; the only choice that may meet a passed descriptor. */
        UNSET,
        PIPE,
        DISCARD;

        Redirect redirect() {
            return this == DISCARD ? Redirect.DISCARD : Redirect.PIPE;
        }
    }

    /** Where a passed descriptor lands in the child. */
    enum Kind {
        /** 0, 1 or 2: replaces a standard stream. */
        STD,
        /** A small number, 3 to 12. */
        LOW,
        /** The parent's number of object {@code k}: swaps and cycles. */
        OBJECT,
        /** {@code limit - 1 - k}: the highest numbers still allowed. */
        BELOW_LIMIT,
        /** {@code limit + k}: refused. */
        AT_LIMIT,
        /** Four times the limit: refused. */
        FAR_ABOVE,
        /** {@link Integer#MAX_VALUE}: refused. */
        MAX,
        /** {@code -1 - k}: rejected by {@code build()}. */
        NEGATIVE
    }

    /** A child descriptor number, as a rule: {@link #number} gives it once the objects are open. */
    record Target(Kind kind, int k) {
        int number(int[] objectFds, int limit) {
            return switch (kind) {
                case STD, LOW -> k;
                case OBJECT -> objectFds[k];
                case BELOW_LIMIT -> limit - 1 - k;
                case AT_LIMIT -> limit + k;
                case FAR_ABOVE -> (int) Math.min(4L * limit, Integer.MAX_VALUE);
                case MAX -> Integer.MAX_VALUE;
                case NEGATIVE -> -1 - k;
            };
        }

        @Override
        public String toString() {
            return kind == Kind.FAR_ABOVE || kind == Kind.MAX ? kind.name() : kind + "(" + k + ")";
        }
    }

    /**
     * {@code passFd(parent, child)}: object {@code object}'s descriptor, or
     * the negative number {@code object} itself when it is below 0.
     */
    record Pass(int object, Target target) {
        int parentFd(int[] objectFds) {
            return object < 0 ? object : objectFds[object];
        }
    }

    /** What the library must do with the plan, once its objects are open. */
    sealed interface Expected {
    }

    /** {@code build()} throws IllegalArgumentException whose message starts with {@code field} and names {@code number}. */
    record Rejected(String field, int number) implements Expected {
    }

    /** {@code spawn()} throws SpawnException with this stage, error name and path (null: none). */
    record Refused(Stage stage, String errnoName, String path) implements Expected {
    }

    /** The child runs, holding 0, 1, 2 and these child descriptors, each a copy of the object named. */
    record Runs(SortedMap<Integer, Integer> childToObject) implements Expected {
    }

    /**
     * The library's documented rules applied to this plan, in the order
     * {@code Command.Builder.build()} and a spawn check them: a negative
     * number or a child descriptor passed twice (first {@code passFd} call
     * first), then a standard stream both passed and redirected (stdin,
     * stdout, stderr), then at spawn a strategy that cannot pass
     * descriptors, then a child descriptor at or above the soft
     * {@code RLIMIT_NOFILE} (lowest first).
     */
    Expected expect(int[] objectFds, int limit, boolean strategyPassesFds) {
        SortedMap<Integer, Integer> mapped = new TreeMap<>();
        for (Pass pass : passes) {
            int parent = pass.parentFd(objectFds);
            int child = pass.target.number(objectFds, limit);
            if (parent < 0 || child < 0) {
                return new Rejected("passFd", parent < 0 ? parent : child);
            }
            if (mapped.putIfAbsent(child, pass.object) != null) {
                return new Rejected("passFd", child);
            }
        }
        for (int fd = 0; fd < 3; fd++) {
            if (mapped.containsKey(fd) && stdio.get(fd) != Std.UNSET) {
                return new Rejected("passFd", fd);
            }
        }
        if (!mapped.isEmpty() && !strategyPassesFds) {
            return new Refused(Stage.FEATURE, "EOPNOTSUPP", null);
        }
        for (int child : mapped.keySet()) {
            if (child >= limit) {
                return new Refused(Stage.DUP2, "EBADF", String.valueOf(child));
            }
        }
        return new Runs(mapped);
    }

    /** The probe's full argv: {@code report}, the variables to look up, {@code --}, then {@link #args}. */
    List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(Probe.path().toString());
        argv.add("report");
        argv.addAll(env.keySet());
        argv.add("--");
        argv.addAll(args);
        return argv;
    }

    /** The builder for this plan with its objects open at {@code objectFds}; build() is left to the caller. */
    Command.Builder builder(int[] objectFds, int limit, Path oddDirectory) {
        Command.Builder b = Command.builder().args(argv());
        if (clearEnv) {
            b.clearEnv();
        }
        env.forEach(b::env);
        if (directory == 1) {
            b.directory(Path.of("/"));
        } else if (directory == 2) {
            b.directory(oddDirectory);
        }
        for (Pass pass : passes) {
            b.passFd(pass.parentFd(objectFds), pass.target.number(objectFds, limit));
        }
        if (stdio.get(0) != Std.UNSET) {
            b.stdin(stdio.get(0).redirect());
        }
        if (stdio.get(1) != Std.UNSET) {
            b.stdout(stdio.get(1).redirect());
        }
        if (stdio.get(2) != Std.UNSET) {
            b.stderr(stdio.get(2).redirect());
        }
        return b;
    }

    /** Short enough for a problem line: the long arguments and values by length only. */
    @Override
    public String toString() {
        return "CommandPlan[pipes=" + pipes + ", passes=" + passes + ", stdio=" + stdio + ", directory=" + directory
                + ", args=" + args.stream().map(CommandPlan::shortText).toList() + ", env="
                + env.entrySet().stream().map(e -> shortText(e.getKey()) + "=" + shortText(e.getValue())).toList()
                + ", clearEnv=" + clearEnv + "]";
    }

    /** {@code s} quoted, and cut short when long. */
    static String shortText(String s) {
        String shown = s.length() <= 40 ? s : s.substring(0, 20) + "...(" + s.length() + " chars)";
        return "\"" + shown.replace("\n", "\\n") + "\"";
    }
}
