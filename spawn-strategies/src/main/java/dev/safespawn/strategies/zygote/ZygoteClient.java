package dev.safespawn.strategies.zygote;

import com.sun.jna.Memory;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;
import dev.safespawn.internal.VirtualThreads;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.ChildSetupStage;
import dev.safespawn.strategies.internal.Descriptor;
import dev.safespawn.strategies.internal.DescriptorPlan;
import dev.safespawn.strategies.internal.HandlerDriver;
import dev.safespawn.strategies.internal.SeqPacketSocket;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One running zygote server and the conversation with it. Any number of
 * threads send requests; one thread at a time reads the replies, matches each
 * to its request by id, and records children's exits. There is no reader
 * thread of its own: a platform thread that waits for a reply or an exit
 * reads until it has it ({@link #readUntil}), so the kernel wakes it straight
 * from the socket; otherwise the event loop's thread reads. A platform thread
 * that finds another reading waits until its answer is dispatched or the
 * reader leaves, and then reads itself: so no wait depends on a reader that
 * has gone, whichever thread (the loop's included) asks. If the server dies, every
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
    /** Guards {@link #reader}; {@link #changed} is signalled when replies were dispatched or the reader left. */
    private final ReentrantLock state = new ReentrantLock();
    private final Condition changed = state.newCondition();
    private Thread reader; // guarded by state: the thread reading replies now, or null
    private int followers; // guarded by state: platform threads waiting on changed
    private final Memory buffer = new Memory(ZygoteProtocol.SSZ_MAX_MESSAGE); // used by the reader only
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
     * Starts a server from the checked {@code executable} (see
     * {@link ServerLauncher}) and waits for its handshake.
     */
    static ZygoteClient start(ZygoteBinary.Opened executable, boolean keepChildren, int standby)
            throws IOException {
        SeqPacketSocket.Pair pair = SeqPacketSocket.pair();
        ChildProcess server;
        Command.Builder command = ServerLauncher.commandFor(executable);
        if (keepChildren) {
            command.args("--keep-children");
        }
        if (standby > 0) {
            command.args("--standby", Integer.toString(standby));
        }
        try {
            server = ServerLauncher.start(command.passFd(pair.peerFd(), ZygoteProtocol.SSZ_SOCKET_FD)
                    .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.INHERIT).build(), executable);
        } catch (SpawnException e) {
            pair.local().close();
            if (e.errno() == Errno.EACCES) {
                String why = ZygoteBinary.noexecDiagnosis(executable.path()).orElse(null);
                if (why != null) {
                    throw new SpawnException(Stage.EXEC, e.errno(), executable.path().toString(), why);
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
            pair.local().watch(client::loopReadable);
        } catch (IOException | RuntimeException | Error e) {
            // A server nobody talks to must not live on, holding its socket.
            pair.local().close();
            server.destroyForcibly();
            if (e instanceof OutOfMemoryError) { // the event loop's thread could not start
                SpawnException failure = new SpawnException(Stage.SPAWN, Errno.EAGAIN, null,
                        "cannot watch the zygote server's replies: " + e);
                failure.initCause(e);
                throw failure;
            }
            throw e;
        }
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
            if (fds.length > ZygoteProtocol.SSZ_MAX_FDS) {
                // refused here: the kernel would refuse the message (over 253) or the server drop the excess,
                // and either looked like a server gone, while it is fine
                throw new SpawnException(Stage.SPAWN, Errno.E2BIG, null, "the command gives the child " + fds.length
                        + " descriptors (its stdio pipes and passed descriptors); a zygote request carries at most "
                        + ZygoteProtocol.SSZ_MAX_FDS + ": use posix_spawn or fork_exec for it");
            }
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
            while (!p.reply().isDone()) {
                try {
                    if (!readUntil(p.reply()::isDone, Long.MAX_VALUE, false)) {
                        break; // a virtual thread: the loop, or a platform thread reading, dispatches the reply
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the request cannot be taken back: wait for its answer
                }
            }
            while (true) {
                try {
                    return p.reply().get();
                } catch (InterruptedException e) {
                    interrupted = true;
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

    /**
     * On the event loop's thread: a reply is there. Reads and dispatches what
     * is there, unless another thread reads (which has the loop watch again
     * when it leaves).
     */
    private void loopReadable() {
        state.lock();
        try {
            if (reader != null) {
                return;
            }
            reader = Thread.currentThread();
        } finally {
            state.unlock();
        }
        try {
            drain();
        } finally {
            leave();
        }
    }

    /**
     * Reads replies on the calling platform thread until {@code done} or the
     * deadline ({@link System#nanoTime()}; {@code Long.MAX_VALUE}: none), so
     * the thread that waits for an answer wakes straight from the socket: one
     * hand-off fewer than through another thread. Replies for others are
     * dispatched on the way. If another thread reads, waits until that one
     * has dispatched what {@code done} waits for, or has left, and then
     * reads itself. Only an {@code interruptible} read ends at an interrupt
     * while it waits in {@code poll(2)}.
     *
     * @return false, at once, on a virtual thread, which must not block in
     *         {@code poll(2)}: it waits for the loop to dispatch instead;
     *         true when {@code done} or the deadline has come
     * @throws InterruptedException if interrupted while waiting, status cleared
     */
    boolean readUntil(BooleanSupplier done, long deadline, boolean interruptible) throws InterruptedException {
        if (VirtualThreads.isCurrent()) {
            return false;
        }
        Thread me = Thread.currentThread();
        boolean nested;
        state.lock();
        try {
            nested = reader == me; // a reply's dispatch that waits in turn: this thread reads already
            while (!nested && reader != null) {
                long left = deadline - System.nanoTime();
                if (done.getAsBoolean() || deadline != Long.MAX_VALUE && left <= 0) {
                    return true;
                }
                followers++;
                try {
                    if (deadline == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(left);
                    }
                } finally {
                    followers--;
                }
            }
            reader = me;
        } finally {
            state.unlock();
        }
        if (nested) {
            readAsReader(done, deadline, interruptible);
            return true;
        }
        socket.watch(false); // this thread wakes for the replies; the loop need not
        try {
            readAsReader(done, deadline, interruptible);
        } finally {
            leave();
        }
        return true;
    }

    /**
     * As the reader: dispatches replies until {@code done}, the deadline, or
     * the server's end.
     *
     * @return false once the server is lost
     */
    private boolean readAsReader(BooleanSupplier done, long deadline, boolean interruptible)
            throws InterruptedException {
        while (true) {
            if (!drain()) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (done.getAsBoolean() || deadline != Long.MAX_VALUE && left <= 0) {
                return true;
            }
            socket.awaitReadable(deadline == Long.MAX_VALUE ? -1
                    : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000), interruptible);
        }
    }

    /**
     * The reader leaves, however it ends: followers may read now, and the
     * loop watches again (a closed socket, the server lost, is not watched).
     */
    private void leave() {
        state.lock();
        try {
            reader = null;
            changed.signalAll();
        } finally {
            state.unlock();
        }
        socket.watch(true);
    }

    /** By the reader: dispatches every reply there now; false at the end (the server is lost). */
    private boolean drain() {
        boolean dispatched = false;
        try {
            while (true) {
                int n = socket.receiveNow(buffer, ZygoteProtocol.SSZ_MAX_MESSAGE);
                if (n == SeqPacketSocket.NO_MESSAGE) {
                    return true;
                }
                if (n < 0) {
                    serverLost();
                    return false;
                }
                ZygoteProtocol.Message m = read(buffer, n);
                if (m == null) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring a malformed message from the zygote");
                    continue;
                }
                dispatch(m);
                dispatched = true;
            }
        } finally {
            if (dispatched) {
                wakeFollowers();
            }
        }
    }

    /** Followers whose answer was just dispatched stop waiting. */
    private void wakeFollowers() {
        state.lock();
        try {
            if (followers > 0) {
                changed.signalAll();
            }
        } finally {
            state.unlock();
        }
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
