package dev.safespawn.strategies.zygote;

import dev.safespawn.Command;
import dev.safespawn.strategies.internal.EncodedStrings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The Java half of {@code zygote_protocol.h}: message types, and encoding of
 * the two requests. Native byte order, as both ends share the machine.
 */
final class ZygoteProtocol {
    static final int MAGIC = 0x5a595353;
    static final int PROTOCOL_VERSION = 1;
    static final int MAX_MESSAGE = 128 * 1024;
    static final int MAX_FDS = 64;
    static final int HEADER_SIZE = 16;

    static final int HELLO = 1;
    static final int SPAWN = 2;
    static final int SPAWNED = 3;
    static final int FAILED = 4;
    static final int EXITED = 5;
    static final int SIGNAL = 6;
    static final int SIGNALED = 7;
    static final int ERROR = 8;

    static final int EXIT_CODE = 1;
    static final int EXIT_SIGNAL = 2;

    // child_setup.h request flags
    static final int SS_NEW_SESSION = 0x01;
    static final int SS_SET_PGID = 0x02;
    static final int SS_SET_UMASK = 0x04;

    // <bits/resource.h>
    private static final Map<Command.Limit, Integer> RESOURCE = Map.of(
            Command.Limit.CPU, 0, Command.Limit.FSIZE, 1, Command.Limit.CORE, 4,
            Command.Limit.NPROC, 6, Command.Limit.NOFILE, 7, Command.Limit.AS, 9);

    private ZygoteProtocol() {
    }

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    static ByteBuffer wrap(byte[] bytes, int length) {
        return ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.nativeOrder());
    }

    private static void header(ByteBuffer b, int type, long id) {
        b.putInt(MAGIC).putInt(type).putLong(id);
    }

    /**
     * A SPAWN request; the descriptors to attach are {@code childToParent}'s
     * values, in its key order.
     *
     * @return the message, or null if it exceeds {@link #MAX_MESSAGE}
     */
    static byte[] spawn(long id, Command command, String executable, SortedMap<Integer, Integer> childToParent,
                        int closeMethod) {
        byte[] path = EncodedStrings.encode(executable);
        byte[] dir = EncodedStrings.encode(command.directory().map(Object::toString).orElse(""));
        EncodedStrings argv = EncodedStrings.of(command.argv());
        EncodedStrings env = EncodedStrings.environment(command.environment());
        long stringsLength = path.length + 1L + dir.length + 1L + argv.totalBytes() + env.totalBytes();
        List<Map.Entry<Command.Limit, Command.ResourceLimit>> limits = List.copyOf(command.limits().entrySet());
        long size = HEADER_SIZE + 40L + 4L * childToParent.size() + 24L * limits.size() + stringsLength;
        if (size > MAX_MESSAGE) {
            return null;
        }
        int flags = (command.newSession() ? SS_NEW_SESSION : 0)
                | (command.processGroup().isPresent() ? SS_SET_PGID : 0)
                | (command.umask().isPresent() ? SS_SET_UMASK : 0);
        ByteBuffer b = buffer((int) size);
        header(b, SPAWN, id);
        b.putInt(flags).putInt(command.processGroup().orElse(0)).putInt(command.umask().orElse(0))
                .putInt(closeMethod).putInt(childToParent.size()).putInt(limits.size())
                .putInt(command.argv().size()).putInt(command.environment().size())
                .putInt((int) stringsLength).putInt(0);
        childToParent.keySet().forEach(b::putInt);
        for (Map.Entry<Command.Limit, Command.ResourceLimit> l : limits) {
            b.putInt(RESOURCE.get(l.getKey())).putInt(0).putLong(l.getValue().soft()).putLong(l.getValue().hard());
        }
        b.put(path).put((byte) 0).put(dir).put((byte) 0);
        argv.writeTo(b);
        env.writeTo(b);
        return b.array();
    }

    static byte[] signal(long id, int pid, int signal, boolean group) {
        ByteBuffer b = buffer(HEADER_SIZE + 16);
        header(b, SIGNAL, id);
        b.putInt(pid).putInt(signal).putInt(group ? 1 : 0).putInt(0);
        return b.array();
    }
}
