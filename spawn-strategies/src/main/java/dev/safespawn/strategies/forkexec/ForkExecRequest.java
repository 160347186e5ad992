package dev.safespawn.strategies.forkexec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.safespawn.Command;
import dev.safespawn.strategies.internal.EncodedStrings;
import dev.safespawn.strategies.internal.SafespawnShim;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code struct ss_request} of {@code child_setup.h}, field for field. The
 * native memory it points to (strings, arrays) is held by this object, so it
 * must stay reachable until the shim call returns.
 */
@Structure.FieldOrder({"path", "argv", "envp", "dir", "fdFrom", "fdTo", "fdCount", "flags", "pgid",
        "umaskValue", "rlimitCount", "closeMethod", "rlimitResource", "rlimitSoft", "rlimitHard", "parentPid",
        "reserved"})
public final class ForkExecRequest extends Structure {
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
    public int reserved;

    // Keeps the native memory referenced above alive.
    private final Object[] keepAlive;

    // <bits/resource.h>
    private static final Map<Command.Limit, Integer> RESOURCE = Map.of(
            Command.Limit.CPU, 0, Command.Limit.FSIZE, 1, Command.Limit.CORE, 4,
            Command.Limit.NPROC, 6, Command.Limit.NOFILE, 7, Command.Limit.AS, 9);

    ForkExecRequest(Command command, String executable, SortedMap<Integer, Integer> childToParent,
                    int closeMethod, int extraFlags, int parentPid) {
        Pointer argvArray = EncodedStrings.of(command.argv()).toNative();
        Pointer envArray = EncodedStrings.environment(command.environment()).toNative();
        Memory from = ints(childToParent.values().stream().mapToInt(Integer::intValue).toArray());
        Memory to = ints(childToParent.keySet().stream().mapToInt(Integer::intValue).toArray());
        List<Map.Entry<Command.Limit, Command.ResourceLimit>> limits = List.copyOf(command.limits().entrySet());
        Memory resources = ints(limits.stream().mapToInt(e -> RESOURCE.get(e.getKey())).toArray());
        Memory soft = longs(limits.stream().mapToLong(e -> e.getValue().soft()).toArray());
        Memory hard = longs(limits.stream().mapToLong(e -> e.getValue().hard()).toArray());

        this.path = executable;
        this.argv = argvArray;
        this.envp = envArray;
        this.dir = command.directory().map(Object::toString).orElse(null);
        this.fdFrom = from;
        this.fdTo = to;
        this.fdCount = childToParent.size();
        this.flags = extraFlags
                | (command.newSession() ? SafespawnShim.SS_NEW_SESSION : 0)
                | (command.processGroup().isPresent() ? SafespawnShim.SS_SET_PGID : 0)
                | (command.umask().isPresent() ? SafespawnShim.SS_SET_UMASK : 0)
                | (command.killOnParentDeath() ? SafespawnShim.SS_KILL_ON_PARENT_DEATH : 0);
        this.pgid = command.processGroup().orElse(0);
        this.umaskValue = command.umask().orElse(0);
        this.rlimitCount = limits.size();
        this.closeMethod = closeMethod;
        this.rlimitResource = resources;
        this.rlimitSoft = soft;
        this.rlimitHard = hard;
        this.parentPid = parentPid;
        this.keepAlive = new Object[] {argvArray, envArray, from, to, resources, soft, hard};
        write();
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
