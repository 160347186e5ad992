package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class ProbeReportTest {

    /** As the probe prints it; the text block's \\ stands for one backslash. */
    private static final String SAMPLE = """
            fds 0 1 2 5 7
            cloexec 7
            sigblk 3 13
            sigign 13 32
            pid 4242
            ppid 4200
            sid 4100
            pgid 4242
            umask 0027
            cwd /tmp/with space/a\\\\b
            env HOME=/root
            env MULTI=line1\\nline2\\x09tab=x
            env EMPTY=
            noenv NOPE
            fdinfo 0 chr
            fdinfo 1 pipe
            fdinfo 2 pipe
            fdinfo 5 file
            fdinfo 7 socket
            """;

    @Test
    void parsesSampleReport() {
        ProbeReport report = ProbeReport.parse(SAMPLE);

        assertThat(report.fds()).containsExactly(0, 1, 2, 5, 7);
        assertThat(report.cloexecFds()).containsExactly(7);
        assertThat(report.blockedSignals()).containsExactly(3, 13);
        assertThat(report.ignoredSignals()).containsExactly(13, 32);
        assertThat(report.pid()).isEqualTo(4242L);
        assertThat(report.ppid()).isEqualTo(4200L);
        assertThat(report.sid()).isEqualTo(4100L);
        assertThat(report.pgid()).isEqualTo(4242L);
        assertThat(report.umask()).isEqualTo(0027);
        assertThat(report.cwd()).isEqualTo("/tmp/with space/a\\b");
        assertThat(report.env()).containsExactly(
                entry("HOME", Optional.of("/root")),
                entry("MULTI", Optional.of("line1\nline2\ttab=x")),
                entry("EMPTY", Optional.of("")),
                entry("NOPE", Optional.empty()));
        assertThat(report.fdKinds()).containsExactly(
                entry(0, "chr"), entry(1, "pipe"), entry(2, "pipe"), entry(5, "file"), entry(7, "socket"));
        assertThat(report).hasToString(SAMPLE);
    }

    @Test
    void bareKeywordsAreEmptyLists() {
        ProbeReport report = ProbeReport.parse(SAMPLE
                .replace("cloexec 7\n", "cloexec\n")
                .replace("sigblk 3 13\n", "sigblk\n")
                .replace("sigign 13 32\n", "sigign\n"));

        assertThat(report.cloexecFds()).isEmpty();
        assertThat(report.blockedSignals()).isEmpty();
        assertThat(report.ignoredSignals()).isEmpty();
    }

    @Test
    void rejectsMalformedLine() {
        String bad = SAMPLE.replace("fds 0 1 2 5 7\n", "fds 0 1 two 5 7\n");

        assertThatThrownBy(() -> ProbeReport.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fds 0 1 two 5 7'");
    }

    @Test
    void rejectsEveryKindOfMalformedLine() {
        List<String[]> replacements = List.of(
                new String[] {"pid 4242\n", "pid -4242\n"},
                new String[] {"pid 4242\n", "pid 4242 1\n"},
                new String[] {"pid 4242\n", "pid\n"},
                new String[] {"umask 0027\n", "umask 27\n"},
                new String[] {"umask 0027\n", "umask 0089\n"},
                new String[] {"sigblk 3 13\n", "sigblk 3 65\n"},
                new String[] {"sigblk 3 13\n", "sigblk 13 3\n"},
                new String[] {"sigblk 3 13\n", "sigblk 3  13\n"},
                new String[] {"fds 0 1 2 5 7\n", "fds 0 1 1 2 5 7\n"},
                new String[] {"fdinfo 5 file\n", "fdinfo 5 blockdev\n"},
                new String[] {"fdinfo 5 file\n", "fdinfo 5\n"},
                new String[] {"env HOME=/root\n", "env HOME\n"},
                new String[] {"env HOME=/root\n", "env =/root\n"},
                new String[] {"env HOME=/root\n", "env HOME=/ro\\\\ot\\\n"},
                new String[] {"env HOME=/root\n", "env HOME=/r\\qoot\n"},
                new String[] {"env HOME=/root\n", "env HOME=/r\\x4oot\n"},
                new String[] {"noenv NOPE\n", "noenv HOME\n"},
                new String[] {"noenv NOPE\n", "rlimit 1024\n"},
                new String[] {"noenv NOPE\n", "\n"},
                new String[] {"noenv NOPE\n", "pid 1\n"});
        for (String[] r : replacements) {
            assertThat(SAMPLE).contains(r[0]);
            String bad = SAMPLE.replace(r[0], r[1]);
            String offending = r[1].substring(0, r[1].length() - 1);
            assertThatThrownBy(() -> ProbeReport.parse(bad))
                    .as("report with '%s'", offending)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + offending + "'");
        }
    }

    @Test
    void rejectsInconsistentOrIncompleteReports() {
        assertThatThrownBy(() -> ProbeReport.parse(SAMPLE.replace("pgid 4242\n", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pgid'");
        assertThatThrownBy(() -> ProbeReport.parse(SAMPLE.replace("cloexec 7\n", "cloexec 9\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cloexec 9'");
        assertThatThrownBy(() -> ProbeReport.parse(SAMPLE.replace("fdinfo 7 socket\n", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fds 0 1 2 5 7'");
        assertThatThrownBy(() -> ProbeReport.parse(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A report from a probe that prints what each descriptor is open on, and its argv. */
    private static final String WITH_IDS_AND_ARGS = SAMPLE + """
            fdid 0 6:3 r
            fdid 1 15:40961 w
            fdid 2 15:40961 w
            fdid 5 65024:1234 rw
            fdid 7 8:99 rw
            arg 0 /bin/probe
            arg 1 report
            arg 2 --
            arg 3 \\x01x\\ny
            arg 4\s
            arg 5 é
            """;

    @Test
    void parsesDescriptorIdentitiesAndArguments() {
        ProbeReport report = ProbeReport.parse(WITH_IDS_AND_ARGS);

        assertThat(report.fdIds()).containsExactly(entry(0, "6:3 r"), entry(1, "15:40961 w"),
                entry(2, "15:40961 w"), entry(5, "65024:1234 rw"), entry(7, "8:99 rw"));
        assertThat(report.args()).containsExactly("/bin/probe", "report", "--", "\u0001x\ny", "", "é");
        assertThat(ProbeReport.parse(SAMPLE).fdIds()).isEmpty();
        assertThat(ProbeReport.parse(SAMPLE).args()).isEmpty();
    }

    @Test
    void rejectsBadDescriptorIdentitiesAndArguments() {
        List<String[]> replacements = List.of(
                new String[] {"fdid 5 65024:1234 rw\n", "fdid 5 65024:1234 x\n"},
                new String[] {"fdid 5 65024:1234 rw\n", "fdid 5 65024 rw\n"},
                new String[] {"fdid 5 65024:1234 rw\n", "fdid 5\n"},
                new String[] {"fdid 7 8:99 rw\n", "fdid 5 8:99 rw\n"},
                new String[] {"arg 4 \n", "arg 5 \n"},
                new String[] {"arg 4 \n", "arg 4\n"});
        for (String[] r : replacements) {
            assertThat(WITH_IDS_AND_ARGS).contains(r[0]);
            String bad = WITH_IDS_AND_ARGS.replace(r[0], r[1]);
            String offending = r[1].substring(0, r[1].length() - 1);
            assertThatThrownBy(() -> ProbeReport.parse(bad))
                    .as("report with '%s'", offending)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + offending + "'");
        }
        assertThatThrownBy(() -> ProbeReport.parse(WITH_IDS_AND_ARGS.replace("fdid 7 8:99 rw\n", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not for every descriptor");
    }

    @Test
    void collectionsAreReadOnly() {
        ProbeReport report = ProbeReport.parse(SAMPLE);

        assertThatThrownBy(() -> report.fds().add(9)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.env().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.fdKinds().put(9, "dir"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** Keeps this parser and the C probe's output format in step, using the JDK's launcher. */
    @Test
    @EnabledIfSystemProperty(named = Probe.PROPERTY, matches = ".+")
    void parsesWhatTheRealProbePrints(@TempDir Path dir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Probe.path().toString(), "report", "SAFESPAWN_PROBE_SET", "SAFESPAWN_PROBE_UNSET")
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SAFESPAWN_PROBE_SET", "a\\b\nc=d\t");
        builder.environment().remove("SAFESPAWN_PROBE_UNSET");
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout;
        try (InputStream in = process.getInputStream()) {
            stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(stdout).isZero();

        ProbeReport report = ProbeReport.parse(stdout);

        assertThat(report.fds()).contains(0, 1, 2);
        assertThat(report.fdKinds()).containsEntry(1, "pipe");
        assertThat(report.pid()).isEqualTo(process.pid());
        assertThat(report.cwd()).isEqualTo(dir.toRealPath().toString());
        assertThat(report.env()).containsExactly(
                entry("SAFESPAWN_PROBE_SET", Optional.of("a\\b\nc=d\t")),
                entry("SAFESPAWN_PROBE_UNSET", Optional.empty()));
    }
}
