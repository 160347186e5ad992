package dev.safespawn.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What {@code safespawn-probe report [ENVNAME...]} printed: the descriptors, signal
 * state, ids, umask, working directory and environment the child really held when it
 * started. See the design note at the top of {@code src/test/c/safespawn-probe.c} for
 * the format; in short, one item per line:
 *
 * <pre>
 * fds 0 1 2 5
 * cloexec
 * sigblk
 * sigign 13
 * pid 4242
 * ppid 4200
 * sid 4200
 * pgid 4242
 * umask 0022
 * cwd /tmp/work
 * env HOME=/root
 * noenv NOPE
 * fdinfo 0 chr
 * fdinfo 1 pipe
 * fdinfo 2 pipe
 * fdinfo 5 file
 * fdid 0 6:3 r
 * fdid 1 15:40961 w
 * fdid 2 15:40962 w
 * fdid 5 65024:1234 rw
 * arg 0 /path/to/safespawn-probe
 * arg 1 report
 * arg 2 HOME
 * arg 3 NOPE
 * </pre>
 *
 * <p>The {@code fdid} and {@code arg} lines came later than the others: a report
 * without them still parses, with {@link #fdIds()} and {@link #args()} empty.
 *
 * <p>An empty list is the bare keyword. In {@code cwd}, in {@code env}/{@code noenv}
 * names and values and in {@code arg} texts, the probe writes a backslash as {@code \\}, a newline as {@code \n}
 * and other control bytes as {@code \xHH}; {@link #parse} undoes that.
 *
 * <p>Parsing is strict, since a report that does not read exactly as the probe writes
 * it means the probe and this class have drifted apart: anything unexpected is an
 * {@link IllegalArgumentException} quoting the offending line.
 *
 * <p>Immutable and thread-safe. Null policy: {@link #parse(String)} rejects
 * null with {@link NullPointerException}; no getter returns null, and the
 * collections they return are unmodifiable.
 */
public final class ProbeReport {

    /** The descriptor kinds that {@code fdinfo} lines may carry. */
    public static final Set<String> FD_KINDS = Set.of("pipe", "socket", "file", "chr", "dir", "other");

    /** Highest signal number the probe reports on. */
    public static final int MAX_SIGNAL = 64;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern UMASK = Pattern.compile("0[0-7]{3}");
    private static final Pattern FD_ID = Pattern.compile("[0-9]+:[0-9]+ (r|w|rw)");
    private static final Set<String> SINGLE_LINES =
            Set.of("fds", "cloexec", "sigblk", "sigign", "pid", "ppid", "sid", "pgid", "umask", "cwd");

    private final String raw;
    private final SortedSet<Integer> fds;
    private final SortedSet<Integer> cloexecFds;
    private final SortedSet<Integer> blockedSignals;
    private final SortedSet<Integer> ignoredSignals;
    private final long pid;
    private final long ppid;
    private final long sid;
    private final long pgid;
    private final int umask;
    private final String cwd;
    private final Map<String, Optional<String>> env;
    private final Map<Integer, String> fdKinds;
    private final Map<Integer, String> fdIds;
    private final List<String> args;

    private ProbeReport(Parser p) {
        this.raw = p.raw;
        this.fds = Collections.unmodifiableSortedSet(p.fds);
        this.cloexecFds = Collections.unmodifiableSortedSet(p.cloexecFds);
        this.blockedSignals = Collections.unmodifiableSortedSet(p.blockedSignals);
        this.ignoredSignals = Collections.unmodifiableSortedSet(p.ignoredSignals);
        this.pid = p.pid;
        this.ppid = p.ppid;
        this.sid = p.sid;
        this.pgid = p.pgid;
        this.umask = p.umask;
        this.cwd = p.cwd;
        this.env = Collections.unmodifiableMap(p.env);
        this.fdKinds = Collections.unmodifiableMap(p.fdKinds);
        this.fdIds = Collections.unmodifiableMap(p.fdIds);
        this.args = List.copyOf(p.args);
    }

    /**
     * Parses the standard output of {@code safespawn-probe report}.
     *
     * @throws IllegalArgumentException naming the offending line if the text is not a
     *     complete, well-formed report
     * @param stdout everything the probe printed, as text
     * @return the parsed report, never null
     * @throws NullPointerException if {@code stdout} is null
     */
    public static ProbeReport parse(String stdout) {
        Objects.requireNonNull(stdout, "stdout");
        Parser parser = new Parser(stdout);
        parser.parse();
        return new ProbeReport(parser);
    }

    /**
     * Every open descriptor.
     *
     * @return the descriptor numbers, ascending; unmodifiable
     */
    public SortedSet<Integer> fds() {
        return fds;
    }

    /**
     * The open descriptors with FD_CLOEXEC set.
     *
     * @return a subset of {@link #fds()}, ascending; unmodifiable
     */
    public Set<Integer> cloexecFds() {
        return cloexecFds;
    }

    /**
     * Signals blocked in the child's mask.
     *
     * @return signal numbers in 1..{@link #MAX_SIGNAL}, ascending; unmodifiable
     */
    public Set<Integer> blockedSignals() {
        return blockedSignals;
    }

    /**
     * Signals whose disposition is SIG_IGN.
     *
     * @return signal numbers in 1..{@link #MAX_SIGNAL}, ascending; unmodifiable
     */
    public Set<Integer> ignoredSignals() {
        return ignoredSignals;
    }

    /**
     * The child's process id.
     *
     * @return {@code getpid()}
     */
    public long pid() {
        return pid;
    }

    /**
     * The child's parent's process id: the JVM, or a helper such as a zygote.
     *
     * @return {@code getppid()}
     */
    public long ppid() {
        return ppid;
    }

    /**
     * The child's session id.
     *
     * @return {@code getsid(0)}
     */
    public long sid() {
        return sid;
    }

    /**
     * The child's process group id.
     *
     * @return {@code getpgrp()}
     */
    public long pgid() {
        return pgid;
    }

    /**
     * The child's file mode creation mask.
     *
     * @return the umask, 0 to 0777; e.g. {@code 0022} (octal) is 18
     */
    public int umask() {
        return umask;
    }

    /**
     * The child's working directory, as {@code getcwd()} gave it.
     *
     * @return the path, unescaped; never empty
     */
    public String cwd() {
        return cwd;
    }

    /**
     * The environment variables asked about, in the order asked: a value for each one
     * that was set (possibly empty), {@link Optional#empty()} for each one that was not.
     *
     * @return an unmodifiable map in the order asked; empty if none was asked about
     */
    public Map<String, Optional<String>> env() {
        return env;
    }

    /**
     * Kind of each open descriptor.
     *
     * @return an unmodifiable map from every descriptor of {@link #fds()}, ascending,
     *         to one of {@link #FD_KINDS}
     */
    public Map<Integer, String> fdKinds() {
        return fdKinds;
    }

    /**
     * What each open descriptor is open on, and how: two descriptors with the
     * same identity share an object (a pipe's two ends share the inode but not
     * the access mode).
     *
     * @return an unmodifiable map from every descriptor of {@link #fds()}, ascending,
     *         to {@code DEV:INO ACCESS}: {@code st_dev} and {@code st_ino} in decimal
     *         and the access mode {@code r}, {@code w} or {@code rw}; empty for a
     *         report from a probe that printed no {@code fdid} lines
     */
    public Map<Integer, String> fdIds() {
        return fdIds;
    }

    /**
     * The probe's argv, exactly as it received it, from {@code argv[0]}.
     *
     * @return an unmodifiable list; empty for a report from a probe that printed
     *         no {@code arg} lines
     */
    public List<String> args() {
        return args;
    }

    /**
     * The report exactly as the probe printed it.
     *
     * @return the text given to {@link #parse(String)}
     */
    @Override
    public String toString() {
        return raw;
    }

    private static final class Parser {
        final String raw;
        final SortedSet<Integer> fds = new TreeSet<>();
        final SortedSet<Integer> cloexecFds = new TreeSet<>();
        final SortedSet<Integer> blockedSignals = new TreeSet<>();
        final SortedSet<Integer> ignoredSignals = new TreeSet<>();
        long pid;
        long ppid;
        long sid;
        long pgid;
        int umask;
        String cwd;
        final Map<String, Optional<String>> env = new LinkedHashMap<>();
        final Map<Integer, String> fdKinds = new TreeMap<>();
        final Map<Integer, String> fdIds = new TreeMap<>();
        final List<String> args = new ArrayList<>();

        /** The line each single-occurrence keyword came from. */
        private final Map<String, String> seen = new HashMap<>();
        private final Map<Integer, String> fdinfoLines = new HashMap<>();

        Parser(String raw) {
            this.raw = raw;
        }

        void parse() {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("empty probe report");
            }
            String body = raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
            String[] lines = body.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                parseLine(i + 1, lines[i]);
            }
            for (String keyword : SINGLE_LINES) {
                if (!seen.containsKey(keyword)) {
                    throw new IllegalArgumentException(
                            "probe report has no '" + keyword + "' line:\n" + raw);
                }
            }
            if (!fds.containsAll(cloexecFds)) {
                throw new IllegalArgumentException("cloexec lists descriptors missing from fds: '"
                        + seen.get("cloexec") + "' vs '" + seen.get("fds") + "'");
            }
            for (int fd : fdKinds.keySet()) {
                if (!fds.contains(fd)) {
                    throw new IllegalArgumentException("fdinfo for a descriptor missing from fds: '"
                            + fdinfoLines.get(fd) + "' vs '" + seen.get("fds") + "'");
                }
            }
            for (int fd : fds) {
                if (!fdKinds.containsKey(fd)) {
                    throw new IllegalArgumentException(
                            "no fdinfo line for descriptor " + fd + " of '" + seen.get("fds") + "'");
                }
            }
            if (!fdIds.isEmpty() && !fdIds.keySet().equals(fds)) {
                throw new IllegalArgumentException("fdid lines for " + fdIds.keySet()
                        + ", not for every descriptor of '" + seen.get("fds") + "'");
            }
        }

        private void parseLine(int number, String line) {
            int space = line.indexOf(' ');
            String keyword = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? null : line.substring(space + 1);
            Line l = new Line(number, line);
            if (SINGLE_LINES.contains(keyword)) {
                String previous = seen.putIfAbsent(keyword, line);
                if (previous != null) {
                    throw l.error("second '" + keyword + "' line");
                }
            }
            switch (keyword) {
                case "fds":
                    fds.addAll(l.ascendingInts(rest, 0, Integer.MAX_VALUE));
                    break;
                case "cloexec":
                    cloexecFds.addAll(l.ascendingInts(rest, 0, Integer.MAX_VALUE));
                    break;
                case "sigblk":
                    blockedSignals.addAll(l.ascendingInts(rest, 1, MAX_SIGNAL));
                    break;
                case "sigign":
                    ignoredSignals.addAll(l.ascendingInts(rest, 1, MAX_SIGNAL));
                    break;
                case "pid":
                    pid = l.number(rest);
                    break;
                case "ppid":
                    ppid = l.number(rest);
                    break;
                case "sid":
                    sid = l.number(rest);
                    break;
                case "pgid":
                    pgid = l.number(rest);
                    break;
                case "umask":
                    if (rest == null || !UMASK.matcher(rest).matches()) {
                        throw l.error("umask must be four octal digits");
                    }
                    umask = Integer.parseInt(rest, 8);
                    break;
                case "cwd":
                    if (rest == null || rest.isEmpty()) {
                        throw l.error("cwd without a path");
                    }
                    cwd = l.unescape(rest);
                    break;
                case "env": {
                    int eq = rest == null ? -1 : rest.indexOf('=');
                    if (eq <= 0) {
                        throw l.error("expected 'env NAME=value'");
                    }
                    putEnv(l, l.unescape(rest.substring(0, eq)), Optional.of(l.unescape(rest.substring(eq + 1))));
                    break;
                }
                case "noenv":
                    if (rest == null || rest.isEmpty()) {
                        throw l.error("expected 'noenv NAME'");
                    }
                    putEnv(l, l.unescape(rest), Optional.empty());
                    break;
                case "fdinfo": {
                    String[] parts = rest == null ? new String[0] : rest.split(" ", -1);
                    if (parts.length != 2) {
                        throw l.error("expected 'fdinfo FD KIND'");
                    }
                    int fd = (int) l.bounded(parts[0], 0, Integer.MAX_VALUE);
                    if (!FD_KINDS.contains(parts[1])) {
                        throw l.error("unknown descriptor kind '" + parts[1] + "'");
                    }
                    if (fdKinds.putIfAbsent(fd, parts[1]) != null) {
                        throw l.error("second fdinfo line for descriptor " + fd);
                    }
                    fdinfoLines.put(fd, line);
                    break;
                }
                case "fdid": {
                    int space2 = rest == null ? -1 : rest.indexOf(' ');
                    if (space2 < 0 || !FD_ID.matcher(rest.substring(space2 + 1)).matches()) {
                        throw l.error("expected 'fdid FD DEV:INO ACCESS'");
                    }
                    int fd = (int) l.bounded(rest.substring(0, space2), 0, Integer.MAX_VALUE);
                    if (fdIds.putIfAbsent(fd, rest.substring(space2 + 1)) != null) {
                        throw l.error("second fdid line for descriptor " + fd);
                    }
                    break;
                }
                case "arg": {
                    int space2 = rest == null ? -1 : rest.indexOf(' ');
                    if (space2 < 0) {
                        throw l.error("expected 'arg I TEXT'");
                    }
                    if (l.bounded(rest.substring(0, space2), 0, Integer.MAX_VALUE) != args.size()) {
                        throw l.error("expected argument " + args.size() + " next");
                    }
                    args.add(l.unescape(rest.substring(space2 + 1)));
                    break;
                }
                default:
                    throw l.error(line.isEmpty() ? "empty line" : "unknown item '" + keyword + "'");
            }
        }

        private void putEnv(Line l, String name, Optional<String> value) {
            if (env.putIfAbsent(name, value) != null) {
                throw l.error("second line for environment variable '" + name + "'");
            }
        }
    }

    /** One line of the report, for parsing its fields and for error messages. */
    private static final class Line {
        private final int number;
        private final String text;

        Line(int number, String text) {
            this.number = number;
            this.text = text;
        }

        IllegalArgumentException error(String reason) {
            return new IllegalArgumentException(
                    "bad probe report line " + number + " (" + reason + "): '" + text + "'");
        }

        /** Space-separated integers in [min, max], strictly ascending; none for a bare keyword. */
        SortedSet<Integer> ascendingInts(String rest, int min, int max) {
            SortedSet<Integer> out = new TreeSet<>();
            if (rest == null || rest.isEmpty()) {
                return out;
            }
            int last = Integer.MIN_VALUE;
            for (String token : rest.split(" ", -1)) {
                int value = (int) bounded(token, min, max);
                if (!out.isEmpty() && value <= last) {
                    throw error("numbers not strictly ascending");
                }
                out.add(value);
                last = value;
            }
            return out;
        }

        long number(String rest) {
            if (rest == null) {
                throw error("missing number");
            }
            return bounded(rest, 0, Long.MAX_VALUE);
        }

        long bounded(String token, long min, long max) {
            if (!DIGITS.matcher(token).matches()) {
                throw error("'" + token + "' is not a decimal number");
            }
            long value;
            try {
                value = Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw error("'" + token + "' is out of range");
            }
            if (value < min || value > max) {
                throw error(token + " is outside " + min + ".." + max);
            }
            return value;
        }

        private static int hexDigit(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        /** Undoes the probe's escaping: \\ \n \xHH. */
        String unescape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i + 1 >= s.length()) {
                    throw error("dangling backslash");
                }
                char next = s.charAt(++i);
                if (next == '\\') {
                    out.append('\\');
                } else if (next == 'n') {
                    out.append('\n');
                } else if (next == 'x' && i + 2 < s.length()
                        && hexDigit(s.charAt(i + 1)) >= 0 && hexDigit(s.charAt(i + 2)) >= 0) {
                    out.append((char) (hexDigit(s.charAt(i + 1)) * 16 + hexDigit(s.charAt(i + 2))));
                    i += 2;
                } else {
                    throw error("bad escape '\\" + next + "'");
                }
            }
            return out.toString();
        }
    }
}
