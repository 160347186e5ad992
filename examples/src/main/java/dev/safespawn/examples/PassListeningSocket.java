package dev.safespawn.examples;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands a listening socket to a child, as inetd or systemd socket activation
 * do: the parent creates and binds it, the child only accepts on descriptor 3.
 * The child is a few lines of Python ({@code socket.socket(fileno=3)}); without
 * {@code python3} on the PATH the example says so and skips.
 *
 * <p>Prints one line: the child's greeting as the parent's client received it.
 */
public final class PassListeningSocket {
    private static final int CHILD_FD = 3;
    private static final String SERVER = String.join("\n",
            "import os, socket",
            "server = socket.socket(fileno=" + CHILD_FD + ")",
            "conn, _ = server.accept()",
            "conn.sendall(b'hello from pid %d, accepting on inherited fd " + CHILD_FD + "\\n' % os.getpid())",
            "conn.close()");
    /** A guard against a child that never answers, not a synchronisation. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private PassListeningSocket() {
    }

    /** Starts the child, connects to it and prints its greeting. */
    public static void main(String[] args) throws Exception {
        if (!onPath("python3")) {
            System.out.println("PassListeningSocket: skipped, python3 is not on the PATH");
            return;
        }
        int listener = listenOnLoopback();
        ChildProcess child;
        int port;
        try (Spawner spawner = Spawner.create()) {
            port = localPort(listener);
            // tag::pass-socket[]
            child = spawner.spawn(Command.builder("python3", "-c", SERVER)
                    .passFd(listener, CHILD_FD)
                    .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.INHERIT)
                    .build());
            // end::pass-socket[]
        } finally {
            // The child has its own copy; the parent must not accept, so it lets go of its own.
            Posix.closeQuietly(listener);
        }
        // The kernel completes the connection from the listen backlog even before the child accepts.
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            String greeting = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            child.waitFor();
            if (greeting == null || !child.exitStatus().exited() || child.exitStatus().code() != 0) {
                throw new IOException("the child " + child.exitStatus() + " without a greeting");
            }
            System.out.println("PassListeningSocket: connected to 127.0.0.1:" + port + " and the child said \""
                    + greeting + "\"");
        }
    }

    /** A TCP socket listening on 127.0.0.1 at a port the kernel picks, close-on-exec from birth. */
    private static int listenOnLoopback() {
        int fd = Posix.socket(Posix.AF_INET, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0);
        try {
            Memory addr = new Memory(Posix.SOCKADDR_IN_SIZE);
            addr.clear();
            addr.setShort(0, (short) Posix.AF_INET);     // sin_family, host order; sin_port 0 = any port
            addr.write(4, new byte[] {127, 0, 0, 1}, 0, 4); // sin_addr, network order
            Posix.bind(fd, addr, Posix.SOCKADDR_IN_SIZE);
            Posix.listen(fd, 1);
            return fd;
        } catch (RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    private static int localPort(int fd) {
        Memory addr = new Memory(Posix.SOCKADDR_IN_SIZE);
        Posix.getsockname(fd, addr, new IntByReference(Posix.SOCKADDR_IN_SIZE));
        return ((addr.getByte(2) & 0xff) << 8) | (addr.getByte(3) & 0xff); // sin_port is big-endian
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
