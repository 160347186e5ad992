package dev.safespawn.strategies.zygote;

import dev.safespawn.Command;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.EncodedStrings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The Java mirror of {@code zygote_protocol.h}: every {@code #define} under
 * its own name, every struct's size and field offsets in a nested class of
 * the struct's name, and the encoding and decoding of the messages, so that
 * no offset is written anywhere else. The header is the one home of these
 * numbers; {@code ZygoteProtocolHeaderTest} reads it and fails when this class
 * disagrees. Native byte order, as both ends share the machine.
 */
final class ZygoteProtocol {
    // zygote_protocol.h: handshake and limits
    static final int SSZ_SOCKET_FD = 3;
    static final int SSZ_MAGIC = 0x5a595353;
    static final int SSZ_PROTOCOL_VERSION = 3;
    static final int SSZ_MAX_MESSAGE = 128 * 1024;
    static final int SSZ_MAX_FDS = 64;
    static final int SSZ_MAX_RLIMITS = 16;

    // zygote_protocol.h: message types
    static final int SSZ_HELLO = 1;
    static final int SSZ_SPAWN = 2;
    static final int SSZ_SPAWNED = 3;
    static final int SSZ_FAILED = 4;
    static final int SSZ_EXITED = 5;
    static final int SSZ_SIGNAL = 6;
    static final int SSZ_SIGNALED = 7;
    static final int SSZ_ERROR = 8;
    static final int SSZ_TREE_ENDED = 9;

    // zygote_protocol.h: the SPAWN flag for a kept tree, and SIGNAL's scopes
    static final int SSZ_SPAWN_TREE = 0x10000;
    static final int SSZ_SCOPE_PROCESS = 0;
    static final int SSZ_SCOPE_GROUP = 1;
    static final int SSZ_SCOPE_TREE = 2;

    // zygote_protocol.h: struct ssz_exit's kind
    static final int SSZ_EXIT_CODE = 1;
    static final int SSZ_EXIT_SIGNAL = 2;
    static final int SSZ_EXIT_LOST = 3;

    /** zygote_protocol.h: struct ssz_header, before every payload. */
    static final class Header {
        static final int MAGIC = 0;
        static final int TYPE = 4;
        static final int ID = 8;
        static final int SIZE = 16;
    }

    /** zygote_protocol.h: struct ssz_hello. */
    static final class Hello {
        static final int PROTOCOL_VERSION = 0;
        static final int ABI_VERSION = 4;
        static final int PID = 8;
        static final int RESERVED = 12;
        static final int SIZE = 16;
    }

    /** zygote_protocol.h: struct ssz_spawn_fixed, then fd_to, rlimits and strings. */
    static final class SpawnFixed {
        static final int FLAGS = 0;
        static final int PGID = 4;
        static final int UMASK_VALUE = 8;
        static final int CLOSE_METHOD = 12;
        static final int FD_COUNT = 16;
        static final int RLIMIT_COUNT = 20;
        static final int ARGC = 24;
        static final int ENVC = 28;
        static final int STRINGS_LEN = 32;
        static final int RESERVED = 36;
        static final int SIZE = 40;
    }

    /** zygote_protocol.h: struct ssz_rlimit. */
    static final class Rlimit {
        static final int RESOURCE = 0;
        static final int RESERVED = 4;
        static final int SOFT = 8;
        static final int HARD = 16;
        static final int SIZE = 24;
    }

    /** zygote_protocol.h: struct ssz_pid, the payload of SPAWNED and TREE_ENDED. */
    static final class Pid {
        static final int PID = 0;
        static final int KEEPER = 4;
        static final int SIZE = 8;
    }

    /** zygote_protocol.h: struct ssz_failure, the payload of FAILED, SIGNALED and ERROR. */
    static final class Failure {
        static final int STAGE = 0;
        static final int ERROR = 4;
        static final int SIZE = 8;
    }

    /** zygote_protocol.h: struct ssz_exit, EXITED's payload. */
    static final class Exit {
        static final int PID = 0;
        static final int KIND = 4;
        static final int VALUE = 8;
        static final int RESERVED = 12;
        static final int SIZE = 16;
    }

    /** zygote_protocol.h: struct ssz_signal, SIGNAL's payload. */
    static final class Signal {
        static final int PID = 0;
        static final int SIGNAL = 4;
        static final int SCOPE = 8;
        static final int KEEPER = 12;
        static final int SIZE = 16;
    }

    private ZygoteProtocol() {
    }

    /** A message from the server: its header's type and id, and its payload (offset 0 is the payload's start). */
    record Message(int type, long id, ByteBuffer payload) {
        /** HELLO: the protocol version. */
        int protocolVersion() {
            return payload.getInt(Hello.PROTOCOL_VERSION);
        }

        /** HELLO: the {@code SS_ABI_VERSION} the server was built with. */
        int abiVersion() {
            return payload.getInt(Hello.ABI_VERSION);
        }

        /** SPAWNED, TREE_ENDED: the child; EXITED: the child that ended; HELLO: the server. */
        int pid() {
            return payload.getInt(type == SSZ_EXITED ? Exit.PID : type == SSZ_HELLO ? Hello.PID : Pid.PID);
        }

        /** SPAWNED, TREE_ENDED: the child's tree keeper, or 0 for a child without one. */
        int keeper() {
            return payload.getInt(Pid.KEEPER);
        }

        /** FAILED: the {@code SS_STAGE_*} that failed. */
        int stage() {
            return payload.getInt(Failure.STAGE);
        }

        /** FAILED, SIGNALED, ERROR: the error number (0 for a SIGNALED that worked). */
        int error() {
            return payload.getInt(Failure.ERROR);
        }

        /** EXITED: whether the child was killed by a signal rather than exiting. */
        boolean killedBySignal() {
            return payload.getInt(Exit.KIND) == SSZ_EXIT_SIGNAL;
        }

        /** EXITED: whether the child's end is unknown (its tree keeper died first). */
        boolean endLost() {
            return payload.getInt(Exit.KIND) == SSZ_EXIT_LOST;
        }

        /** EXITED: the exit code or the signal number. */
        int exitValue() {
            return payload.getInt(Exit.VALUE);
        }
    }

    /**
     * Reads {@code length} bytes from the server as a message, or returns null
     * if they are not one: too short for the header or for the payload its
     * type has, or without the magic. A type this code does not know is
     * returned as it is, for the caller to ignore.
     */
    static Message read(byte[] bytes, int length) {
        ByteBuffer m = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.nativeOrder());
        if (length < Header.SIZE || m.getInt(Header.MAGIC) != SSZ_MAGIC) {
            return null;
        }
        int type = m.getInt(Header.TYPE);
        int need = switch (type) {
            case SSZ_HELLO -> Hello.SIZE;
            case SSZ_SPAWNED, SSZ_TREE_ENDED -> Pid.SIZE;
            case SSZ_FAILED, SSZ_SIGNALED, SSZ_ERROR -> Failure.SIZE;
            case SSZ_EXITED -> Exit.SIZE;
            default -> 0;
        };
        if (length < Header.SIZE + need) {
            return null;
        }
        ByteBuffer payload = m.position(Header.SIZE).slice().order(ByteOrder.nativeOrder());
        return new Message(type, m.getLong(Header.ID), payload);
    }

    private static ByteBuffer message(int type, long id, long payloadSize) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(Header.SIZE + payloadSize)).order(ByteOrder.nativeOrder());
        return b.putInt(Header.MAGIC, SSZ_MAGIC).putInt(Header.TYPE, type).putLong(Header.ID, id)
                .position(Header.SIZE);
    }

    /**
     * A SPAWN request; the descriptors to attach are {@code childToParent}'s
     * values, in its key order.
     *
     * @param closeMethod {@code SS_CLOSE_*}; the zygote that ships honours AUTO only
     * @return the message, or null if it exceeds {@link #SSZ_MAX_MESSAGE}
     */
    static byte[] spawn(long id, Command command, String executable, SortedMap<Integer, Integer> childToParent,
                        int closeMethod) {
        byte[] path = EncodedStrings.encode(executable);
        byte[] dir = EncodedStrings.encode(command.directory().map(Object::toString).orElse(""));
        EncodedStrings argv = EncodedStrings.of(command.argv());
        EncodedStrings env = EncodedStrings.environment(command.environment());
        long stringsLength = path.length + 1L + dir.length + 1L + argv.totalBytes() + env.totalBytes();
        List<Map.Entry<Command.Limit, Command.ResourceLimit>> limits = List.copyOf(command.limits().entrySet());
        long fdsAt = SpawnFixed.SIZE;
        long rlimitsAt = fdsAt + (long) Integer.BYTES * childToParent.size();
        long stringsAt = rlimitsAt + (long) Rlimit.SIZE * limits.size();
        if (Header.SIZE + stringsAt + stringsLength > SSZ_MAX_MESSAGE) {
            return null;
        }
        // The server makes its children die with it unless told to keep them: no
        // SS_KILL_ON_PARENT_DEATH from here, which would tie them to the server even then.
        int flags = ChildSetupAbi.flags(command) & ~ChildSetupAbi.SS_KILL_ON_PARENT_DEATH
                | (command.killScope() == Command.KillScope.TREE ? SSZ_SPAWN_TREE : 0);
        ByteBuffer b = message(SSZ_SPAWN, id, stringsAt + stringsLength);
        ByteBuffer fixed = b.slice().order(ByteOrder.nativeOrder());
        fixed.putInt(SpawnFixed.FLAGS, flags).putInt(SpawnFixed.PGID, command.processGroup().orElse(0))
                .putInt(SpawnFixed.UMASK_VALUE, command.umask().orElse(0))
                .putInt(SpawnFixed.CLOSE_METHOD, closeMethod)
                .putInt(SpawnFixed.FD_COUNT, childToParent.size()).putInt(SpawnFixed.RLIMIT_COUNT, limits.size())
                .putInt(SpawnFixed.ARGC, command.argv().size()).putInt(SpawnFixed.ENVC, command.environment().size())
                .putInt(SpawnFixed.STRINGS_LEN, (int) stringsLength).putInt(SpawnFixed.RESERVED, 0);
        fixed.position((int) fdsAt);
        childToParent.keySet().forEach(fixed::putInt);
        for (Map.Entry<Command.Limit, Command.ResourceLimit> l : limits) {
            ByteBuffer r = fixed.slice().order(ByteOrder.nativeOrder());
            r.putInt(Rlimit.RESOURCE, ChildSetupAbi.resource(l.getKey())).putInt(Rlimit.RESERVED, 0)
                    .putLong(Rlimit.SOFT, l.getValue().soft()).putLong(Rlimit.HARD, l.getValue().hard());
            fixed.position(fixed.position() + Rlimit.SIZE);
        }
        fixed.put(path).put((byte) 0).put(dir).put((byte) 0);
        argv.writeTo(fixed);
        env.writeTo(fixed);
        return b.array();
    }

    /** A SIGNAL for the child {@code pid} or its group, started without a keeper. */
    static byte[] signal(long id, int pid, int signal, boolean group) {
        return signal(id, pid, signal, group ? SSZ_SCOPE_GROUP : SSZ_SCOPE_PROCESS, 0);
    }

    /**
     * A SIGNAL for the child {@code pid}, its group or its tree.
     *
     * @param scope {@code SSZ_SCOPE_*}
     * @param keeper the child's tree keeper as SPAWNED gave it, 0 for none
     */
    static byte[] signal(long id, int pid, int signal, int scope, int keeper) {
        ByteBuffer b = message(SSZ_SIGNAL, id, Signal.SIZE);
        b.slice().order(ByteOrder.nativeOrder()).putInt(Signal.PID, pid).putInt(Signal.SIGNAL, signal)
                .putInt(Signal.SCOPE, scope).putInt(Signal.KEEPER, keeper);
        return b.array();
    }
}
