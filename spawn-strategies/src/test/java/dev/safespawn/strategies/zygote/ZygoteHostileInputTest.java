package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.jna.Memory;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Redirect;
import dev.safespawn.Spawner;
import dev.safespawn.strategies.internal.ChildSetupAbi;
import dev.safespawn.strategies.internal.LibC;
import dev.safespawn.strategies.internal.SeqPacketSocket;
import dev.safespawn.strategies.posixspawn.PosixSpawnStrategy;
import dev.safespawn.strategies.zygote.ZygoteProtocol.Rlimit;
import dev.safespawn.strategies.zygote.ZygoteProtocol.SpawnFixed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The zygote server reads every request as hostile: its SPAWN decoder is
 * fuzzed under AddressSanitizer (src/test/c/zygote_fuzz.c), and a server of
 * our own, driven over its socket directly, must answer every malformed,
 * inconsistent or oversized message with an ERROR (or the reply the protocol
 * prescribes), close every descriptor it was sent, never signal a process
 * that is not its child, and go on serving.
 *
 * <p>Replies are awaited with a generous bound only so that a missing reply
 * fails the test instead of hanging it; no assertion depends on timing.
 */
class ZygoteHostileInputTest {
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    private static final int E2BIG = 7;
    private static final int EINVAL = 22;
    private static final int EBADMSG = 74;
    private static final int SIGCONT = 18;
    private static final int SIGKILL = 9;

    /** Fuzz rounds: 1.4 s alone under ASan on 2 cores (2.6 to 3.1 s inside the test run); 10^6 take 6.5 s. */
    private static final String FUZZ_ITERATIONS = System.getProperty("safespawn.fuzz.iterations", "200000");
    private static final String FUZZ_SEED = System.getProperty("safespawn.fuzz.seed", "20240611");
    /** A bound that turns a missing reply into a failure; never reached by a working server. */
    private static final long REPLY_BOUND_SECONDS = 60;

    // ---- A: the decoder under the fuzz harness ----------------------------

