package dev.safespawn;

import java.util.Objects;
import java.util.Optional;

/**
 * One open descriptor of a process, as a {@link DescriptorAudit} found it:
 * its number, what it refers to, and whether it is closed when the process
 * executes a new program. Immutable and thread-safe.
 *
 * <p>Null policy: the constructor rejects a null {@code kind}, {@code target}
 * or {@code socket} with {@link NullPointerException}; no accessor returns
 * null. Guaranteed: {@code number} is not negative, and {@code socket} is
 * present only for {@link Kind#SOCKET}.
 *
 * @param number the descriptor's number in its process
 * @param kind what sort of object it refers to
 * @param target what the kernel names it, as {@code readlink} of
 *        {@code /proc/PID/fd/N} gives it: a path (with {@code " (deleted)"}
 *        after a file that was removed), {@code pipe:[INODE]},
 *        {@code socket:[INODE]}, {@code anon_inode:[eventfd]} and the like
 * @param closeOnExec whether it has {@code FD_CLOEXEC}, so that no program
 *        the process executes can inherit it
 * @param socket for a socket found in the process's TCP, UDP, raw or Unix
 *        socket tables: its protocol, addresses and state; empty for any
 *        other socket (netlink, packet, ...) and for every other kind
 */
public record OpenDescriptor(int number, Kind kind, String target, boolean closeOnExec, Optional<Socket> socket) {

    /**
     * Checks the components.
     *
     * @param number the descriptor's number; not negative
     * @param kind what it refers to; not null
     * @param target what the kernel names it; not null
     * @param closeOnExec whether it has {@code FD_CLOEXEC}
     * @param socket a socket's entry; not null, empty unless {@code kind} is {@link Kind#SOCKET}
     * @throws IllegalArgumentException if {@code number} is negative, or
     *         {@code socket} is present for a kind other than {@link Kind#SOCKET}
     * @throws NullPointerException if {@code kind}, {@code target} or
     *         {@code socket} is null
     */
    public OpenDescriptor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(socket, "socket");
        if (number < 0) {
            throw new IllegalArgumentException("number " + number + " is negative");
        }
        if (socket.isPresent() && kind != Kind.SOCKET) {
            throw new IllegalArgumentException("socket given for a descriptor of kind " + kind);
        }
    }

    /**
     * Whether a program the process executes would inherit this descriptor:
     * it lacks {@code FD_CLOEXEC}, so only a launcher that closes descriptors
     * itself (as every safespawn strategy does) keeps it from the child.
     *
     * @return {@code !closeOnExec()}
     */
    public boolean inheritable() {
        return !closeOnExec;
    }

    /**
     * Whether this is standard input, output or error (0, 1 or 2), which a
     * child is meant to inherit.
     *
     * @return whether {@code number()} is 0, 1 or 2
     */
    public boolean isStandard() {
        return number <= 2;
    }

    /**
     * The most telling description for people: a socket's addresses when
     * known (such as {@code tcp 127.0.0.1:8080 LISTEN}), otherwise the target.
     *
     * @return a one-line description, never null
     */
    public String describe() {
        return socket.map(Socket::toString).orElse(target);
    }

    /** What sort of object a descriptor refers to. */
    public enum Kind {
        /** An anonymous pipe ({@code pipe:[INODE]}). */
        PIPE,
        /** A named pipe, opened by its path. */
        FIFO,
        /** A socket of any family; {@link OpenDescriptor#socket()} has its addresses when known. */
        SOCKET,
        /** A regular file, including a deleted one. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A character device, such as {@code /dev/null} or a terminal. */
        CHARACTER_DEVICE,
        /** A block device. */
        BLOCK_DEVICE,
        /** An {@code eventfd}. */
        EVENTFD,
        /** An {@code epoll} instance. */
        EPOLL,
        /** A {@code signalfd}. */
        SIGNALFD,
        /** A {@code timerfd}. */
        TIMERFD,
        /** A pidfd, a handle on a process. */
        PIDFD,
        /** An {@code inotify} instance. */
        INOTIFY,
        /** An anonymous memory file from {@code memfd_create}. */
        MEMFD,
        /** Any other anonymous-inode object ({@code fanotify}, {@code io_uring}, {@code userfaultfd}, ...). */
        ANON_INODE,
        /** Anything the audit cannot name, such as a namespace handle. */
        UNKNOWN
    }

    /**
     * A socket's entry in its process's socket tables. Immutable and
     * thread-safe; the constructor rejects null components with
     * {@link NullPointerException}.
     *
     * @param protocol the table it was found in: {@code tcp}, {@code tcp6},
     *        {@code udp}, {@code udp6}, {@code raw}, {@code raw6} or {@code unix}
     * @param localAddress for IP, {@code ADDRESS:PORT} ({@code [ADDRESS]:PORT}
     *        for IPv6); for Unix, the bound path, {@code @NAME} for an abstract
     *        name, or empty for an unbound socket
     * @param peerAddress the address it is connected to; empty when it is not
     *        connected, and always for Unix sockets, whose tables do not say
     * @param state for TCP, the state as {@code ss} names it
     *        ({@code LISTEN}, {@code ESTABLISHED}, ...); for UDP and raw
     *        {@code UNCONNECTED} or {@code ESTABLISHED}; for Unix the socket
     *        type and state, such as {@code STREAM LISTEN} or {@code DGRAM CONNECTED}
     */
    public record Socket(String protocol, String localAddress, Optional<String> peerAddress, String state) {

        /**
         * Checks the components.
         *
         * @param protocol the table it was found in; not null
         * @param localAddress its own address; not null, empty for an unbound Unix socket
         * @param peerAddress the address it is connected to; not null, empty if unknown
         * @param state its state; not null
         * @throws NullPointerException if any component is null
         */
        public Socket {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(localAddress, "localAddress");
            Objects.requireNonNull(peerAddress, "peerAddress");
            Objects.requireNonNull(state, "state");
        }

        /**
         * The socket in one line, such as {@code tcp 127.0.0.1:40000 -> 127.0.0.1:8080 ESTABLISHED}.
         *
         * @return the protocol, the addresses and the state
         */
        @Override
        public String toString() {
            String local = localAddress.isEmpty() ? "(unbound)" : localAddress;
            return protocol + " " + local + peerAddress.map(p -> " -> " + p).orElse("") + " " + state;
        }
    }
}
