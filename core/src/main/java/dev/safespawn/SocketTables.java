package dev.safespawn;

import dev.safespawn.OpenDescriptor.Socket;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets of one process's network namespace by inode, read from
 * {@code /proc/PID/net}: how {@link DescriptorAudit} turns {@code socket:[INODE]}
 * into addresses. Reading {@code /proc/PID/net} rather than
 * {@code /proc/net} matters: a process in a container has its own tables.
 * Not thread-safe; one instance serves one audit.
 */
final class SocketTables {
    /** The IP tables, all in the format of {@code tcp}; {@code raw} uses the column of states as UDP does. */
    private static final List<String> IP_TABLES = List.of("tcp", "tcp6", "udp", "udp6", "raw", "raw6");
    /** {@code include/net/tcp_states.h}, from 1; index 0 is unused. */
    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "UNCONNECTED", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};
    /** {@code TCP_CLOSE}, which for UDP and raw sockets means "not connected". */
    private static final int CLOSE = 7;
    /** {@code __SO_ACCEPTCON} in a Unix socket's flags: it listens. */
    private static final int UNIX_ACCEPTING = 0x10000;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Path net;
    private Map<Long, Socket> byInode;

    SocketTables(Path procPid) {
        this.net = procPid.resolve("net");
    }

    /** The socket with this inode, reading the tables on first use. */
    Optional<Socket> find(long inode) throws IOException {
        if (byInode == null) {
            byInode = new HashMap<>();
            for (String table : IP_TABLES) {
                for (String line : lines(table)) {
                    parseIp(table, line);
                }
            }
            for (String line : lines("unix")) {
                parseUnix(line);
            }
        }
        return Optional.ofNullable(byInode.get(inode));
    }

    /** A table's rows without its header; none when the kernel lacks it (no IPv6, for one). */
    private List<String> lines(String table) throws IOException {
        try {
            List<String> lines = Files.readAllLines(net.resolve(table), StandardCharsets.ISO_8859_1);
            return lines.isEmpty() ? lines : lines.subList(1, lines.size());
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** {@code sl local rem st queues tr retrnsmt uid timeout inode ...}, addresses as {@code HEX:PORT}. */
    private void parseIp(String table, String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return;
        }
        int state = Integer.parseInt(f[3], 16);
        boolean tcp = table.startsWith("tcp");
        String stateName = tcp ? (state < TCP_STATES.length ? TCP_STATES[state] : "state " + state)
                : state == CLOSE ? "UNCONNECTED" : "ESTABLISHED";
        // Port 0 is the kernel's "no peer": a listening or unconnected socket's remote address is all zeros.
        Optional<String> peer = Optional.of(address(f[2])).filter(a -> !a.endsWith(":0"));
        byInode.put(Long.parseLong(f[9]), new Socket(table, address(f[1]), peer, stateName));
    }

    /** {@code Num RefCount Protocol Flags Type St Inode [Path]}, numbers in hex but the inode. */
    private void parseUnix(String line) {
        String[] f = line.trim().split("\\s+", 8);
        if (f.length < 7) {
            return;
        }
        int flags = Integer.parseInt(f[3], 16);
        String type = switch (Integer.parseInt(f[4], 16)) {
            case 1 -> "STREAM";
            case 2 -> "DGRAM";
            case 5 -> "SEQPACKET";
            default -> "type " + f[4];
        };
        String state = (flags & UNIX_ACCEPTING) != 0 ? "LISTEN" : switch (Integer.parseInt(f[5], 16)) {
            case 1 -> "UNCONNECTED";
            case 2 -> "CONNECTING";
            case 3 -> "CONNECTED";
            case 4 -> "DISCONNECTING";
            default -> "state " + f[5];
        };
        String path = f.length == 8 ? f[7] : "";
        byInode.put(Long.parseLong(f[6]), new Socket("unix", path, Optional.empty(), type + " " + state));
    }

    /**
     * {@code 0100007F:1F90} as {@code 127.0.0.1:8080}. The kernel prints the
     * address as 32-bit words in the machine's byte order, so on a
     * little-endian machine each word's bytes are reversed; the port is a plain number.
     */
    static String address(String hexAddressAndPort) {
        int colon = hexAddressAndPort.indexOf(':');
        String hex = hexAddressAndPort.substring(0, colon);
        int port = Integer.parseInt(hexAddressAndPort.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            int value = Integer.parseUnsignedInt(hex.substring(word * 8, word * 8 + 8), 16);
            if (LITTLE_ENDIAN) {
                value = Integer.reverseBytes(value);
            }
            for (int b = 0; b < 4; b++) {
                bytes[word * 4 + b] = (byte) (value >>> (24 - 8 * b));
            }
        }
        return bytes.length == 4 ? ipv4(bytes, 0) + ":" + port : "[" + ipv6(bytes) + "]:" + port;
    }

    private static String ipv4(byte[] b, int from) {
        return (b[from] & 0xff) + "." + (b[from + 1] & 0xff) + "." + (b[from + 2] & 0xff) + "." + (b[from + 3] & 0xff);
    }

    /** RFC 5952's text: lower-case hex, the longest run of two or more zero groups as {@code ::}, mapped IPv4 so. */
    private static String ipv6(byte[] b) {
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + ipv4(b, 12);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; g++) {
            int length = 0;
            while (g + length < 8 && groups[g + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = g;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        return text.toString();
    }
}
