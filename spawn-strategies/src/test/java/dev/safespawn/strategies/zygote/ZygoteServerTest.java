package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zygote server's own promises: surviving its death, staying clean, refusing altered binaries. */
class ZygoteServerTest {
    private static final Command TRUE = Command.of("/bin/true");

    private static int runToEnd(ChildProcess child) throws Exception {
        child.getOutputStream().close();
        child.getInputStream().close();
        child.getErrorStream().close();
        return child.waitFor();
    }

    @Test
    void killingTheServerDuringTwoHundredSpawnsFailsThemCleanlyAndTheNextSpawnWorks() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        long firstServer = zygote.serverPid();
        CountDownLatch someDone = new CountDownLatch(20);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(pool.submit(() -> {
                try {
                    ChildProcess child = zygote.spawn(TRUE);
                    return "ended: " + runToEnd(child) + " " + child.exitStatus();
                } catch (SpawnException e) {
                    return "failed: " + e.getMessage();
                } finally {
                    someDone.countDown();
                }
            }));
        }
        someDone.await();
        ProcessHandle.of(firstServer).orElseThrow().destroyForcibly(); // our own child: the server we started
        int failed = 0;
        for (Future<String> call : calls) {
            String outcome = call.get(60, TimeUnit.SECONDS); // every call returns or throws
            assertThat(outcome).matches("ended: .*|failed: .*zygote.*");
            failed += outcome.startsWith("failed") ? 1 : 0;
        }
        pool.shutdown();
        assertThat(failed).as("calls in flight when the server died").isLessThanOrEqualTo(180);

        ChildProcess after = zygote.spawn(TRUE);
        assertThat(runToEnd(after)).isZero();
        assertThat(zygote.serverPid()).isNotEqualTo(firstServer);
        zygote.close();
    }

    @Test
    void liveChildrenOfADeadServerCompleteAsLost() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        ChildProcess sleeper = zygote.spawn(Command.of("/bin/sleep", "1000"));
        ProcessHandle.of(zygote.serverPid()).orElseThrow().destroyForcibly();
        assertThat(sleeper.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeper.exitStatus().lost()).isTrue();
        assertThat(sleeper.exitStatus().lostReason()).hasValueSatisfying(r -> assertThat(r).contains("zygote"));
        assertThat(sleeper.exitValue()).isEqualTo(-1);
        zygote.close();
    }

    @Test
    void twoThousandSpawnsLeaveTheServerHoldingOnlyItsOwnDescriptorsAndNoZombie() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 500; i++) {
                    ok += runToEnd(zygote.spawn(TRUE)) == 0 ? 1 : 0;
                }
                return ok;
            }));
        }
        for (Future<Integer> w : workers) {
            assertThat(w.get(10, TimeUnit.MINUTES)).isEqualTo(500);
        }
        pool.shutdown();
        long server = zygote.serverPid();
        List<String> fds = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(server), "fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                fds.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
            }
        }
        assertThat(fds).as("the server's descriptors").hasSize(5)
                .anyMatch(f -> f.startsWith("3 -> socket:"))
                .anyMatch(f -> f.contains("signalfd"));
        String children = Files.readString(Path.of("/proc", Long.toString(server), "task",
                Long.toString(server), "children")).trim();
        assertThat(children).as("children left to the server").isEmpty();
        zygote.close();
    }

    @Test
    void aStandbyChildForkedAheadServesTheSpawn() throws Exception {
        System.setProperty(ZygoteStrategy.STANDBY_PROPERTY, "2");
        ZygoteStrategy zygote;
        try {
            zygote = new ZygoteStrategy();
        } finally {
            System.clearProperty(ZygoteStrategy.STANDBY_PROPERTY);
        }
        zygote.start();
        Path childrenFile = Path.of("/proc", Long.toString(zygote.serverPid()), "task",
                Long.toString(zygote.serverPid()), "children");
        List<String> waiting = List.of(Files.readString(childrenFile).trim().split(" "));
        assertThat(waiting).as("standbys forked at start").hasSize(2);
        ChildProcess child = zygote.spawn(Command.of("/bin/sleep", "1000"));
        assertThat(waiting).contains(Long.toString(child.pid()));
        child.destroyForcibly();
        child.waitFor();
        child.getInputStream().close();
        child.getErrorStream().close();
        child.getOutputStream().close();
        zygote.close();
    }

    @Test
    void anAlteredExtractedServerIsReplacedBeforeItRuns(@TempDir Path temp) throws Exception {
        Path dir = Files.createDirectory(temp.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        System.setProperty(ZygoteBinary.DIRECTORY_PROPERTY, dir.toString());
        try {
            ZygoteBinary binary = ZygoteBinary.packaged().orElseThrow();
            Path exe;
            try (ZygoteBinary.Opened checked = binary.verifiedExecutable()) {
                exe = checked.path();
            }
            byte[] good = Files.readAllBytes(exe);
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(exe, "#!/bin/sh\necho tampered\n");

            ZygoteStrategy zygote = new ZygoteStrategy();
            zygote.start();
            assertThat(runToEnd(zygote.spawn(TRUE))).isZero();
            assertThat(Files.readAllBytes(exe)).isEqualTo(good);
            zygote.close();
        } finally {
            System.clearProperty(ZygoteBinary.DIRECTORY_PROPERTY);
        }
    }

    @Test
    void aDirectoryOthersCanEnterIsRefused(@TempDir Path temp) throws Exception {
        Path dir = Files.createDirectory(temp.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        System.setProperty(ZygoteBinary.DIRECTORY_PROPERTY, dir.toString());
        try {
            ZygoteStrategy zygote = new ZygoteStrategy();
            assertThatThrownBy(zygote::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("not a private directory").hasMessageContaining(dir.toString());
        } finally {
            System.clearProperty(ZygoteBinary.DIRECTORY_PROPERTY);
        }
    }
}
