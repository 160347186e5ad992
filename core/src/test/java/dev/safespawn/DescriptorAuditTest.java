package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.safespawn.OpenDescriptor.Kind;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DescriptorAudit} against this JVM and a child of its own, on the real
 * {@code /proc}. Descriptors are found by what they refer to (a unique file,
 * a port) because the JDK does not say which number it got.
 */
@Timeout(60)
class DescriptorAuditTest {
    /** 127.0.0.1 as the kernel lists it for an AF_INET socket or, mapped, for an AF_INET6 one. */
    private static final String LOOPBACK = "(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\])";

    @TempDir
    Path dir;

    /**
     * A descriptor closed while the audit reads it is simply not open: a shell
     * that opens and closes descriptor 9 without pause is audited many times,
     * and every audit succeeds (before, one that caught 9 between its listing
     * and its read failed with a bare "No such file or directory").
     */
    @Test
    @Timeout(60)
    void aDescriptorClosedWhileReadIsNotOpen() throws Exception {
        Process churn = new ProcessBuilder("/bin/sh", "-c", "while :; do exec 9</dev/null; exec 9<&-; done").start();
        try {
            int sawNine = 0;
            for (int i = 0; i < 2_000; i++) {
                Optional<OpenDescriptor> nine = DescriptorAudit.of(churn.pid()).descriptor(9);
                if (nine.isPresent()) {
                    assertThat(nine.get().target()).isEqualTo("/dev/null");
                    sawNine++;
                }
            }
            assertThat(sawNine).as("audits that found descriptor 9 open").isPositive();
        } finally {
            churn.destroyForcibly();
            churn.waitFor();
        }
    }

