package dev.safespawn.strategies.internal;

import com.sun.jna.LastErrorException;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.SpawnException;
import dev.safespawn.SpawnException.Stage;
import dev.safespawn.internal.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The descriptors one spawn needs, made in the parent: pipes for
 * {@link Redirect#PIPE}, files opened for file redirects and
 * {@link Redirect#DISCARD}, and the map of child descriptor to parent
 * descriptor that the child must end up with. Every descriptor made here is
 * close-on-exec from birth, so a spawn on another thread never inherits it.
 *
 * <p>Life cycle: {@link #prepare(Command)}, launch the child, then
 * {@link #close()}: it closes the child's ends in the parent and, unless
 * {@link #handOver()} claimed them, the parent's ends too. Not thread-safe.
 */
public final class DescriptorPlan implements AutoCloseable {
    private final SortedMap<Integer, Integer> childToParent = new TreeMap<>();
    private final List<Integer> childSide = new ArrayList<>();
    private final List<Integer> parentSide = new ArrayList<>();
    private final int[] parentEnds = {-1, -1, -1};
    private final SortedMap<Integer, Integer> extraParentEnds = new TreeMap<>(); // child fd -> parent end
    private boolean handedOver;
    /**
     * The mode a redirect creates a file with. The parent opens it, so the
     * kernel masks it with the parent's umask; a command's own umask is
     * applied here too, so the file is never more open than either allows.
     */
    private final int createMode;

    private DescriptorPlan(int createMode) {
        this.createMode = createMode;
    }

    /**
     * Makes the descriptors {@code command} needs.
     *
     * @throws SpawnException stage OPEN (a redirect file), PIPE, or DUP2 (a passed
     *         descriptor that is not open); nothing is left open
     */
    public static DescriptorPlan prepare(Command command) throws SpawnException {
        requireWithinLimit(command);
        DescriptorPlan plan = new DescriptorPlan(0666 & ~command.umask().orElse(0));
        try {
            for (Map.Entry<Integer, Integer> pass : command.passedFds().entrySet()) {
                requireOpen(pass.getValue());
                plan.childToParent.put(pass.getKey(), pass.getValue());
            }
            plan.stream(0, command.stdin());
            plan.stream(1, command.stdout());
            if (command.redirectErrorStream()) {
                Integer out = plan.childToParent.get(1);
                if (out != null) {
                    plan.childToParent.put(2, out);
                }
            } else {
                plan.stream(2, command.stderr());
            }
            for (Map.Entry<Integer, Command.PipeDirection> pipe : command.pipes().entrySet()) {
                plan.extraPipe(pipe.getKey(), pipe.getValue() == Command.PipeDirection.TO_CHILD);
            }
            return plan;
        } catch (SpawnException | RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    private void stream(int fd, Redirect r) throws SpawnException {
        if (childToParent.containsKey(fd)) {
            return; // passFd already placed this stream
        }
        switch (r.kind()) {
            case PIPE:
                pipe(fd);
                break;
            case INHERIT:
                if (isOpen(fd)) {
                    childToParent.put(fd, fd);
                }
                break;
            case DISCARD:
                childToParent.put(fd, openChildSide("/dev/null", LibC.O_RDWR));
                break;
            case READ:
                childToParent.put(fd, openChildSide(r.file().orElseThrow().toString(), LibC.O_RDONLY));
                break;
            case WRITE:
                childToParent.put(fd, openChildSide(r.file().orElseThrow().toString(),
                        LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC));
                break;
            case APPEND:
                childToParent.put(fd, openChildSide(r.file().orElseThrow().toString(),
                        LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND));
                break;
            default:
                throw new AssertionError(r);
        }
    }

    private void pipe(int fd) throws SpawnException {
        parentEnds[fd] = makePipe(fd, fd == 0);
    }

    private void extraPipe(int childFd, boolean childReads) throws SpawnException {
        extraParentEnds.put(childFd, makePipe(childFd, childReads));
    }

    /** A pipe whose child end lands at {@code childFd}; returns the parent's end. */
    private int makePipe(int childFd, boolean childReads) throws SpawnException {
        int[] ends = new int[2];
        try {
            LibC.pipe2(ends, LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new SpawnException(Stage.PIPE, e.getErrorCode(), null);
        }
        int childEnd = childReads ? ends[0] : ends[1];
        int parentEnd = childReads ? ends[1] : ends[0];
        childSide.add(childEnd);
        parentSide.add(parentEnd);
        childToParent.put(childFd, childEnd);
        // Only the parent's end: O_NONBLOCK belongs to the open file, and the
        // child must get an ordinary blocking pipe. A new pipe end has no
        // status flags to keep (F_SETFL ignores the access mode), so no F_GETFL.
        LibC.fcntl(parentEnd, LibC.F_SETFL, LibC.O_NONBLOCK);
        return parentEnd;
    }

    private int openChildSide(String path, int flags) throws SpawnException {
        try {
            int fd = LibC.open(path, flags | LibC.O_CLOEXEC, createMode);
            childSide.add(fd);
            return fd;
        } catch (LastErrorException e) {
            throw new SpawnException(Stage.OPEN, e.getErrorCode(), path);
        }
    }

    /**
     * Refuses a child descriptor number that {@code dup2} in the child would
     * refuse with a bare {@code EBADF}: one at or above this process's soft
     * {@code RLIMIT_NOFILE}, which the child has while its descriptors are
     * placed (a command's own {@code NOFILE} limit applies only after that).
     */
    private static void requireWithinLimit(Command command) throws SpawnException {
        long limit = softDescriptorLimit();
        List<Integer> targets = new ArrayList<>(command.passedFds().keySet());
        targets.addAll(command.pipes().keySet());
        for (int fd : targets) {
            if (fd >= limit) {
                throw new SpawnException(Stage.DUP2, Errno.EBADF, String.valueOf(fd), "descriptor " + fd
                        + " is beyond the descriptor limit the child starts with (RLIMIT_NOFILE " + limit + ")");
            }
        }
    }

    private static long softDescriptorLimit() {
        try (com.sun.jna.Memory rlimit = new com.sun.jna.Memory(16)) {
            LibC.getrlimit(LibC.RLIMIT_NOFILE, rlimit);
            return rlimit.getLong(0); // struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; }
        } catch (LastErrorException e) {
            return Long.MAX_VALUE; // cannot tell: dup2 in the child decides
        }
    }

    private static void requireOpen(int fd) throws SpawnException {
        if (!isOpen(fd)) {
            throw new SpawnException(Stage.DUP2, Errno.EBADF, String.valueOf(fd), "the parent has no such descriptor");
        }
    }

    private static boolean isOpen(int fd) {
        try {
            LibC.fcntl(fd, LibC.F_GETFD, 0);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** Child descriptor → the parent descriptor it must be a copy of. */
    public SortedMap<Integer, Integer> childToParent() {
        return Collections.unmodifiableSortedMap(childToParent);
    }

    /**
     * The {@code dup2(from, to)} steps that place every descriptor, safe against
     * collisions (a source that is another mapping's target, such as a stdout /
     * stderr swap): if any exist, every source is first copied to a spare
     * number, then the spares onto the targets. Each step is {@code {from, to}}.
     *
     * <p>Spares are the lowest numbers from 3 that no step reads or writes
     * (0 to 2 may be the child's inherited standard streams), so they stay
     * below the descriptor limit however high the targets are; each is closed
     * before exec with the {@link #gapsToClose() gaps} or from
     * {@link #closeFrom()}, and what the child inherited there is closed then anyway.
     */
    public List<int[]> dupSteps() {
        boolean collision = false;
        Set<Integer> inPlay = new HashSet<>();
        for (Map.Entry<Integer, Integer> m : childToParent.entrySet()) {
            int target = m.getKey();
            int source = m.getValue();
            inPlay.add(target);
            inPlay.add(source);
            if (source != target && childToParent.containsKey(source)) {
                collision = true;
            }
        }
        List<int[]> steps = new ArrayList<>();
        if (!collision) {
            childToParent.forEach((target, source) -> steps.add(new int[] {source, target}));
            return steps;
        }
        int spare = 3;
        List<int[]> second = new ArrayList<>();
        for (Map.Entry<Integer, Integer> m : childToParent.entrySet()) {
            while (inPlay.contains(spare)) {
                spare++;
            }
            steps.add(new int[] {m.getValue(), spare});
            second.add(new int[] {spare, m.getKey()});
            spare++;
        }
        steps.addAll(second);
        return steps;
    }

    /** The lowest descriptor the child closes from: everything at or above it goes. */
    public int closeFrom() {
        return childToParent.isEmpty() ? 3 : Math.max(3, childToParent.lastKey() + 1);
    }

    /**
     * {@link #closeFrom()}, or empty when that is the soft descriptor limit
     * itself (a descriptor placed on the highest number allowed): libc refuses
     * to close from, or close, a number at or above the limit. Nothing can be
     * open there unless the limit was lowered after it was opened, and that is
     * checked here.
     *
     * @throws SpawnException stage DUP2, if a descriptor at or above the limit is
     *         open: no file action could keep it from the child
     */
    public OptionalInt closeFromWithinLimit() throws SpawnException {
        int from = closeFrom();
        long limit = softDescriptorLimit();
        if (from < limit) {
            return OptionalInt.of(from);
        }
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            Optional<Integer> above = open.map(p -> Integer.parseInt(p.getFileName().toString()))
                    .filter(fd -> fd >= from).findFirst();
            if (above.isPresent()) {
                throw new SpawnException(Stage.DUP2, Errno.EBADF, String.valueOf(above.get()), "descriptor "
                        + above.get() + " is open at or above the descriptor limit (RLIMIT_NOFILE " + limit
                        + "), where posix_spawn cannot close it; use fork_exec or zygote, or raise the limit");
            }
        } catch (IOException e) {
            throw new SpawnException(Stage.DUP2, Errno.EBADF, null,
                    "cannot list this process's descriptors to check none is above the limit: " + e);
        }
        return OptionalInt.empty();
    }

    /** Descriptors from 3 up to {@link #closeFrom()} that the child must close (gaps between kept ones). */
    public List<Integer> gapsToClose() {
        List<Integer> gaps = new ArrayList<>();
        for (int fd = 3; fd < closeFrom(); fd++) {
            if (!childToParent.containsKey(fd)) {
                gaps.add(fd);
            }
        }
        return gaps;
    }

    /** The parent's ends of a child's pipes; -1 where a standard stream has none. */
    public record ParentEnds(int stdin, int stdout, int stderr, SortedMap<Integer, Integer> extra) {
    }

    /**
     * Gives the caller the parent's ends of the standard streams' pipes
     * ({@code [stdin, stdout, stderr]}, -1 where a stream has none), for a
     * {@link HandlerDriver}: from now on the caller must close them, and
     * {@link #handOver()} no longer includes them.
     */
    int[] takeStdio() {
        int[] taken = parentEnds.clone();
        for (int i = 0; i < parentEnds.length; i++) {
            if (parentEnds[i] >= 0) {
                parentSide.remove(Integer.valueOf(parentEnds[i]));
                parentEnds[i] = -1;
            }
        }
        return taken;
    }

    /** Gives the caller the parent's ends of every pipe; {@link #close()} then leaves them open. */
    public ParentEnds handOver() {
        handedOver = true;
        return new ParentEnds(parentEnds[0], parentEnds[1], parentEnds[2],
                Collections.unmodifiableSortedMap(new TreeMap<>(extraParentEnds)));
    }

    /** Closes the child's ends, and the parent's ends unless handed over. Idempotent. */
    @Override
    public void close() {
        childSide.forEach(Descriptor::closeQuietly);
        childSide.clear();
        if (!handedOver) {
            parentSide.forEach(Descriptor::closeQuietly);
        }
        parentSide.clear();
    }

    /** Closes handed-over parent ends that will not be used after all (the spawn failed later). */
    public static void closeAll(ParentEnds ends) {
        for (int fd : new int[] {ends.stdin(), ends.stdout(), ends.stderr()}) {
            if (fd >= 0) {
                Descriptor.closeQuietly(fd);
            }
        }
        ends.extra().values().forEach(Descriptor::closeQuietly);
    }
}
