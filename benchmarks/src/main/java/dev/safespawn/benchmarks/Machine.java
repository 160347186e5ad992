package dev.safespawn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the numbers were measured on and with: the report is worthless without
 * it, since spawn costs depend on kernel, libc, CPU and core count.
 */
final class Machine {
    private Machine() {
    }

    /** Rows for the report's machine table, in order. */
    static Map<String, String> describe() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("CPU", cpuModel());
        rows.put("cores (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        rows.put("memory", memTotal());
        rows.put("kernel", firstLine(Path.of("/proc/sys/kernel/osrelease")) + " ("
                + System.getProperty("os.arch") + ")");
        rows.put("glibc", commandOutput(List.of("getconf", "GNU_LIBC_VERSION")));
        rows.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        rows.put("Python", commandOutput(List.of("python3", "--version")));
        rows.put("C compiler", commandOutput(List.of("cc", "--version")));
        Properties v = versions();
        rows.put("safespawn", v.getProperty("safespawn", "?"));
        rows.put("JMH", v.getProperty("jmh", "?"));
        rows.put("NuProcess", v.getProperty("nuprocess", "?"));
        rows.put("Commons Exec", v.getProperty("commons-exec", "?"));
        rows.put("JNA", v.getProperty("jna", "?"));
        rows.put("XChart", v.getProperty("xchart", "?"));
        return rows;
    }

    /** The library versions the jar was built with (filled in by Maven). */
    static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = Machine.class.getResourceAsStream("/safespawn-benchmarks-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // the table then says "?"
        }
        return p;
    }

    /** The 1-minute load average, from /proc/loadavg. */
    static String loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        return line.equals("unknown") ? line : line.split("\\s+")[0];
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown (no model name in /proc/cpuinfo)");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB")
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).get(0).trim();
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** Whether {@code python3} runs here: the Python references need it. */
    static boolean hasPython() {
        return !commandOutput(List.of("python3", "--version")).equals("not available");
    }

    /** The first line a command prints, or "not available". */
    static String commandOutput(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return p.exitValue() == 0 && !out.isEmpty() ? out.lines().findFirst().orElse(out) : "not available";
        } catch (IOException e) {
            return "not available";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not available";
        }
    }
}
