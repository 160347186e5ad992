package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Grandchildren whose pids a child printed, one a line, each held by a pidfd. */
final class Grandchildren implements AutoCloseable {
    /**
     * A shell script that prints the pid of a background {@code sleep 100},
     * then exits with 0 once its stdin ends, leaving the sleep in its group:
     * the test, not a race, decides when the leader goes.
     */
    static final String LEAVES_A_JOB_BEHIND = "sleep 100 & echo $!; read -r line; exit 0";

    /** Milliseconds a killed grandchild may take to end: a hang guard, not a timing assertion. */
    private static final int END_BOUND_MILLIS = 60_000;

    /** Fields of {@code /proc/PID/stat}. */
    record ProcStat(long parent, long session, long startTime) {
        /** Reads them now; null if no process has that pid. */
        static ProcStat of(long pid) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            } catch (NoSuchFileException gone) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // After the command name, which may hold spaces and parentheses: state ppid pgrp session ...
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcStat(Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[19]));
        }
    }

    private final Map<Long, Integer> pidfds = new LinkedHashMap<>();
    private final Map<Long, Long> startTimes = new LinkedHashMap<>();
    private final long child;

    private Grandchildren(long child) {
        this.child = child;
    }

    /** Reads {@code count} pids from the child's stdout (which stays open) and opens a pidfd on each. */
    static Grandchildren printedBy(ChildProcess child, int count) throws IOException {
        BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        Grandchildren g = new Grandchildren(child.pid());
        try {
            for (int i = 0; i < count; i++) {
                String line = lines.readLine();
                assertThat(line).as("pid %d printed by the child", i).isNotNull().matches("\\d+");
                long pid = Long.parseLong(line);
                // A sleep 100 that has not been waited for: the pid is still that sleep's.
                g.pidfds.put(pid, ParentState.pidfdOf(pid));
                g.startTimes.put(pid, ProcStat.of(pid).startTime());
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            g.close();
            child.destroyForcibly();
            throw e;
        }
        return g;
    }

    List<Long> pids() {
        return new ArrayList<>(pidfds.keySet());
    }

    List<Integer> pidfds() {
        return new ArrayList<>(pidfds.values());
    }

    /** Each has ended (it may still wait to be reaped by whoever is its parent now). */
    void assertAllEnded() {
        pidfds.forEach((pid, fd) ->
                assertThat(ParentState.awaitExit(fd, END_BOUND_MILLIS)).as("grandchild %d ended", pid).isTrue());
    }

    /**
     * Each has ended and been reaped: its pid names no process, or one
     * started at another time; and no process is left whose parent was
     * one of them or the child.
     */
    void assertAllReaped() throws IOException {
        pidfds.forEach((pid, fd) ->
                assertThat(ParentState.awaitExit(fd, 0)).as("grandchild %d ended", pid).isTrue());
        for (long pid : pidfds.keySet()) {
            ProcStat now = ProcStat.of(pid);
            assertThat(now == null || now.startTime() != startTimes.get(pid))
                    .as("grandchild %d reaped, not a zombie", pid).isTrue();
        }
        Set<Long> parents = new HashSet<>(pidfds.keySet());
        parents.add(child);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<String> orphans = procs.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .filter(name -> {
                        ProcStat s = ProcStat.of(Long.parseLong(name));
                        return s != null && parents.contains(s.parent());
                    })
                    .collect(Collectors.toList());
            assertThat(orphans).as("processes whose parent was a grandchild").isEmpty();
        }
    }

    @Override
    public void close() {
        pidfds.values().forEach(ParentState::close);
    }
}
