package dev.safespawn.strategies.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code struct ss_request} of {@code child_setup.h}, field for field (the
 * shim's {@code safespawn_request_size()} lets a test check the layout). The
 * native memory it points to (strings, arrays) is held by this object, so it
 * must stay reachable until the shim call returns; {@link #launch} sees to it.
 * Used by fork_exec, and by the zygote to start its server.
 */
@Structure.FieldOrder({"path", "argv", "envp", "dir", "fdFrom", "fdTo", "fdCount", "flags", "pgid",
        "umaskValue", "rlimitCount", "closeMethod", "rlimitResource", "rlimitSoft", "rlimitHard", "parentPid",
        "execFd"})
public final class ChildSetupRequest extends Structure {
    public String path;
    public Pointer argv;
    public Pointer envp;
    public String dir;
    public Pointer fdFrom;
    public Pointer fdTo;
    public int fdCount;
    public int flags;
    public int pgid;
    public int umaskValue;
    public int rlimitCount;
    public int closeMethod;
    public Pointer rlimitResource;
    public Pointer rlimitSoft;
    public Pointer rlimitHard;
    public int parentPid;
    public int execFd;

    // Keeps the native memory referenced above alive.
    private final Object[] keepAlive;
    private final Command command;

    /**
     * @param closeMethod {@code SS_CLOSE_*}; honoured by the shim's test build only
     * @param extraFlags flags beyond the command's own; the test hooks' flag, for the test build
     */
    public ChildSetupRequest(Command command, String executable, SortedMap<Integer, Integer> childToParent,
                             int closeMethod, int extraFlags, int parentPid) {
        Pointer argvArray = EncodedStrings.of(command.argv()).toNative();
        Pointer envArray = EncodedStrings.environment(command.environment()).toNative();
        Memory from = ints(childToParent.values().stream().mapToInt(Integer::intValue).toArray());
        Memory to = ints(childToParent.keySet().stream().mapToInt(Integer::intValue).toArray());
        List<Map.Entry<Command.Limit, Command.ResourceLimit>> limits = List.copyOf(command.limits().entrySet());
        Memory resources = ints(limits.stream().mapToInt(e -> ChildSetupAbi.resource(e.getKey())).toArray());
        Memory soft = longs(limits.stream().mapToLong(e -> e.getValue().soft()).toArray());
        Memory hard = longs(limits.stream().mapToLong(e -> e.getValue().hard()).toArray());

        this.command = command;
        this.path = executable;
        this.argv = argvArray;
        this.envp = envArray;
        this.dir = command.directory().map(Object::toString).orElse(null);
        this.fdFrom = from;
        this.fdTo = to;
        this.fdCount = childToParent.size();
        this.flags = extraFlags | ChildSetupAbi.flags(command);
        this.pgid = command.processGroup().orElse(0);
        this.umaskValue = command.umask().orElse(0);
        this.rlimitCount = limits.size();
        this.closeMethod = closeMethod;
        this.rlimitResource = resources;
        this.rlimitSoft = soft;
        this.rlimitHard = hard;
        this.parentPid = parentPid;
        this.execFd = -1;
        this.keepAlive = new Object[] {argvArray, envArray, from, to, resources, soft, hard};
        write();
    }

    /**
     * Has the child execute the open file {@code fd} ({@code SS_EXEC_FD}):
     * the file checked through that descriptor is the one that runs, whatever
     * its path names by then; the path stays for error reports. The
     * descriptor is the caller's to close after {@link #launch}; the child
     * never holds it after its exec. A binary only, not a script.
     */
    public ChildSetupRequest executing(int fd) {
        this.flags |= ChildSetupAbi.SS_EXEC_FD;
        this.execFd = fd;
        write();
        return this;
    }

    /**
     * Starts the child through {@code shim} in {@code SS_MODE_*} {@code mode},
     * blocking until it has exec'd or failed.
     *
     * @return its pid
     * @throws SpawnException at the stage the C side named; no child is left
     */
    public int launch(SafespawnShim.ForkExec shim, int mode) throws SpawnException {
        IntByReference pid = new IntByReference();
        IntByReference stage = new IntByReference();
        int rc;
        try {
            rc = shim.forkExec(getPointer(), mode, pid, stage);
        } finally {
            // Only the address reaches C: without this the request, and the native
            // memory it owns, may be collected and freed while the child reads it.
            Reference.reachabilityFence(this);
        }
        if (rc != 0) {
            throw ChildSetupStage.failure(stage.getValue(), -rc, command, path);
        }
        return pid.getValue();
    }

    /** Native int32 array; never zero-sized, which JNA refuses. */
    private static Memory ints(int[] values) {
        Memory m = new Memory(Math.max(1, values.length) * 4L);
        m.write(0, values, 0, values.length);
        return m;
    }

    /** Native uint64 array; {@link Command#UNLIMITED} (-1) is RLIM_INFINITY's bit pattern already. */
    private static Memory longs(long[] values) {
        Memory m = new Memory(Math.max(1, values.length) * 8L);
        m.write(0, values, 0, values.length);
        return m;
    }
}
