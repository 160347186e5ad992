package dev.safespawn.examples;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Signal;
import dev.safespawn.Spawner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Stops a child and everything it started with one signal: the child leads a
 * new session (so a process group of its own), and
 * {@link ChildProcess#signalGroup(int)} reaches its background jobs too, which
 * killing the child alone would leave running as orphans.
 *
 * <p>Prints one line naming the processes that were killed.
 */
public final class ProcessGroupKill {
    /** Starts two background jobs, then says who they are: the line is the proof they exist before the kill. */
    private static final String SCRIPT = "sleep 1000 & first=$!; sleep 1000 & echo $first $!; wait";
    /**
     * The sleeps are not our children: the JDK watches them by polling, which
     * is fast but not instant. A guard, not a synchronisation.
     */
    private static final long GONE_TIMEOUT_SECONDS = 10;

    private ProcessGroupKill() {
    }

    /** Starts the group, kills it and checks that every member is gone. */
    public static void main(String[] args) throws Exception {
        try (Spawner spawner = Spawner.create()) {
            // tag::start-group[]
            ChildProcess shell = spawner.spawn(Command.builder("/bin/sh", "-c", SCRIPT)
                    .newSession()
                    .stdin(Redirect.DISCARD).stderr(Redirect.INHERIT)
                    .build());
            // end::start-group[]
            List<ProcessHandle> members = new ArrayList<>();
            members.add(shell.toHandle());
            String line = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("the shell ended before starting its jobs: " + shell.waitFor());
            }
            for (String pid : line.trim().split("\\s+")) {
                members.add(ProcessHandle.of(Long.parseLong(pid))
                        .orElseThrow(() -> new IOException("background job " + pid + " is already gone")));
            }

            // tag::kill-group[]
            shell.signalGroup(Signal.KILL);
            // end::kill-group[]

            CompletableFuture.allOf(members.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(GONE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<Long> alive = members.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            if (!alive.isEmpty()) {
                throw new IOException("still running after SIGKILL to the group: " + alive);
            }
            System.out.println("ProcessGroupKill: one SIGKILL to process group " + shell.pid() + " ended all "
                    + members.size() + " processes (pids " + members.stream().map(h -> String.valueOf(h.pid()))
                    .collect(Collectors.joining(", ")) + "); the shell " + shell.exitStatus());
        }
    }
}
