package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, defect 3: the server's directory is private and checked as
 * opened, the file that runs is the file that was checked, and the server is
 * reachable only through the socketpair it inherits. A tampered binary here
 * is a shell script that would leave a marker file if it ever ran.
 */
@Timeout(120)
class ZygoteBinaryTrustTest {
    private static final Command TRUE = Command.of("/bin/true");
    private static final int NOBODY = 65534;

    @TempDir
    Path temp;

    @AfterEach
    void forgetDirectory() {
        System.clearProperty(ZygoteBinary.DIRECTORY_PROPERTY);
        System.clearProperty(ZygoteStrategy.STANDBY_PROPERTY);
    }

    private Path privateDirectory(Path where) throws IOException {
        Files.createDirectories(where.getParent());
        return Files.createDirectory(where, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private static void use(Path dir) {
        System.setProperty(ZygoteBinary.DIRECTORY_PROPERTY, dir.toString());
    }

    /** A program that, if ever run, leaves {@code marker} behind. */
    private static void writeTamperedScript(Path at, Path marker) throws IOException {
        Files.writeString(at, "#!/bin/sh\necho ran > '" + marker + "'\n");
        Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwx------"));
    }

    private static int runToEnd(ChildProcess child) throws Exception {
        child.getOutputStream().close();
        child.getInputStream().close();
        child.getErrorStream().close();
        return child.waitFor();
    }

    private static long inode(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino");
    }

    /** Waits until the process {@code pid} has ended, without reaping it (it may be gone already). */
    private static void awaitEnd(long pid) throws Exception {
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file replaced", "directory replaced by a link"})
    void whatIsSwappedInAfterTheCheckIsNeverRun(String swap) throws Exception {
        Path dir = privateDirectory(temp.resolve("private"));
        Path marker = temp.resolve("marker");
        use(dir);
        ZygoteBinary binary = ZygoteBinary.packaged().orElseThrow();
        ZygoteClient client;
        long checked;
        try (ZygoteBinary.Opened exe = binary.verifiedExecutable()) {
            checked = inode(Path.of("/proc/self/fd", Integer.toString(exe.fd())));
            switch (swap) {
                case "file replaced" -> {
                    Files.delete(exe.path());
                    writeTamperedScript(exe.path(), marker);
                }
                case "directory replaced by a link" -> { // as anyone who may write to its parent could
                    Path elsewhere = privateDirectory(temp.resolve("elsewhere"));
                    writeTamperedScript(elsewhere.resolve(exe.path().getFileName()), marker);
                    Files.move(dir, temp.resolve("moved-away"));
                    Files.createSymbolicLink(dir, elsewhere);
                }
                default -> throw new IllegalArgumentException(swap);
            }
            client = ZygoteClient.start(exe, false, 0); // the handshake: only the real server greets
        }
        long server = client.serverPid();
        assertThat(inode(Path.of("/proc", Long.toString(server), "exe"))).isEqualTo(checked);
        try (ChildProcess child = client.spawn(TRUE, "/bin/true", ChildSetupAbi.SS_CLOSE_AUTO, null)) {
            assertThat(runToEnd(child)).isZero();
        }
        client.closeWhenIdle();
        awaitEnd(server);
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"script", "link to a script", "right bytes, writable by others"})
    void aTamperedExtractedFileIsReplacedAndNeverRuns(String tampering) throws Exception {
        Path dir = privateDirectory(temp.resolve("private"));
        Path marker = temp.resolve("marker");
        use(dir);
        ZygoteBinary binary = ZygoteBinary.packaged().orElseThrow();
        Path exe;
        try (ZygoteBinary.Opened extracted = binary.verifiedExecutable()) {
            exe = extracted.path();
        }
        byte[] good = Files.readAllBytes(exe);
        switch (tampering) {
            case "script" -> {
                Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
                writeTamperedScript(exe, marker);
            }
            case "link to a script" -> {
                Path script = temp.resolve("script");
                writeTamperedScript(script, marker);
                Files.delete(exe);
                Files.createSymbolicLink(exe, script);
            }
            default -> Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxrwxrwx"));
        }

        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        long server = zygote.serverPid();
        assertThat(runToEnd(zygote.spawn(TRUE))).isZero();
        zygote.close();
        awaitEnd(server);
        assertThat(marker).doesNotExist();
        assertThat(Files.isSymbolicLink(exe)).isFalse();
        assertThat(Files.readAllBytes(exe)).isEqualTo(good);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(exe))).isEqualTo("r-x------");
    }