    @Test
    void theSpawnDecoderSurvivesTwoHundredThousandMutatedRequestsUnderAddressSanitizer() throws Exception {
        String built = System.getProperty("safespawn.zygote.fuzz");
        assertThat(built).as("system property safespawn.zygote.fuzz (set by the pom)").isNotBlank();
        Path fuzz = Path.of(built);
        assertThat(fuzz).as("the fuzz harness, built by src/main/c/Makefile (make fuzz; the pom's build-test-natives)").isExecutable();
        try (Spawner spawner = Spawner.of("posix_spawn")) {
            ChildProcess run = spawner.spawn(Command.builder(fuzz.toString(), FUZZ_ITERATIONS, FUZZ_SEED)
                    // a small quarantine: 80 MB instead of 450 MB, and faster; nothing here is freed and reused
                    .env("ASAN_OPTIONS", "quarantine_size_mb=32:detect_leaks=1:halt_on_error=1")
                    .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
                    .stdin(Redirect.DISCARD).build());
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(run.getErrorStream()));
            String stdout = readAll(run.getInputStream());
            int status = run.waitFor();
            String errors = stderr.get();
            assertThat(status).as("zygote-fuzz %s %s exit status; stdout:%n%s%nstderr:%n%s",
                    FUZZ_ITERATIONS, FUZZ_SEED, stdout, errors).isZero();
            assertThat(stdout).as("zygote-fuzz summary").contains(FUZZ_ITERATIONS + " iterations")
                    .contains(" 0 failed");
        }
    }

    // ---- B: a live server fed hostile input ------------------------------

    @Test
    void aServerFedEveryKindOfHostileInputAnswersEachMessageClosesEveryDescriptorAndKeepsServing()
            throws Exception {
        try (Server server = Server.start(); Pipe pipe = Pipe.open()) {
            garbage(server, pipe);
            shorterThanTheHeader(server, pipe);
            badMagic(server, pipe);
            unknownTypes(server, pipe);
            inconsistentSpawns(server);
            descriptorCountMismatches(server, pipe);
            oversized(server, pipe);
            signalsToStrangers(server, pipe);
            signalsToItsOwnChild(server);
            randomMessages(server, pipe, 1000, new Random(42));
            server.assertServesAValidSpawnHoldsNothingElseAndExitsOnClose();
        }
    }

    /**
     * A zero-length packet is a message on SOCK_SEQPACKET, but recvmsg returns 0
     * for it as for end of file: the server must not take it for the JVM's exit.
     */
    @Test
    void anEmptyPacketIsAnsweredWithAnErrorNotTakenForEndOfFile() throws Exception {
        try (Server server = Server.start()) {
            server.expectError("an empty packet", new byte[0], 0, EBADMSG);
            server.assertServesAValidSpawnHoldsNothingElseAndExitsOnClose();
        }
    }

    /**
     * The protocol's maximum is SSZ_MAX_MESSAGE = 128 KiB (the client refuses
     * to build anything larger); one byte more must be refused like any
     * oversized request, whatever it contains.
     */
    @Test
    void aRequestOneByteOverTheProtocolMaximumIsRefusedAsTooBig() throws Exception {
        try (Server server = Server.start()) {
            byte[] garbage = spawnHeader(10, ZygoteProtocol.SSZ_MAX_MESSAGE + 1);
            Arrays.fill(garbage, ZygoteProtocol.Header.SIZE, garbage.length, (byte) 1);
            Reply toGarbage = server.request(garbage);
            byte[] wellFormed = spawnOfSize(11, ZygoteProtocol.SSZ_MAX_MESSAGE + 1);
            Reply toWellFormed = server.request(wellFormed);
            if (toWellFormed.type == ZygoteProtocol.SSZ_SPAWNED) {
                server.expectExit(toWellFormed.int32(0)); // awaited below, before the descriptor check
            }
            assertThat(List.of(toGarbage.summary(), toWellFormed.summary()))
                    .as("replies to 128 KiB + 1 of garbage after a SPAWN header, and to a well-formed SPAWN"
                            + " of 128 KiB + 1")
                    .containsExactly("ERROR id 10 errno 7", "ERROR id 11 errno 7");
            server.assertServesAValidSpawnHoldsNothingElseAndExitsOnClose();
        }
    }

    // ---- the cases ----------------------------------------------------------

    private static void garbage(Server server, Pipe pipe) throws Exception {
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            byte[] message = new byte[1 + random.nextInt(i % 10 == 0 ? 60000 : 600)];
            random.nextBytes(message);
            if (message.length >= 4 && le32(message, 0) == ZygoteProtocol.SSZ_MAGIC) {
                message[0] ^= 1;
            }
            server.expectError("garbage packet " + i + " (" + message.length + " bytes)", message, 0, EBADMSG,
                    i % 7 == 0 ? new int[] {pipe.write} : new int[0]);
        }
    }

    private static void shorterThanTheHeader(Server server, Pipe pipe) throws Exception {
        byte[] header = spawnHeader(99, ZygoteProtocol.Header.SIZE);
        for (int n = 1; n < ZygoteProtocol.Header.SIZE; n++) {
            byte[] prefix = Arrays.copyOf(header, n); // starts like a real SPAWN header
            server.expectError(n + " bytes of a SPAWN header", prefix, 0, EBADMSG,
                    n % 5 == 0 ? new int[] {pipe.write} : new int[0]);
        }
    }

    private static void badMagic(Server server, Pipe pipe) throws Exception {
        byte[] valid = ZygoteProtocol.spawn(20, Command.of("/bin/true"), "/bin/true", new TreeMap<>(), 0);
        int[] magics = {0, Integer.reverseBytes(ZygoteProtocol.SSZ_MAGIC), ZygoteProtocol.SSZ_MAGIC + 1,
                ZygoteProtocol.SSZ_MAGIC ^ 0x80000000, ~ZygoteProtocol.SSZ_MAGIC, -1};
        for (int magic : magics) {
            byte[] message = valid.clone();
            put32(message, 0, magic);
            server.expectError("magic " + Integer.toHexString(magic), message, 0, EBADMSG);
            server.expectError("magic " + Integer.toHexString(magic) + " with a descriptor", message, 0, EBADMSG,
                    pipe.write);
        }
    }

    private static void unknownTypes(Server server, Pipe pipe) throws Exception {
        int[] types = {0, ZygoteProtocol.SSZ_HELLO, ZygoteProtocol.SSZ_SPAWNED, ZygoteProtocol.SSZ_FAILED, ZygoteProtocol.SSZ_EXITED,
                ZygoteProtocol.SSZ_SIGNALED, ZygoteProtocol.SSZ_ERROR, 9, 255, 0x102, 0x80000002, -1};
        long id = 30;
        for (int type : types) {
            for (int payload : new int[] {0, 16, 40, 1000}) {
                byte[] message = header(type, ++id, ZygoteProtocol.Header.SIZE + payload);
                server.expectError("type " + type + " with " + payload + " payload bytes", message, id, EBADMSG);
            }
            byte[] message = header(type, ++id, ZygoteProtocol.Header.SIZE + 16);
            server.expectError("type " + type + " with a descriptor", message, id, EBADMSG, pipe.write);
        }
    }

    /** Valid headers, payloads that do not add up: the decoder's refusals, seen from the client. */
    private static void inconsistentSpawns(Server server) throws Exception {
        long id = 1000;
        byte[] valid = smallSpawn(id, new TreeMap<>());
        int payload = valid.length - ZygoteProtocol.Header.SIZE;
        for (int n = ZygoteProtocol.Header.SIZE; n < valid.length; n++) {
            server.expectDecoderRefusal("SPAWN truncated to " + n + " of " + valid.length + " bytes",
                    Arrays.copyOf(valid, n), id);
        }
        server.expectDecoderRefusal("SPAWN with a trailing NUL", Arrays.copyOf(valid, valid.length + 1), id);
        byte[] longer = Arrays.copyOf(valid, valid.length + 100);
        Arrays.fill(longer, valid.length, longer.length, (byte) 'x');
        server.expectDecoderRefusal("SPAWN with 100 bytes too many", longer, id);
        // One field of the fixed part at a time (offsets into the payload, after the header).
        Object[][] fields = {
                {SpawnFixed.FLAGS, ChildSetupAbi.SS_TEST_LEAD_GROUP_FIRST, "flags: the test-only flag"},
                {SpawnFixed.FLAGS, Integer.MIN_VALUE, "flags: bit 31"},
                {SpawnFixed.CLOSE_METHOD, -1, "close_method -1"}, {SpawnFixed.CLOSE_METHOD, 4, "close_method 4"},
                {SpawnFixed.FD_COUNT, -1, "fd_count -1"}, {SpawnFixed.FD_COUNT, 1, "fd_count 1, none attached"},
                {SpawnFixed.FD_COUNT, 65, "fd_count 65"}, {SpawnFixed.FD_COUNT, Integer.MIN_VALUE, "fd_count INT32_MIN"},
                {SpawnFixed.RLIMIT_COUNT, -1, "rlimit_count -1"}, {SpawnFixed.RLIMIT_COUNT, 17, "rlimit_count 17"},
                {SpawnFixed.RLIMIT_COUNT, 1, "rlimit_count 1, none present"},
                {SpawnFixed.ARGC, 0, "argc 0"}, {SpawnFixed.ARGC, 2, "argc 2"}, {SpawnFixed.ARGC, -1, "argc -1"},
                {SpawnFixed.ARGC, Integer.MAX_VALUE, "argc INT32_MAX"},
                {SpawnFixed.ARGC, Integer.MIN_VALUE, "argc INT32_MIN"},
                {SpawnFixed.ENVC, -1, "envc -1"}, {SpawnFixed.ENVC, 2, "envc 2"},
                {SpawnFixed.ENVC, Integer.MAX_VALUE, "envc INT32_MAX"},
                {SpawnFixed.STRINGS_LEN, payload - SpawnFixed.SIZE - 1, "strings_len one short"},
                {SpawnFixed.STRINGS_LEN, payload - SpawnFixed.SIZE + 1, "strings_len one over"},
                {SpawnFixed.STRINGS_LEN, -1, "strings_len 0xffffffff"},
                {SpawnFixed.STRINGS_LEN, Integer.MIN_VALUE, "strings_len 0x80000000"},
                {SpawnFixed.STRINGS_LEN, 0, "strings_len 0"}, {SpawnFixed.RESERVED, 1, "reserved 1"},
        };
        for (Object[] f : fields) {
            byte[] message = valid.clone();
            put32(message, ZygoteProtocol.Header.SIZE + (Integer) f[0], (Integer) f[1]);
            server.expectDecoderRefusal("SPAWN with " + f[2], message, id);
        }
        byte[] noFinalNul = valid.clone();
        noFinalNul[noFinalNul.length - 1] = 'x';
        server.expectDecoderRefusal("SPAWN whose last string is not terminated", noFinalNul, id);
        byte[] emptyPath = valid.clone();
        emptyPath[ZygoteProtocol.Header.SIZE + SpawnFixed.SIZE] = 0;
        server.expectDecoderRefusal("SPAWN with an empty path", emptyPath, id);
        byte[] extraNul = valid.clone();
        extraNul[extraNul.length - 2] = 0;
        server.expectDecoderRefusal("SPAWN with one string too many", extraNul, id);
    }

    private static void descriptorCountMismatches(Server server, Pipe pipe) throws Exception {
        SortedMap<Integer, Integer> one = new TreeMap<>(Map.of(5, pipe.write));
        server.expectDecoderRefusal("SPAWN of fd_count 0 with a descriptor attached",
                smallSpawn(40, new TreeMap<>()), 40, pipe.write);
        server.expectDecoderRefusal("SPAWN of fd_count 1 with none attached", smallSpawn(41, one), 41);
        server.expectDecoderRefusal("SPAWN of fd_count 1 with two attached", smallSpawn(42, one), 42,
                pipe.write, pipe.read);
        SortedMap<Integer, Integer> two = new TreeMap<>(Map.of(5, pipe.write, 6, pipe.read));
        server.expectDecoderRefusal("SPAWN of fd_count 2 with one attached", smallSpawn(43, two), 43, pipe.write);
        int[] seventy = new int[70];
        Arrays.fill(seventy, pipe.write);
        server.expectError("SPAWN of fd_count 1 with 70 attached (the server takes 64)", smallSpawn(44, one), 44,
                E2BIG, seventy);
        SortedMap<Integer, Integer> sameTwice = new TreeMap<>(Map.of(5, pipe.write, 6, pipe.write));
        byte[] duplicateTargets = smallSpawn(45, sameTwice);
        put32(duplicateTargets, ZygoteProtocol.Header.SIZE + SpawnFixed.SIZE + 4, 5); // fd_to {5, 5}
        server.expectDecoderRefusal("SPAWN with one child descriptor number twice", duplicateTargets, 45,
                pipe.write, pipe.write);
        // The right reply when it does add up: one descriptor, and the maximum of 64.
        server.expectSpawnedThenExit("SPAWN of fd_count 1 with it attached", smallSpawn(46, one), 46, pipe.write);
        SortedMap<Integer, Integer> max = new TreeMap<>();
        for (int child = 3; child < 3 + ZygoteProtocol.SSZ_MAX_FDS; child++) {
            max.put(child, pipe.write);
        }
        int[] sixtyFour = new int[ZygoteProtocol.SSZ_MAX_FDS];
        Arrays.fill(sixtyFour, pipe.write);
        server.expectSpawnedThenExit("SPAWN of fd_count 64 with 64 attached", smallSpawn(47, max), 47, sixtyFour);
        // A valid request whose child fails: FAILED, and the descriptor is closed all the same.
        byte[] missing = ZygoteProtocol.spawn(48, Command.builder("/nonexistent/safespawn").clearEnv().build(),
                "/nonexistent/safespawn", one, 0);
        Reply failed = server.request(missing, pipe.write);
        assertThat(failed.summary()).as("reply to a SPAWN of a missing program")
                .isEqualTo("FAILED id 48 stage " + ChildSetupAbi.SS_STAGE_EXEC + " errno 2"); // ENOENT
    }

    private static void oversized(Server server, Pipe pipe) throws Exception {
        byte[] justOver = spawnHeader(60, ZygoteProtocol.SSZ_MAX_MESSAGE + 2);
        server.expectError("SPAWN of 128 KiB + 2 (truncated by the server)", justOver, 60, E2BIG);
        byte[] big = spawnHeader(61, 200_000);
        server.expectError("SPAWN of 200 000 bytes with a descriptor", big, 61, E2BIG, pipe.write);
        byte[] huge = spawnHeader(62, 1 << 20);
        try {
            server.socket.send(huge, new int[0]);
        } catch (IOException refused) {
            // Larger than the socket's send buffer: the kernel refuses it at the
            // client, which is as good as the server refusing it.
            assertThat(refused).hasMessageContaining("EMSGSIZE");
            System.out.println("a 1 MiB message: refused by the kernel at the client: " + refused.getMessage());
            return;
        }
        Reply reply = server.reply();
        assertThat(reply.type).as("reply to a 1 MiB SPAWN the kernel let through: %s", reply)
                .isEqualTo(ZygoteProtocol.SSZ_ERROR);
        assertThat(reply.int32(4)).isEqualTo(E2BIG);
    }

    /** SIGNAL for pids that are not the server's children: ESRCH, and no signal sent. */
    private static void signalsToStrangers(Server server, Pipe pipe) throws Exception {
        long jvm = ProcessHandle.current().pid();
        ChildProcess stranger = new PosixSpawnStrategy().spawn(Command.builder("/bin/sleep", "1000")
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).build());
        try {
            long id = 70;
            // SIGKILL to a process we can watch; nothing that would hurt for the rest.
            Object[][] cases = {
                    {(int) stranger.pid(), SIGKILL, false, "a process the test started itself"},
                    {(int) stranger.pid(), SIGKILL, true, "the group of a process the test started itself"},
                    {(int) jvm, SIGCONT, false, "the test JVM"},
                    {(int) jvm, 0, true, "the test JVM's group"},
                    {(int) server.process.pid(), 0, false, "the server itself"},
                    {1, 0, false, "init"}, {0, 0, false, "pid 0 (kill's own group)"},
                    {0, 0, true, "pid 0 as a group"}, {-1, 0, false, "pid -1 (kill's everyone)"},
                    {-(int) jvm, 0, false, "minus the JVM's pid (kill's its group)"},
                    {Integer.MIN_VALUE, 0, false, "INT32_MIN"}, {Integer.MAX_VALUE, 0, false, "INT32_MAX"},
            };
            for (Object[] c : cases) {
                byte[] message = ZygoteProtocol.signal(++id, (Integer) c[0], (Integer) c[1], (Boolean) c[2]);
                Reply reply = server.request(message);
                assertThat(reply.type).as("reply to SIGNAL %s: %s", c[3], reply).isEqualTo(ZygoteProtocol.SSZ_SIGNALED);
                assertThat(reply.id).as("id of the reply to SIGNAL %s", c[3]).isEqualTo(id);
                assertThat(reply.int32(4)).as("errno of SIGNAL %s", c[3]).isEqualTo(ESRCH);
            }
            // A tree that is not the server's: the stranger named as the child, as the keeper, or both.
            int strangerPid = (int) stranger.pid();
            for (int[] t : new int[][] {{strangerPid, 0}, {strangerPid, strangerPid}, {1, strangerPid}}) {
                Reply reply = server.request(ZygoteProtocol.signal(++id, t[0], SIGKILL, ZygoteProtocol.SSZ_SCOPE_TREE,
                        t[1]));
                assertThat(reply.int32(4)).as("errno of a tree SIGKILL to pid %d, keeper %d", t[0], t[1])
                        .isEqualTo(ESRCH);
            }
            // Malformed SIGNALs.
            for (int payload : new int[] {0, 4, 12, 15, 17, 32}) {
                byte[] message = Arrays.copyOf(ZygoteProtocol.signal(++id, (int) jvm, 0, false),
                        ZygoteProtocol.Header.SIZE + payload);
                server.expectError("SIGNAL with " + payload + " payload bytes", message, id, EBADMSG);
            }
            byte[] withFd = ZygoteProtocol.signal(++id, (int) stranger.pid(), SIGKILL, false);
            server.expectError("SIGNAL with a descriptor attached", withFd, id, EBADMSG, pipe.write);
            // Many replies later, SIGKILL would long have ended it had it been sent.
            server.expectSpawnedThenExit("a SPAWN after the SIGNALs", smallSpawn(++id, new TreeMap<>()), id);
            assertThat(stranger.isAlive()).as("the process the SIGKILLs named, not the server's child").isTrue();
            assertThat(Files.readString(Path.of("/proc", Long.toString(stranger.pid()), "stat")))
                    .as("its state").doesNotContain(") Z ").doesNotContain(") X ");
        } finally {
            stranger.destroyForcibly();
            stranger.waitFor();
            stranger.getInputStream().close();
            stranger.getErrorStream().close();
            stranger.getOutputStream().close();
        }
    }

    /** The right replies for the server's own child, so that the ESRCH above means something. */
    private static void signalsToItsOwnChild(Server server) throws Exception {
        byte[] sleep = ZygoteProtocol.spawn(80, Command.builder("/bin/sleep", "1000").clearEnv().build(),
                "/bin/sleep", new TreeMap<>(), 0);
        Reply spawned = server.request(sleep);
        assertThat(spawned.type).as("reply to SPAWN /bin/sleep: %s", spawned).isEqualTo(ZygoteProtocol.SSZ_SPAWNED);
        int pid = spawned.int32(0);
        server.expectExit(pid);
        Reply group = server.request(ZygoteProtocol.signal(81, pid, SIGKILL, true));
        assertThat(group.type).isEqualTo(ZygoteProtocol.SSZ_SIGNALED);
        assertThat(group.int32(4)).as("errno of a group signal to a child that leads no group").isEqualTo(EPERM);
        Reply tree = server.request(ZygoteProtocol.signal(84, pid, SIGKILL, ZygoteProtocol.SSZ_SCOPE_TREE, 0));
        assertThat(tree.int32(4)).as("errno of a tree signal to a child started without a keeper").isEqualTo(EPERM);
        Reply badScope = server.request(ZygoteProtocol.signal(85, pid, SIGKILL, 3, 0));
        assertThat(badScope.int32(4)).as("errno of a signal of scope 3").isEqualTo(EINVAL);
        Reply badSignal = server.request(ZygoteProtocol.signal(82, pid, 1000, false));
        assertThat(badSignal.int32(4)).as("errno of signal 1000").isEqualTo(EINVAL);
        Reply kill = server.request(ZygoteProtocol.signal(83, pid, SIGKILL, false));
        assertThat(kill.type).isEqualTo(ZygoteProtocol.SSZ_SIGNALED);
        assertThat(kill.int32(4)).as("errno of SIGKILL to its child").isZero();
        int[] exit = server.awaitExit(pid);
        assertThat(exit).as("EXITED {kind, value} of the killed child").containsExactly(ZygoteProtocol.SSZ_EXIT_SIGNAL,
                SIGKILL);
        Reply afterReaping = server.request(ZygoteProtocol.signal(84, pid, SIGKILL, false));
        assertThat(afterReaping.int32(4)).as("errno of a signal to a reaped child").isEqualTo(ESRCH);
    }

    /**
     * Random messages in a row. Mutated SPAWNs are judged by an independent
     * statement of the decoder's rules ({@link #wellFormedSpawn}): a well-formed
     * one must be SPAWNED or FAILED, any other refused with an ERROR.
     */
    private static void randomMessages(Server server, Pipe pipe, int count, Random random) throws Exception {
        SortedMap<Integer, Integer> one = new TreeMap<>(Map.of(5, pipe.write));
        int spawned = 0;
        int refused = 0;
        for (int i = 0; i < count; i++) {
            long id = 100_000 + i;
            int kind = random.nextInt(100);
            int[] fds = random.nextInt(10) == 0 ? new int[] {pipe.write} : new int[0];
            byte[] message;
            if (kind < 20) { // noise
                message = new byte[1 + random.nextInt(512)];
                random.nextBytes(message);
                if (message.length >= 4 && le32(message, 0) == ZygoteProtocol.SSZ_MAGIC) {
                    message[0] ^= 1;
                }
                server.expectError("random message " + i + ": noise", message, 0, EBADMSG, fds);
                refused++;
            } else if (kind < 35) { // a request of no known type
                int type = random.nextInt();
                if (type == ZygoteProtocol.SSZ_SPAWN || type == ZygoteProtocol.SSZ_SIGNAL) {
                    type = 0;
                }
                message = header(type, id, ZygoteProtocol.Header.SIZE + random.nextInt(100));
                server.expectError("random message " + i + ": type " + type, message, id, EBADMSG, fds);
                refused++;
            } else if (kind < 50) { // a SIGNAL of random content, to no child of the server
                message = header(ZygoteProtocol.SSZ_SIGNAL, id, ZygoteProtocol.Header.SIZE + 16);
                put32(message, 16, server.randomNonChild(random));
                // signal 0 or an invalid number: harmless even if a broken server sent it
                put32(message, 20, random.nextBoolean() ? 0 : 65 + random.nextInt(Integer.MAX_VALUE - 65));
                put32(message, 24, random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(2));
                if (random.nextInt(4) == 0) {
                    message = Arrays.copyOf(message, ZygoteProtocol.Header.SIZE + random.nextInt(40));
                }
                if (message.length == ZygoteProtocol.Header.SIZE + 16 && fds.length == 0) {
                    Reply reply = server.request(message);
                    assertThat(reply.type).as("random message %d: SIGNAL, reply %s", i, reply)
                            .isEqualTo(ZygoteProtocol.SSZ_SIGNALED);
                    assertThat(reply.id).isEqualTo(id);
                    assertThat(reply.int32(4)).as("random message %d: errno", i).isEqualTo(ESRCH);
                } else {
                    server.expectError("random message " + i + ": malformed SIGNAL", message, id, EBADMSG, fds);
                    refused++;
                }
            } else { // a mutated SPAWN
                message = mutate(smallSpawn(id, fds.length == 1 ? one : new TreeMap<>()), random);
                if (random.nextInt(10) == 0) {
                    fds = new int[] {pipe.write};
                }
                String what = "random message " + i + ": mutated SPAWN " + hex(message);
                if (wellFormedSpawn(message, fds.length)) {
                    Reply reply = server.request(message, fds);
                    assertThat(reply.type).as("%s: reply %s", what, reply)
                            .isIn(ZygoteProtocol.SSZ_SPAWNED, ZygoteProtocol.SSZ_FAILED);
                    assertThat(reply.id).isEqualTo(id);
                    if (reply.type == ZygoteProtocol.SSZ_SPAWNED) {
                        server.expectExit(reply.int32(0));
                        spawned++;
                    }
                } else {
                    server.expectDecoderRefusal(what, message, id, fds);
                    refused++;
                }
            }
        }
        System.out.printf("%d random messages: %d refused, %d SPAWNs made a child%n", count, refused, spawned);
        assertThat(refused).as("random messages refused").isGreaterThan(count / 2);
        assertThat(spawned).as("random (mutated) SPAWNs that still made a child").isPositive();
    }

    // ---- building messages ---------------------------------------------------

    private static byte[] smallSpawn(long id, SortedMap<Integer, Integer> childToParent) {
        return ZygoteProtocol.spawn(id, Command.builder("/bin/true").clearEnv().env("A", "1").build(), "/bin/true",
                childToParent, 0);
    }

    /** A well-formed SPAWN of /bin/true of exactly size bytes, padded by an environment variable. */
    private static byte[] spawnOfSize(long id, int size) {
        byte[] message = ZygoteProtocol.spawn(id, Command.builder("/bin/true").clearEnv().env("P", "").build(),
                "/bin/true", new TreeMap<>(), 0);
        int base = message.length;
        // ZygoteProtocol refuses to encode more than 128 KiB: grow the last string ("P=") by hand.
        byte[] grown = Arrays.copyOf(message, size);
        Arrays.fill(grown, base - 1, size - 1, (byte) 'x');
        grown[size - 1] = 0;
        int stringsLen = ZygoteProtocol.Header.SIZE + SpawnFixed.STRINGS_LEN;
        put32(grown, stringsLen, le32(grown, stringsLen) + size - base);
        assertThat(wellFormedSpawn(grown, 0)).as("the oversized SPAWN is well formed but for its size").isTrue();
        return grown;
    }

    private static byte[] header(int type, long id, int size) {
        byte[] message = new byte[size];
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(ZygoteProtocol.SSZ_MAGIC).putInt(type).putLong(id);
        return message;
    }

    private static byte[] spawnHeader(long id, int size) {
        return header(ZygoteProtocol.SSZ_SPAWN, id, size);
    }

    private static final int[] INTERESTING = {Integer.MIN_VALUE, -65536, -2, -1, 0, 1, 2, 3, 4, 15, 16, 17, 63, 64,
            65, 255, 4096, 131072, Integer.MAX_VALUE};

    /** One to three mutations of a SPAWN's payload; the header (and so the id) stays. */
    private static byte[] mutate(byte[] spawn, Random random) {
        byte[] m = spawn;
        int payloadStart = ZygoteProtocol.Header.SIZE;
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            switch (random.nextInt(6)) {
                case 0 -> { // flip a bit
                    if (m.length > payloadStart) {
                        int at = payloadStart + random.nextInt(m.length - payloadStart);
                        m[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // a field of the fixed part
                    if (m.length >= payloadStart + SpawnFixed.SIZE) {
                        int value = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)]
                                : random.nextInt(8);
                        put32(m, payloadStart + 4 * random.nextInt(SpawnFixed.SIZE / 4), value);
                    }
                }
                case 2 -> m = Arrays.copyOf(m, payloadStart + random.nextInt(m.length - payloadStart + 1));
                case 3 -> { // extend
                    int more = 1 + random.nextInt(16);
                    m = Arrays.copyOf(m, m.length + more);
                    for (int i = m.length - more; i < m.length; i++) {
                        m[i] = random.nextInt(3) == 0 ? 0 : (byte) ('a' + random.nextInt(26));
                    }
                }
                case 4 -> { // make strings_len agree with the length again
                    if (m.length >= payloadStart + SpawnFixed.SIZE) {
                        long sections = SpawnFixed.SIZE
                                + 4L * clamp(le32(m, payloadStart + SpawnFixed.FD_COUNT), 0, ZygoteProtocol.SSZ_MAX_FDS)
                                + (long) Rlimit.SIZE * clamp(le32(m, payloadStart + SpawnFixed.RLIMIT_COUNT), 0,
                                        ZygoteProtocol.SSZ_MAX_RLIMITS);
                        put32(m, payloadStart + SpawnFixed.STRINGS_LEN, (int) (m.length - payloadStart - sections));
                    }
                }
                default -> { // a NUL gained or lost in the strings
                    if (m.length > payloadStart) {
                        int at = m.length - 1 - random.nextInt(Math.min(12, m.length - payloadStart));
                        m[at] = m[at] == 0 ? (byte) 'q' : 0;
                    }
                }
            }
        }
        return m;
    }

    private static long clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * The rules of zygote_protocol.h and zygote_decode.c for a SPAWN message
     * (header included) that arrived with nfds descriptors, stated independently.
     */
    static boolean wellFormedSpawn(byte[] m, int nfds) {
        int p = ZygoteProtocol.Header.SIZE;
        if (m.length > ZygoteProtocol.SSZ_MAX_MESSAGE + 1 || m.length < p + SpawnFixed.SIZE) {
            return false;
        }
        int flags = le32(m, p + SpawnFixed.FLAGS);
        int closeMethod = le32(m, p + SpawnFixed.CLOSE_METHOD);
        int fdCount = le32(m, p + SpawnFixed.FD_COUNT);
        int rlimitCount = le32(m, p + SpawnFixed.RLIMIT_COUNT);
        int argc = le32(m, p + SpawnFixed.ARGC);
        int envc = le32(m, p + SpawnFixed.ENVC);
        long stringsLen = le32(m, p + SpawnFixed.STRINGS_LEN) & 0xffffffffL;
        int reserved = le32(m, p + SpawnFixed.RESERVED);
        if (fdCount < 0 || fdCount > 64 || fdCount != nfds || rlimitCount < 0 || rlimitCount > 16 || argc < 1
                || envc < 0 || reserved != 0 || (flags & ~(0x0f | ZygoteProtocol.SSZ_SPAWN_TREE)) != 0
                || closeMethod < 0 || closeMethod > 3) {
            return false;
        }
        int fds = p + SpawnFixed.SIZE;
        int rlimits = fds + 4 * fdCount;
        int strings = rlimits + Rlimit.SIZE * rlimitCount;
        if (strings + stringsLen != m.length) {
            return false;
        }
        Set<Integer> targets = new TreeSet<>();
        for (int i = 0; i < fdCount; i++) {
            int to = le32(m, fds + 4 * i);
            if (to < 0 || !targets.add(to)) {
                return false;
            }
        }
        for (int i = 0; i < rlimitCount; i++) {
            int rlimit = rlimits + Rlimit.SIZE * i;
            if (le32(m, rlimit + Rlimit.RESOURCE) < 0 || le32(m, rlimit + Rlimit.RESOURCE) > 15
                    || le32(m, rlimit + Rlimit.RESERVED) != 0) {
                return false;
            }
        }
        if (stringsLen == 0 || m[m.length - 1] != 0 || m[strings] == 0) {
            return false;
        }
        long nuls = 0;
        for (int i = strings; i < m.length; i++) {
            nuls += m[i] == 0 ? 1 : 0;
        }
        return nuls == 2L + argc + envc;
    }

    private static int le32(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt(at);
    }

    private static void put32(byte[] b, int at, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(at, value);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 160); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s.append(b.length > 160 ? "... (" + b.length + " bytes)" : "").toString();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the server under test ----------------------------------------------

    /** One reply: its header and payload. */
    record Reply(int magic, int type, long id, byte[] payload) {
        int int32(int offset) {
            return payload.length >= offset + 4 ? le32(payload, offset) : Integer.MIN_VALUE;
        }

        /** "ERROR id 3 errno 74", "SPAWNED id 4 pid 123", ... */
        String summary() {
            return switch (type) {
                case ZygoteProtocol.SSZ_ERROR -> "ERROR id " + id + " errno " + int32(4);
                case ZygoteProtocol.SSZ_FAILED -> "FAILED id " + id + " stage " + int32(0) + " errno " + int32(4);
                case ZygoteProtocol.SSZ_SIGNALED -> "SIGNALED id " + id + " errno " + int32(4);
                case ZygoteProtocol.SSZ_SPAWNED -> "SPAWNED id " + id + " pid " + int32(0);
                default -> toString();
            };
        }

        @Override
        public String toString() {
            return "Reply[type " + type + ", id " + id + ", payload " + hex(payload) + "]";
        }
    }

    /** Both ends of a pipe, close-on-exec, to attach to requests. */
    private record Pipe(int read, int write) implements AutoCloseable {
        static Pipe open() {
            int[] fds = new int[2];
            LibC.pipe2(fds, LibC.O_CLOEXEC);
            return new Pipe(fds[0], fds[1]);
        }

        @Override
        public void close() {
            LibC.close(read);
            LibC.close(write);
        }
    }

    /** A zygote server of the test's own, started as ZygoteClient does, spoken to directly. */
    private static final class Server implements AutoCloseable {
        final ChildProcess process;
        final SeqPacketSocket socket;
        private final Memory buffer = new Memory(ZygoteProtocol.SSZ_MAX_MESSAGE);
        private final ExecutorService receiver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zygote-hostile-input-receiver");
            t.setDaemon(true);
            return t;
        });
        /** Children the server reported SPAWNED whose EXITED has not come yet. */
        private final Set<Integer> running = new LinkedHashSet<>();
        /** EXITED reports by pid: {kind, value}. */
        private final Map<Integer, int[]> exits = new HashMap<>();
        private boolean closed;

        private Server(ChildProcess process, SeqPacketSocket socket) {
            this.process = process;
            this.socket = socket;
        }

        static Server start() throws Exception {
            Path exe;
            try (ZygoteBinary.Opened checked = ZygoteBinary.packaged().orElseThrow().verifiedExecutable()) {
                exe = checked.path();
            }
            SeqPacketSocket.Pair pair = SeqPacketSocket.pair();
            ChildProcess process;
            try {
                process = new PosixSpawnStrategy().spawn(Command.builder(exe.toString()).passFd(pair.peerFd(), 3)
                        .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).build());
            } catch (IOException | RuntimeException e) {
                pair.local().close();
                throw e;
            } finally {
                LibC.close(pair.peerFd());
            }
            Server server = new Server(process, pair.local());
            try {
                Reply hello = server.receiveOne();
                assertThat(hello).as("HELLO").isNotNull();
                assertThat(hello.type).as("the first message: %s", hello).isEqualTo(ZygoteProtocol.SSZ_HELLO);
                assertThat(hello.int32(0)).as("protocol version").isEqualTo(ZygoteProtocol.SSZ_PROTOCOL_VERSION);
                assertThat(hello.int32(8)).as("pid in HELLO").isEqualTo((int) process.pid());
                return server;
            } catch (Throwable t) {
                server.close();
                throw t;
            }
        }

        /** One message from the server, or null at end of file; fails if none comes within the bound. */
        private Reply receiveOne() throws Exception {
            Future<Reply> next = receiver.submit(() -> {
                int n = socket.receive(buffer, (int) buffer.size());
                if (n < 0) {
                    return null;
                }
                byte[] bytes = buffer.getByteArray(0, n);
                if (n < ZygoteProtocol.Header.SIZE) {
                    return new Reply(0, -1, -1, bytes);
                }
                return new Reply(le32(bytes, 0), le32(bytes, 4),
                        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong(8),
                        Arrays.copyOfRange(bytes, ZygoteProtocol.Header.SIZE, n));
            });
            try {
                return next.get(REPLY_BOUND_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                socket.close(); // wakes the receiver
                throw new AssertionError("no message from the server in " + REPLY_BOUND_SECONDS
                        + " s: it is stuck or dropped a request (alive: " + process.isAlive() + ")");
            } catch (ExecutionException e) {
                throw new AssertionError("receiving from the server failed", e.getCause());
            }
        }

        /** The next reply to a request, taking EXITED reports on the way. */
        Reply reply() throws Exception {
            while (true) {
                Reply r = next();
                if (!recordedExit(r)) {
                    return r;
                }
            }
        }

        /** The next message, which must come. */
        private Reply next() throws Exception {
            Reply r = receiveOne();
            if (r == null) {
                fail("the server closed its socket instead of replying (%s)", describeEnd());
            }
            assertThat(r.magic).as("magic of %s", r).isEqualTo(ZygoteProtocol.SSZ_MAGIC);
            return r;
        }

        /**
         * Whether r is an EXITED report, which it records, or the TREE_ENDED
         * of a random SPAWN that asked for a kept tree, which must follow its child's EXITED.
         */
        private boolean recordedExit(Reply r) {
            if (r.type == ZygoteProtocol.SSZ_TREE_ENDED && r.id == 0) {
                assertThat(exits).as("TREE_ENDED %s after its child's EXITED", r).containsKey(r.int32(0));
                return true;
            }
            if (r.type != ZygoteProtocol.SSZ_EXITED || r.id != 0) {
                return false;
            }
            int pid = r.int32(0);
            assertThat(running).as("EXITED %s for a pid that was SPAWNED and is running", r).contains(pid);
            running.remove(pid);
            exits.put(pid, new int[] {r.int32(4), r.int32(8)});
            return true;
        }

        Reply request(byte[] message, int... fds) throws Exception {
            socket.send(message, fds);
            return reply();
        }

        void expectError(String what, byte[] message, long id, int errno, int... fds) throws Exception {
            Reply r = request(message, fds);
            assertThat(r.type).as("reply to %s: %s", what, r).isEqualTo(ZygoteProtocol.SSZ_ERROR);
            assertThat(r.id).as("id of the reply to %s", what).isEqualTo(id);
            assertThat(r.int32(4)).as("errno of the reply to %s", what).isEqualTo(errno);
        }

        /** The decoder refuses with EBADMSG, or E2BIG for a count over a limit. */
        void expectDecoderRefusal(String what, byte[] message, long id, int... fds) throws Exception {
            Reply r = request(message, fds);
            assertThat(r.type).as("reply to %s: %s", what, r).isEqualTo(ZygoteProtocol.SSZ_ERROR);
            assertThat(r.id).as("id of the reply to %s", what).isEqualTo(id);
            assertThat(r.int32(4)).as("errno of the reply to %s", what).isIn(EBADMSG, E2BIG);
        }

        void expectSpawnedThenExit(String what, byte[] message, long id, int... fds) throws Exception {
            Reply r = request(message, fds);
            assertThat(r.type).as("reply to %s: %s", what, r).isEqualTo(ZygoteProtocol.SSZ_SPAWNED);
            assertThat(r.id).as("id of the reply to %s", what).isEqualTo(id);
            int pid = r.int32(0);
            expectExit(pid);
            assertThat(awaitExit(pid)).as("EXITED {kind, value} of %s", what)
                    .containsExactly(ZygoteProtocol.SSZ_EXIT_CODE, 0);
        }

        void expectExit(int pid) {
            assertThat(pid).as("pid in SPAWNED").isPositive();
            running.add(pid);
        }

        /** Reads until pid's EXITED has come; returns {kind, value}. */
        int[] awaitExit(int pid) throws Exception {
            running.add(pid);
            while (!exits.containsKey(pid)) {
                Reply r = next();
                if (!recordedExit(r)) {
                    fail("a message nobody asked for while waiting for pid %d to exit: %s", pid, r);
                }
            }
            return exits.get(pid);
        }

        int randomNonChild(Random random) {
            while (true) {
                int pid = random.nextInt(4) == 0 ? INTERESTING[random.nextInt(INTERESTING.length)] : random.nextInt();
                if (!running.contains(pid)) {
                    return pid;
                }
            }
        }

        /**
         * The server still serves (a valid SPAWN is SPAWNED and EXITED 0), holds
         * nothing but 0, 1, 2, its socket and its signalfd, has no child left,
         * and exits once its socket is closed.
         */
        void assertServesAValidSpawnHoldsNothingElseAndExitsOnClose() throws Exception {
            long id = 999_999;
            byte[] valid = ZygoteProtocol.spawn(id, Command.of("/bin/true"), "/bin/true", new TreeMap<>(), 0);
            Reply r = request(valid);
            assertThat(r.type).as("reply to a valid SPAWN after the hostile input: %s", r)
                    .isEqualTo(ZygoteProtocol.SSZ_SPAWNED);
            assertThat(r.id).isEqualTo(id);
            int pid = r.int32(0);
            assertThat(awaitExit(pid)).as("EXITED {kind, value} of /bin/true")
                    .containsExactly(ZygoteProtocol.SSZ_EXIT_CODE, 0);
            for (int other : List.copyOf(running)) {
                awaitExit(other); // the children of random SPAWNs
            }
            // The server closes a request's descriptors before it reads the next
            // one, and reports an exit only from its loop after that: every
            // descriptor it was sent is closed by now.
            long server = process.pid();
            Map<Integer, String> fds = new TreeMap<>();
            try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(server), "fd"))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                }
            }
            List<String> beyondStdio = new ArrayList<>();
            fds.forEach((fd, target) -> {
                if (fd > 2) {
                    beyondStdio.add(fd + " -> " + target);
                }
            });
            assertThat(beyondStdio).as("the server's descriptors above 2: its socket and its signalfd only")
                    .hasSize(2).anyMatch(f -> f.startsWith("3 -> socket:"))
                    .anyMatch(f -> f.endsWith(" -> anon_inode:[signalfd]"));
            String children = Files.readString(Path.of("/proc", Long.toString(server), "task", Long.toString(server),
                    "children")).trim();
            assertThat(children).as("children left to the server").isEmpty();
            closeAndAwaitExit();
        }

        private void closeAndAwaitExit() throws Exception {
            closed = true;
            socket.close();
            assertThat(process.waitFor(REPLY_BOUND_SECONDS, TimeUnit.SECONDS))
                    .as("the server exits once its socket is closed").isTrue();
            assertThat(process.exitValue()).as("its exit status (stderr: %s)", readAll(process.getErrorStream()))
                    .isZero();
        }

        private String describeEnd() {
            try {
                if (process.waitFor(REPLY_BOUND_SECONDS, TimeUnit.SECONDS)) {
                    return "it exited: " + process.exitStatus() + ", stderr: " + readAll(process.getErrorStream());
                }
                return "it is still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        @Override
        public void close() throws IOException {
            receiver.shutdownNow();
            socket.close(); // wakes a receive in progress with end of file
            if (!closed) {
                process.destroyForcibly();
            }
            try {
                if (receiver.awaitTermination(REPLY_BOUND_SECONDS, TimeUnit.SECONDS)) {
                    buffer.close(); // never under a receive that might still write to it
                }
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.getInputStream().close();
            process.getErrorStream().close();
            process.getOutputStream().close();
        }
    }
}
