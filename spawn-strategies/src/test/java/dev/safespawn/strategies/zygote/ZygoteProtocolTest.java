package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Command;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** ZygoteProtocol reads what the server sends by the header's layout, and refuses what is not a message. */
class ZygoteProtocolTest {

    @Test
    void readsEachReplyByItsStruct() {
        ZygoteProtocol.Message exited = ZygoteProtocol.read(message(ZygoteProtocol.SSZ_EXITED, 0,
                1234, ZygoteProtocol.SSZ_EXIT_SIGNAL, 9, 0), 32);
        assertThat(exited.pid()).isEqualTo(1234);
        assertThat(exited.killedBySignal()).isTrue();
        assertThat(exited.exitValue()).isEqualTo(9);

        ZygoteProtocol.Message failed = ZygoteProtocol.read(message(ZygoteProtocol.SSZ_FAILED, 77, 11, 2), 24);
        assertThat(failed.id()).isEqualTo(77);
        assertThat(failed.stage()).isEqualTo(11);
        assertThat(failed.error()).isEqualTo(2);

        ZygoteProtocol.Message hello = ZygoteProtocol.read(message(ZygoteProtocol.SSZ_HELLO, 0, 1, 2, 4321, 0), 32);
        assertThat(hello.protocolVersion()).isEqualTo(1);
        assertThat(hello.abiVersion()).isEqualTo(2);
        assertThat(hello.pid()).isEqualTo(4321);

        assertThat(ZygoteProtocol.read(message(ZygoteProtocol.SSZ_SPAWNED, 5, 999, 0), 24).pid()).isEqualTo(999);
    }

    @Test
    void refusesWhatIsShorterThanItsStructOrLacksTheMagic() {
        byte[] exited = message(ZygoteProtocol.SSZ_EXITED, 0, 1234, ZygoteProtocol.SSZ_EXIT_CODE, 0, 0);
        assertThat(ZygoteProtocol.read(exited, ZygoteProtocol.Header.SIZE + ZygoteProtocol.Exit.SIZE - 1)).isNull();
        assertThat(ZygoteProtocol.read(exited, ZygoteProtocol.Header.SIZE - 1)).isNull();
        byte[] badMagic = exited.clone();
        badMagic[0] ^= 1;
        assertThat(ZygoteProtocol.read(badMagic, badMagic.length)).isNull();
        assertThat(ZygoteProtocol.read(message(99, 1), ZygoteProtocol.Header.SIZE).type()).as("an unknown type")
                .isEqualTo(99);
    }

    @Test
    void aSpawnRequestPutsEachFieldWhereTheStructHasIt() {
        Command command = Command.builder("/bin/echo", "hi").clearEnv().env("A", "1").newSession().umask(022)
                .rlimit(Command.Limit.NOFILE, 64, 128).build();
        TreeMap<Integer, Integer> fds = new TreeMap<>();
        fds.put(0, 10);
        fds.put(5, 11);
        byte[] m = ZygoteProtocol.spawn(42, command, "/bin/echo", fds, 0);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
        int p = ZygoteProtocol.Header.SIZE;
        assertThat(b.getInt(ZygoteProtocol.Header.MAGIC)).isEqualTo(ZygoteProtocol.SSZ_MAGIC);
        assertThat(b.getInt(ZygoteProtocol.Header.TYPE)).isEqualTo(ZygoteProtocol.SSZ_SPAWN);
        assertThat(b.getLong(ZygoteProtocol.Header.ID)).isEqualTo(42);
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.FLAGS)).isEqualTo(0x01 | 0x04); // SS_NEW_SESSION | SS_SET_UMASK
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.UMASK_VALUE)).isEqualTo(022);
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.FD_COUNT)).isEqualTo(2);
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.RLIMIT_COUNT)).isEqualTo(1);
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.ARGC)).isEqualTo(2);
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.ENVC)).isEqualTo(1);
        int fdsAt = p + ZygoteProtocol.SpawnFixed.SIZE;
        assertThat(new int[] {b.getInt(fdsAt), b.getInt(fdsAt + 4)}).containsExactly(0, 5);
        int rlimit = fdsAt + 8;
        assertThat(b.getInt(rlimit + ZygoteProtocol.Rlimit.RESOURCE)).isEqualTo(7); // RLIMIT_NOFILE
        assertThat(b.getLong(rlimit + ZygoteProtocol.Rlimit.SOFT)).isEqualTo(64);
        assertThat(b.getLong(rlimit + ZygoteProtocol.Rlimit.HARD)).isEqualTo(128);
        int strings = rlimit + ZygoteProtocol.Rlimit.SIZE;
        assertThat(b.getInt(p + ZygoteProtocol.SpawnFixed.STRINGS_LEN)).isEqualTo(m.length - strings);
        assertThat(new String(Arrays.copyOfRange(m, strings, m.length), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("/bin/echo\0\0/bin/echo\0hi\0A=1\0");
    }

    private static byte[] message(int type, long id, int... payload) {
        ByteBuffer b = ByteBuffer.allocate(ZygoteProtocol.Header.SIZE + 4 * payload.length)
                .order(ByteOrder.nativeOrder());
        b.putInt(ZygoteProtocol.SSZ_MAGIC).putInt(type).putLong(id);
        for (int v : payload) {
            b.putInt(v);
        }
        return b.array();
    }
}