    @Test
    void aFileTheJdkOpensIsListedByPathAndWouldLeak() throws IOException {
        Path file = Files.writeString(dir.resolve("held.txt"), "x");
        String target = file.toRealPath().toString();
        OpenDescriptor held;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            // The JDK opens files without O_CLOEXEC: it relies on its own launcher closing them in the child.
            held = only(DescriptorAudit.ofCurrentProcess().descriptors(), target);
            assertThat(held.kind()).isEqualTo(Kind.FILE);
            assertThat(held.closeOnExec()).isFalse();
            assertThat(held.socket()).isEmpty();
            assertThat(DescriptorAudit.ofCurrentProcess().leaks()).extracting(OpenDescriptor::target).contains(target);
        }
        DescriptorAudit after = DescriptorAudit.ofCurrentProcess();
        assertThat(after.descriptors()).extracting(OpenDescriptor::target).doesNotContain(target);
    }

    @Test
    void anOpenDirectoryIsADirectory() throws IOException {
        String target = dir.toRealPath().toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            // How many descriptors the JDK holds for one stream is its business (JDK 17 holds two).
            assertThat(DescriptorAudit.ofCurrentProcess().descriptors())
                    .filteredOn(d -> d.target().equals(target)).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.kind()).isEqualTo(Kind.DIRECTORY));
        }
        assertThat(DescriptorAudit.ofCurrentProcess().descriptors()).extracting(OpenDescriptor::target)
                .doesNotContain(target);
    }

    @Test
    void aListeningSocketShowsItsAddressAndAConnectedOneItsPeer() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                java.net.Socket client = new java.net.Socket(loopback, server.getLocalPort());
                java.net.Socket accepted = server.accept()) {
            List<OpenDescriptor> all = DescriptorAudit.ofCurrentProcess().descriptors();

            OpenDescriptor.Socket listening = socketAt(all, server.getLocalPort(), Optional.empty());
            assertThat(listening.state()).isEqualTo("LISTEN");
            OpenDescriptor.Socket connected = socketAt(all, client.getLocalPort(),
                    Optional.of(server.getLocalPort()));
            assertThat(connected.state()).isEqualTo("ESTABLISHED");
            // An IPv6-capable JDK opens AF_INET6 sockets even for 127.0.0.1, which the kernel lists as mapped.
            String prefix = connected.protocol().equals("tcp6") ? "[::ffff:127.0.0.1]" : "127.0.0.1";
            assertThat(connected.localAddress()).isEqualTo(prefix + ":" + client.getLocalPort());
            assertThat(connected.peerAddress()).contains(prefix + ":" + server.getLocalPort());
            assertThat(socketAt(all, server.getLocalPort(), Optional.of(client.getLocalPort())).state())
                    .as("the accepted end").isEqualTo("ESTABLISHED");
        }
    }

    @Test
    void aUnixSocketShowsItsPath() throws IOException {
        Path path = dir.resolve("audit.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));

            List<OpenDescriptor.Socket> unix = DescriptorAudit.ofCurrentProcess().descriptors().stream()
                    .flatMap(d -> d.socket().stream()).filter(s -> s.localAddress().equals(path.toString())).toList();

            assertThat(unix).containsExactly(new OpenDescriptor.Socket("unix", path.toString(), Optional.empty(),
                    "STREAM LISTEN"));
        }
    }

    @Test
    void aPipeHasTwoEndsWithOneTarget() throws IOException {
        Set<OpenDescriptor> before = new HashSet<>(DescriptorAudit.ofCurrentProcess().descriptors());
        Pipe pipe = Pipe.open();
        try {
            List<OpenDescriptor> pipes = DescriptorAudit.ofCurrentProcess().descriptors().stream()
                    .filter(d -> !before.contains(d) && d.kind() == Kind.PIPE).toList();

            assertThat(pipes).hasSize(2);
            assertThat(pipes.get(0).target()).matches("pipe:\\[\\d+\\]").isEqualTo(pipes.get(1).target());
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void aSelectorIsAnEpollClosedOnExecWokenThroughAnEventfd() throws IOException {
        Set<OpenDescriptor> before = new HashSet<>(DescriptorAudit.ofCurrentProcess().descriptors());
        try (Selector selector = Selector.open()) {
            List<OpenDescriptor> opened = DescriptorAudit.ofCurrentProcess().descriptors().stream()
                    .filter(d -> !before.contains(d)).toList();

            assertThat(opened).filteredOn(d -> d.kind() == Kind.EPOLL).singleElement()
                    .satisfies(d -> assertThat(d.closeOnExec()).isTrue());
            // JDK 17's selector wakes through an eventfd; newer ones may use a pipe.
            assertThat(opened).anyMatch(d -> d.kind() == Kind.EVENTFD || d.kind() == Kind.PIPE);
        }
    }

    /**
     * Another process, with exact numbers: the JDK's launcher leaves a child
     * only 0, 1 and 2, and the shell's {@code exec 7<} opens 7 without
     * {@code O_CLOEXEC}, so 7 is the one descriptor it would leak. The shell
     * then waits in its builtin {@code read}: an {@code exec} of another
     * program would have its dynamic loader hold each library briefly.
     */
    @Test
    void anotherProcessIsAuditedExactly() throws Exception {
        Process child = new ProcessBuilder("/bin/sh", "-c", "exec 7</dev/null; echo ready; read -r line")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(out.readLine()).isEqualTo("ready"); // fd 7 is open from here on

            DescriptorAudit audit = DescriptorAudit.of(child.pid());

            assertThat(audit.pid()).isEqualTo(child.pid());
            assertThat(audit.descriptors()).extracting(OpenDescriptor::number).containsExactly(0, 1, 2, 7);
            assertThat(audit.descriptors()).extracting(OpenDescriptor::kind)
                    .containsExactly(Kind.PIPE, Kind.PIPE, Kind.CHARACTER_DEVICE, Kind.CHARACTER_DEVICE);
            assertThat(audit.descriptor(7)).get().extracting(OpenDescriptor::target).isEqualTo("/dev/null");
            assertThat(audit.leaks()).extracting(OpenDescriptor::number).containsExactly(7);
            assertThat(audit.inheritable()).extracting(OpenDescriptor::number).containsExactly(0, 1, 2, 7);
            assertThat(audit).hasToString("DescriptorAudit[pid " + child.pid() + ": 4 open, 1 would leak]");
        } finally {
            child.getOutputStream().close(); // read ends at end of input, and the shell with it
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aProcessThatDoesNotExistIsNamedInTheError() throws IOException {
        // At or above pid_max no process can exist. (Not Files.readString: JDK 17 reads procfs files short.)
        long pid = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip());

        assertThatThrownBy(() -> DescriptorAudit.of(pid)).isInstanceOf(IOException.class)
                .hasMessage("pid " + pid + ": no such process");
        assertThatThrownBy(() -> DescriptorAudit.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pid 0 is not positive");
    }

    /**
     * Needs a process whose descriptors this test may not read, told apart
     * without the audit: one whose first descriptor's link cannot be read.
     * Pid 1 is that for anyone but root, and often for root in a container.
     */
    @Test
    void aProcessThatMayNotBeReadIsRefusedWithTheReason() {
        Path link = Path.of("/proc/1/fd/0");
        boolean denied;
        try {
            Files.readSymbolicLink(link);
            denied = false;
        } catch (IOException e) {
            denied = e instanceof AccessDeniedException;
        }
        if (!denied) {
            System.out.println("skipped: this user may read " + link + ", so no process here refuses the audit");
        }
        assumeThat(denied).as("a process this user may not read").isTrue();

        assertThatThrownBy(() -> DescriptorAudit.of(1)).isInstanceOf(IOException.class)
                .hasMessageMatching("pid 1: permission denied reading /proc/1/fd(/0)? \\(needs .*CAP_SYS_PTRACE.*\\)");
    }

    @Test
    void theKernelsHexAddressesReadAsPeopleWriteThem() {
        assumeThat(ByteOrder.nativeOrder()).as("the kernel's words are in the machine's byte order")
                .isEqualTo(ByteOrder.LITTLE_ENDIAN);

        assertThat(SocketTables.address("0100007F:1F90")).isEqualTo("127.0.0.1:8080");
        assertThat(SocketTables.address("00000000:0000")).isEqualTo("0.0.0.0:0");
        assertThat(SocketTables.address("00000000000000000000000001000000:0050")).isEqualTo("[::1]:80");
        assertThat(SocketTables.address("0000000000000000FFFF00000100007F:8C5D"))
                .isEqualTo("[::ffff:127.0.0.1]:35933");
        assertThat(SocketTables.address("000080FE00000000FF005002FEFF03FE:01BB"))
                .isEqualTo("[fe80::250:ff:fe03:fffe]:443");
    }

    @Test
    void theKernelsNamesForAnonymousObjectsMapToKinds() throws IOException {
        Path unused = Path.of("/nonexistent");
        assertThat(DescriptorAudit.kindOf("anon_inode:[eventfd]", unused)).isEqualTo(Kind.EVENTFD);
        assertThat(DescriptorAudit.kindOf("anon_inode:[eventpoll]", unused)).isEqualTo(Kind.EPOLL);
        assertThat(DescriptorAudit.kindOf("anon_inode:[signalfd]", unused)).isEqualTo(Kind.SIGNALFD);
        assertThat(DescriptorAudit.kindOf("anon_inode:[timerfd]", unused)).isEqualTo(Kind.TIMERFD);
        assertThat(DescriptorAudit.kindOf("anon_inode:[pidfd]", unused)).isEqualTo(Kind.PIDFD);
        assertThat(DescriptorAudit.kindOf("anon_inode:inotify", unused)).isEqualTo(Kind.INOTIFY);
        assertThat(DescriptorAudit.kindOf("anon_inode:[io_uring]", unused)).isEqualTo(Kind.ANON_INODE);
        assertThat(DescriptorAudit.kindOf("/memfd:buffer (deleted)", unused)).isEqualTo(Kind.MEMFD);
        assertThat(DescriptorAudit.kindOf("net:[4026531840]", unused)).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void aDescriptorRejectsBadComponentsByName() {
        assertThatThrownBy(() -> new OpenDescriptor(-1, Kind.FILE, "/x", true, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("number -1 is negative");
        assertThatThrownBy(() -> new OpenDescriptor(3, null, "/x", true, Optional.empty()))
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
        assertThatThrownBy(() -> new OpenDescriptor(3, Kind.FILE, "/x", true,
                Optional.of(new OpenDescriptor.Socket("unix", "", Optional.empty(), "DGRAM UNCONNECTED"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FILE");
    }

    /** The one descriptor whose target is {@code target}. */
    private static OpenDescriptor only(List<OpenDescriptor> all, String target) {
        List<OpenDescriptor> matching = all.stream().filter(d -> d.target().equals(target)).toList();
        assertThat(matching).as("descriptors of %s among %s", target, all).hasSize(1);
        return matching.get(0);
    }

    /** The one TCP socket on 127.0.0.1 with this local port and, if given, this peer port; not closed on exec. */
    private static OpenDescriptor.Socket socketAt(List<OpenDescriptor> all, int localPort, Optional<Integer> peerPort) {
        List<OpenDescriptor> matching = all.stream().filter(d -> d.socket().isPresent()
                && d.socket().get().protocol().startsWith("tcp")
                && d.socket().get().localAddress().matches(LOOPBACK + ":" + localPort)
                && d.socket().get().peerAddress().map(p -> p.replaceFirst(".*:", ""))
                        .equals(peerPort.map(String::valueOf))).toList();
        assertThat(matching).as("sockets on port %d among %s", localPort, all).hasSize(1);
        assertThat(matching.get(0).kind()).isEqualTo(Kind.SOCKET);
        assertThat(matching.get(0).closeOnExec()).as("the JDK's sockets lack O_CLOEXEC").isFalse();
        return matching.get(0).socket().get();
    }
}