    @Test
    void aDirectoryThatIsASymbolicLinkIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
        Path target = privateDirectory(temp.resolve("target"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), target);
        use(link);
        assertThatThrownBy(() -> new ZygoteStrategy().start()).isInstanceOf(IOException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
        try (var entries = Files.list(target)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aDirectoryOthersMayWriteToIsRefused() throws Exception {
        Path dir = privateDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        use(dir);
        assertThatThrownBy(() -> new ZygoteStrategy().start()).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("mode is 0777");
        try (var entries = Files.list(dir)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "");
        use(file);
        assertThatThrownBy(() -> new ZygoteStrategy().start()).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a directory");
    }

    @Test
    void aDirectoryPreCreatedByAnotherUserIsRefused() throws Exception {
        long uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            String why = "only root can make a directory another user owns (this test runs as uid " + uid + ")";
            System.out.println("skipped: " + why);
            Assumptions.abort(why);
        }
        Path dir = privateDirectory(temp.resolve("squatted"));
        Files.setAttribute(dir, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        use(dir);
        assertThatThrownBy(() -> new ZygoteStrategy().start()).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("belongs to uid " + NOBODY);
        try (var entries = Files.list(dir)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theParentsOfAPrivateDirectoryNeedNotBePrivate() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx")); // not sticky either
        use(privateDirectory(open.resolve("private")));
        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        assertThat(runToEnd(zygote.spawn(TRUE))).isZero();
        zygote.close();
    }

    /**
     * The server's descriptors are stdio, the inherited socket on 3, its
     * SIGCHLD signalfd, and with standbys one socketpair end each; no socket
     * of it has a name (a path or an abstract one) or listens.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void theServerIsReachableOnlyThroughItsInheritedSocketpair(int standby) throws Exception {
        use(privateDirectory(temp.resolve("private")));
        System.setProperty(ZygoteStrategy.STANDBY_PROPERTY, Integer.toString(standby));
        ZygoteStrategy zygote = new ZygoteStrategy();
        zygote.start();
        try {
            Path proc = Path.of("/proc", Long.toString(zygote.serverPid()));
            List<String> sockets = new ArrayList<>();
            List<String> others = new ArrayList<>();
            try (var fds = Files.list(proc.resolve("fd"))) {
                for (Path fd : fds.toList()) {
                    String target = Files.readSymbolicLink(fd).toString();
                    int number = Integer.parseInt(fd.getFileName().toString());
                    if (target.startsWith("socket:[")) {
                        sockets.add(number + " " + target.substring(8, target.length() - 1));
                    } else if (number > 2) {
                        others.add(number + " " + target);
                    }
                }
            }
            assertThat(others).as("descriptors beyond stdio and sockets")
                    .singleElement().asString().endsWith("anon_inode:[signalfd]");
            assertThat(sockets).hasSize(1 + standby).anyMatch(s -> s.startsWith("3 "));
            List<String> table = Files.readAllLines(proc.resolve("net/unix"));
            for (String socket : sockets) {
                String inode = socket.split(" ")[1];
                // Num RefCount Protocol Flags Type St Inode [Path]
                String[] row = table.stream().map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length >= 7 && f[6].equals(inode)).findFirst().orElseThrow();
                assertThat(row).as("socket %s of the server: no path or abstract name", socket).hasSize(7);
                assertThat(Integer.parseInt(row[3], 16) & 0x10000).as("listening (__SO_ACCEPTCON)").isZero();
            }
        } finally {
            zygote.close();
        }
    }
}
