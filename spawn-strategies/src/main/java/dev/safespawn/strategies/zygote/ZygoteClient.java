package dev.safespawn.strategies.zygote;

import com.sun.jna.Memory;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.ChildSetupStage;
import dev.safespawn.strategies.internal.Descriptor;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.HandlerDriver;
import dev.safespawn.strategies.internal.SeqPacketSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running zygote server and the conversation with it. Any number of
 * threads send requests; one reader thread takes every reply, matches it to
 * its request by id, and records children's exits. If the server dies, every
 * request in flight fails with a {@link SpawnException} saying so and every
 * live child completes with {@link ExitStatus#lost}; the strategy then starts
 * a new server for the next spawn.
 */
final class ZygoteClient {
    private static final System.Logger LOG = System.getLogger(ZygoteClient.class.getName());

    private final SeqPacketSocket socket;
    private final ChildProcess server;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, ZygoteChildProcess> children = new ConcurrentHashMap<>();
    /** Children whose tree is kept, by keeper pid (unique while the server has not reaped the keeper). */
    private final Map<Integer, ZygoteChildProcess> trees = new ConcurrentHashMap<>();
    private volatile String lostReason; // null while the server serves
    private boolean closeWhenIdle; // guarded by this

    /** A request in flight; for SPAWN it carries what the child object will need. */
    private record Pending(CompletableFuture<Object> reply, DescriptorPlan.ParentEnds parentEnds,
                           Command command, String executable) {
    }

    private ZygoteClient(SeqPacketSocket socket, ChildProcess server) {
        this.socket = socket;
        this.server = server;
    }

    /**
     * Starts a server from {@code executable} (see {@link ServerLauncher}) and
     * waits for its handshake.
     */
    static ZygoteClient start(Path executable, boolean keepChildren, int standby) throws IOException {
        SeqPacketSocket.Pair pair = SeqPacketSocket.pair();
        ChildProcess server;
        Command.Builder command = Command.builder(executable.toString());
        if (keepChildren) {
            command.args("--keep-children");
        }
        if (standby > 0) {
            command.args("--standby", Integer.toString(standby));
        }
        try {
            server = ServerLauncher.start(command.passFd(pair.peerFd(), ZygoteProtocol.SSZ_SOCKET_FD)
                    .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.INHERIT).build());
        } catch (SpawnException e) {
            pair.local().close();
            if (e.errno() == Errno.EACCES) {
                String why = ZygoteBinary.noexecDiagnosis(executable).orElse(null);
                if (why != null) {
                    throw new SpawnException(Stage.EXEC, e.errno(), executable.toString(), why);
                }
            }
            throw e;
        } finally {
            Descriptor.closeQuietly(pair.peerFd());
        }
        ZygoteClient client = new ZygoteClient(pair.local(), server);
        try (Memory buf = new Memory(ZygoteProtocol.SSZ_MAX_MESSAGE)) {
            int n = pair.local().receive(buf, ZygoteProtocol.SSZ_MAX_MESSAGE);
            client.checkHello(n < 0 ? null : read(buf, n));
        } catch (IOException | RuntimeException e) {
            pair.local().close();
            server.destroyForcibly();
            throw e;
        }
        Thread reader = new Thread(client::readReplies, "safespawn-zygote-reader");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    private void checkHello(ZygoteProtocol.Message hello) throws IOException {
        if (hello == null || hello.type() != ZygoteProtocol.SSZ_HELLO) {
            throw new IOException("the zygote server did not greet (it exited, or is not a safespawn zygote)");
        }
        int protocol = hello.protocolVersion();
        int abi = hello.abiVersion();
        if (protocol != ZygoteProtocol.SSZ_PROTOCOL_VERSION || abi != ChildSetupAbi.SS_ABI_VERSION) {
            throw new IOException("the zygote server speaks protocol " + protocol + ", ABI " + abi + "; this code needs "
                    + ZygoteProtocol.SSZ_PROTOCOL_VERSION + ", " + ChildSetupAbi.SS_ABI_VERSION);
        }
    }

    /** The server's pid. */
    long serverPid() {
        return server.pid();
    }

    /** Whether the server still serves. */
    boolean isAlive() {
        return lostReason == null;
    }

    /** Spawns through the server; with a claim, the child's stdio pipes go to the claim instead of its streams. */
    ZygoteChildProcess spawn(Command command, String executable, int closeMethod, HandlerDriver.StdioClaim claim)
            throws IOException {
        try (DescriptorPlan plan = DescriptorPlan.prepare(command)) {
            if (claim != null) {
                claim.takeFrom(plan);
            }
            long id = ids.incrementAndGet();
            byte[] message = ZygoteProtocol.spawn(id, command, executable, plan.childToParent(), closeMethod);
            if (message == null) {
                throw new SpawnException(Stage.SPAWN, Errno.E2BIG, null, "the command (arguments and environment)"
                        + " is larger than a zygote request may be (" + ZygoteProtocol.SSZ_MAX_MESSAGE / 1024 + " KiB)");
            }
            int[] fds = plan.childToParent().values().stream().mapToInt(Integer::intValue).toArray();
            Pending p = new Pending(new CompletableFuture<>(), plan.handOver(), command, executable);
            Object reply;
            try {
                reply = request(id, p, message, fds);
            } catch (IOException | RuntimeException e) {
                DescriptorPlan.closeAll(p.parentEnds());
                throw e;
            }
            if (reply instanceof SpawnException failure) {
                DescriptorPlan.closeAll(p.parentEnds());
                throw failure;
            }
            return (ZygoteChildProcess) reply;
        }
    }

    /**
     * Signals one of the server's children, its group or its tree
     * ({@code ZygoteProtocol.SSZ_SCOPE_*}); false if it has been reaped (the
     * tree: if it has ended).
     */
    boolean signal(int pid, int keeper, int signal, int scope) {
        long id = ids.incrementAndGet();
        Object reply;
        try {
            reply = request(id, new Pending(new CompletableFuture<>(), null, null, null),
                    ZygoteProtocol.signal(id, pid, signal, scope, keeper), new int[0]);
        } catch (IOException e) {
            return false; // the server is gone, and its children with it
        }
        int errno = (Integer) reply;
        String target = switch (scope) {
            case ZygoteProtocol.SSZ_SCOPE_GROUP -> "process group ";
            case ZygoteProtocol.SSZ_SCOPE_TREE -> "the process tree of ";
            default -> "process ";
        };
        return errno == 0 || dev.safespawn.strategies.internal.SignalErrors.delivered(errno, target + pid);
    }

    private Object request(long id, Pending p, byte[] message, int[] fds) throws IOException {
        pending.put(id, p);
        if (lostReason != null) {
            pending.remove(id);
            throw lost();
        }
        try {
            socket.send(message, fds);
        } catch (IOException e) {
            pending.remove(id);
            throw lost(e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.reply().get();
                } catch (InterruptedException e) {
                    interrupted = true; // the request cannot be taken back: wait for its answer
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readReplies() {
        try (Memory buf = new Memory(ZygoteProtocol.SSZ_MAX_MESSAGE)) {
            while (true) {
                int n = socket.receive(buf, ZygoteProtocol.SSZ_MAX_MESSAGE);
                if (n < 0) {
                    break;
                }
                ZygoteProtocol.Message m = read(buf, n);
                if (m == null) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring a malformed message from the zygote");
                    continue;
                }
                dispatch(m);
            }
        }
        serverLost();
    }

    private void dispatch(ZygoteProtocol.Message m) {
        long id = m.id();
        switch (m.type()) {
            case ZygoteProtocol.SSZ_SPAWNED -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    ZygoteChildProcess child = new ZygoteChildProcess(this, m.pid(), m.keeper(), p.command(),
                            p.parentEnds());
                    children.put(m.pid(), child); // before any EXITED for it, which this same thread reads next
                    if (m.keeper() != 0) {
                        trees.put(m.keeper(), child);
                    }
                    p.reply().complete(child);
                }
            }
            case ZygoteProtocol.SSZ_FAILED -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.reply().complete(ChildSetupStage.failure(m.stage(), m.error(), p.command(), p.executable()));
                }
            }
            case ZygoteProtocol.SSZ_SIGNALED -> complete(id, m.error());
            case ZygoteProtocol.SSZ_ERROR -> complete(id, new SpawnException(Stage.SPAWN, m.error(), null,
                    "the zygote rejected the request: " + Errno.message(m.error())));
            case ZygoteProtocol.SSZ_EXITED -> {
                ZygoteChildProcess child = children.remove(m.pid());
                if (child != null) {
                    int value = m.exitValue();
                    child.exited(m.endLost() ? ExitStatus.lost("the zygote's tree keeper died before the child")
                            : m.killedBySignal() ? ExitStatus.killedBy(value) : ExitStatus.exited(value));
                    closeIfIdle();
                }
            }
            case ZygoteProtocol.SSZ_TREE_ENDED -> {
                ZygoteChildProcess child = trees.remove(m.keeper());
                if (child != null) {
                    child.treeEnded();
                    closeIfIdle();
                }
            }
            default -> LOG.log(System.Logger.Level.WARNING, "ignoring zygote message of type {0}", m.type());
        }
    }

    private void complete(long id, Object value) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.reply().complete(value);
        }
    }

    private void serverLost() {
        if (lostReason == null) {
            lostReason = "the zygote server (pid " + server.pid() + ") exited";
        }
        IOException failure = lost();
        pending.values().forEach(p -> p.reply().completeExceptionally(failure));
        pending.clear();
        children.values().forEach(c -> c.exited(ExitStatus.lost(lostReason)));
        children.clear();
        // Each keeper sees the server's end and kills its tree; nothing is left to wait for from here.
        trees.values().forEach(ZygoteChildProcess::treeEnded);
        trees.clear();
        socket.close();
        server.destroyForcibly(); // a server that broke the conversation is no use alive
    }

    private SpawnException lost() {
        return new SpawnException(Stage.SPAWN, Errno.EPIPE, null, lostReason + "; in-flight requests failed");
    }

    private SpawnException lost(IOException cause) {
        SpawnException e = new SpawnException(Stage.SPAWN, Errno.EPIPE, null, "the zygote server is gone: "
                + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /** Shuts the server down now if it has no live children, else once the last one exits. */
    synchronized void closeWhenIdle() {
        closeWhenIdle = true;
        closeIfIdle();
    }

    private synchronized void closeIfIdle() {
        if (closeWhenIdle && children.isEmpty() && trees.isEmpty() && pending.isEmpty()) {
            lostReason = "the zygote server was shut down";
            socket.close(); // the server sees end of file and exits; the reader sees it too
        }
    }

    private static ZygoteProtocol.Message read(Memory buf, int n) {
        return ZygoteProtocol.read(buf.getByteArray(0, n), n);
    }

}
