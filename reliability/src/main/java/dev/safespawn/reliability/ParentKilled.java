package dev.safespawn.reliability;

import com.sun.jna.LastErrorException;
import dev.safespawn.Signal;
import dev.safespawn.testkit.ParentState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A JVM SIGKILLed while it has children that must die with it: a
 * {@link ParentKilledHost} spawns sleeping probes with
 * {@code killOnParentDeath} (and, through the zygote, without it too),
 * each from a thread that has ended by then; the scenario checks they all
 * still run, SIGKILLs the host, and checks through pidfds that every one is
 * gone within {@link #GONE_WITHIN}.
 */
final class ParentKilled implements Scenario {
    /** The promise checked: how soon after the parent's death every child must be gone. */
    static final Duration GONE_WITHIN = Duration.ofSeconds(1);
    static final int WITH_OPTION = 4;
    /** Zygote children die with the JVM whatever the command says; these check that. */
    static final int WITHOUT_OPTION_ON_ZYGOTE = 4;
    private static final Duration HOST_START = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "parent-killed";
    }

    @Override
    public String description() {
        return "A host JVM spawns " + WITH_OPTION + " sleeping probes with killOnParentDeath (through the zygote also "
                + WITHOUT_OPTION_ON_ZYGOTE + " without it, since its children die with the JVM anyway), each from a"
                + " thread that has ended before the host reports ready; then the host is SIGKILLed. Clean: every"
                + " child still runs when the host is ready, and every one is gone within " + GONE_WITHIN.toMillis()
                + " ms of the kill (watched through pidfds; a survivor is killed once recorded). posix_spawn and jdk"
                + " are left out: they cannot set a parent-death signal, and refuse such a command (the conformance"
                + " suite checks that refusal).";
    }

    @Override
    public List<Configuration> configurations() {
        return Configuration.ALL.stream().filter(c -> c.strategy().equals("fork_exec") || c.strategy().equals("zygote"))
                .toList();
    }

    @Override
    public void run(Configuration configuration, Budget budget, Outcome outcome) throws Exception {
        int hosts = budget.pick(1, 10);
        int without = configuration.strategy().equals("zygote") ? WITHOUT_OPTION_ON_ZYGOTE : 0;
        long worst = 0;
        int children = 0;
        for (int h = 0; h < hosts; h++) {
            List<Long> pids = new ArrayList<>();
            try (HostJvm host = HostJvm.start(configuration.jvmOptions(), ParentKilledHost.class,
                    configuration.strategy(), Integer.toString(WITH_OPTION), Integer.toString(without))) {
                for (String line; (line = host.nextLine(HOST_START)) != null && !line.equals(ParentKilledHost.READY); ) {
                    if (line.startsWith("pid ")) {
                        pids.add(Long.parseLong(line.substring(4)));
                    }
                }
                if (pids.size() != WITH_OPTION + without) {
                    outcome.problem("host " + h + " did not report " + (WITH_OPTION + without) + " children within "
                            + HOST_START.toSeconds() + " s; its output:\n" + host.transcript());
                    return;
                }
                children += pids.size();
                worst = Math.max(worst, killAndWatch(host, pids, outcome));
            }
        }
        outcome.figure("hosts killed", hosts);
        outcome.figure("children", children);
        outcome.figure("all gone after kill, worst (ms)", Faults.millis(worst));
    }

    /** Kills the host and returns how long after it the last child was seen gone. */
    private static long killAndWatch(HostJvm host, List<Long> pids, Outcome outcome) throws InterruptedException {
        List<Integer> pidfds = new ArrayList<>();
        List<Long> watched = new ArrayList<>(); // the pid of each pidfd
        try {
            for (long pid : pids) {
                try {
                    int pidfd = ParentState.pidfdOf(pid);
                    pidfds.add(pidfd);
                    watched.add(pid);
                    if (ParentState.awaitExit(pidfd, 0)) {
                        outcome.problem("child " + pid + " had already ended before its parent was killed");
                    }
                } catch (LastErrorException e) {
                    outcome.problem("child " + pid + " was gone before its parent was killed (" + e.getMessage() + ")");
                }
            }
            int hostPidfd = ParentState.pidfdOf(host.pid());
            long killed;
            try {
                killed = System.nanoTime();
                ParentState.signal(hostPidfd, Signal.KILL);
            } finally {
                ParentState.close(hostPidfd);
            }
            long bound = killed + GONE_WITHIN.toNanos();
            long lastGone = 0;
            for (int i = 0; i < pidfds.size(); i++) {
                int left = (int) Math.max(0, (bound - System.nanoTime()) / 1_000_000);
                if (ParentState.awaitExit(pidfds.get(i), left)) {
                    lastGone = Math.max(lastGone, System.nanoTime() - killed);
                } else {
                    outcome.problem("child " + watched.get(i) + " still alive " + GONE_WITHIN.toMillis()
                            + " ms after its parent JVM was SIGKILLed; killed now");
                    ParentState.signal(pidfds.get(i), Signal.KILL); // a process this scenario started, by its pidfd
                    ParentState.awaitExit(pidfds.get(i), -1);
                }
            }
            OptionalInt exit = host.awaitExit(Faults.HANG);
            if (exit.isEmpty()) {
                outcome.problem("the host JVM " + host.pid() + " had not exited " + Faults.HANG.toSeconds()
                        + " s after SIGKILL");
            }
            return lastGone;
        } finally {
            pidfds.forEach(ParentState::close);
        }
    }
}
