package dev.safespawn.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM on the campaign's class path: a host that a scenario kills, or
 * one on a newer JDK for what this JVM lacks (virtual threads). Its outcome
 * comes back as lines on its stdout, {@value #FIGURE} and {@value #PROBLEM}
 * (see {@link #print(Outcome)}); started through {@link ProcessBuilder}, so
 * never through the library under test. Not thread-safe to share.
 */
final class OtherJvm {
    /** The system property naming a JDK 21+ {@code java} launcher, as the other modules' virtual-thread tests read it. */
    static final String JDK21_PROPERTY = "safespawn.test.jdk21";
    static final String FIGURE = "figure\t";
    static final String PROBLEM = "problem\t";

    private OtherJvm() {
    }

    /**
     * A {@code java} launcher that has virtual threads: this JVM's if it is
     * JDK 21 or later, else the one {@value #JDK21_PROPERTY} names.
     *
     * @return empty if there is none; then {@link #whyNoJdk21()} says why
     */
    static Optional<String> jdk21Java() {
        if (Runtime.version().feature() >= 21) {
            return Optional.of(HostJvm.thisJava());
        }
        String given = System.getProperty(JDK21_PROPERTY, "");
        return given.isBlank() ? Optional.empty() : Optional.of(given);
    }

    static String whyNoJdk21() {
        return "virtual threads need JDK 21 or later, this JVM is " + Runtime.version() + " and -D" + JDK21_PROPERTY
                + " names no other java (set it to a JDK 21+ bin/java)";
    }

    /** Whether a missing JDK 21 is a failure rather than a skip: in CI, as the other modules' tests decide. */
    static boolean required() {
        return "true".equals(System.getenv("CI"));
    }

    /** Starts {@code main} with {@code args} under {@code java}; stdout and stderr both go to {@code log}. */
    static Process start(String java, List<String> jvmOptions, Class<?> main, Path log, String... args)
            throws IOException {
        List<String> command = HostJvm.command(List.of(), java, System.getProperty("java.class.path"), jvmOptions,
                main, args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Runs {@code main} to its end within {@code deadline} and copies the
     * outcome it printed into {@code outcome}, each figure's name prefixed
     * with {@code prefix}. A JVM that overruns is killed (it is this JVM's
     * child), and that, or any exit but 0, is a problem quoting its output.
     */
    static void runInto(Outcome outcome, String prefix, String java, List<String> jvmOptions, Class<?> main,
            Duration deadline, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("safespawn-reliability-", ".log");
        try {
            Process jvm = start(java, jvmOptions, main, log, args);
            boolean ended = jvm.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                jvm.destroyForcibly();
                jvm.waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            for (String line : out.split("\n")) {
                if (line.startsWith(FIGURE)) {
                    String[] parts = line.split("\t", 3);
                    outcome.figure(prefix + parts[1], parts.length > 2 ? parts[2] : "");
                } else if (line.startsWith(PROBLEM)) {
                    outcome.problem(prefix + line.substring(PROBLEM.length()).replace(" \\n ", "\n"));
                }
            }
            if (!ended) {
                outcome.problem(prefix + "the JVM on " + java + " did not end within " + deadline + "; killed. Output:\n"
                        + out);
            } else if (jvm.exitValue() != 0) {
                outcome.problem(prefix + "the JVM on " + java + " exited " + jvm.exitValue() + ". Output:\n" + out);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Prints {@code outcome} on stdout for {@link #runInto}: one line per figure and per problem. */
    static void print(Outcome outcome) {
        outcome.figures().forEach((name, value) -> System.out.println(FIGURE + name + "\t" + value));
        for (String problem : outcome.problems()) {
            System.out.println(PROBLEM + problem.replace("\n", " \\n "));
        }
        int unkept = outcome.problemCount() - outcome.problems().size();
        if (unkept > 0) {
            System.out.println(PROBLEM + unkept + " more problem(s), not kept");
        }
        System.out.flush();
    }
}
