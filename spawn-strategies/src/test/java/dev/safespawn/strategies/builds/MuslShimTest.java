package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Platform;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.testkit.Probe;
import dev.safespawn.testkit.ProbeReport;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The musl build of the shim keeps the child contract inside a musl process.
 * No musl JVM runs here, so a musl C program stands in for one: it loads the
 * shim as a JVM on musl would, then, holding pipes that are not
 * close-on-exec, a blocked signal and an ignored one, starts the probe in
 * both launch modes ({@code test/c/musl_shim_check.c}).
 */
class MuslShimTest {

    @Test
    void theMuslShimStartsChildrenWithOnlyStdioAndACleanSignalState() throws Exception {
        Path check = OtherBuilds.muslShimCheck();
        try (InputStream in = Files.newInputStream(check)) {
            assertThat(ElfFile.read(in).hasInterpreter()).as("the stand-in runs on musl's dynamic loader").isTrue();
        }
        URL shim = MuslShimTest.class.getResource("/" + Platform.RESOURCE_PREFIX + "-musl/"
                + NativeBuilds.SHIM_FILE);
        assertThat(shim).as("the jar's musl shim, built where musl-gcc is, as the stand-in was").isNotNull();
        Process stand = new ProcessBuilder(check.toString(), Path.of(shim.toURI()).toString(),
                Probe.path().toString(), "report").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(stand.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stand.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stand.exitValue()).as("the stand-in's status; its output:%n%s", out).isZero();
        List<ProbeReport> reports = reports(out);
        assertThat(reports).as("one report per launch mode").hasSize(2);
        for (ProbeReport r : reports) {
            assertThat(r.fds()).as("child fds; %s", r).containsExactly(0, 1, 2);
            assertThat(r.blockedSignals()).as("blocked signals").isEmpty();
            assertThat(r.ignoredSignals()).as("ignored signals").isEmpty();
        }
    }

    /** The probe's reports one after another: each begins with its {@code fds} line. */
    private static List<ProbeReport> reports(String out) {
        List<ProbeReport> reports = new ArrayList<>();
        for (String report : out.split("(?m)^(?=fds[ \\n])")) {
            if (!report.isEmpty()) {
                reports.add(ProbeReport.parse(report));
            }
        }
        return reports;
    }
}
