package dev.safespawn.cli;

import dev.safespawn.DescriptorAudit;
import dev.safespawn.OpenDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * {@code safespawn doctor --fds [PID]}: one process's descriptors as a table,
 * and which of them a bare {@code fork}+{@code exec} would leak into a child.
 * The audit itself is {@link DescriptorAudit}; this only prints it and picks
 * the exit status.
 */
final class FdAuditReport {
    /** Status when some descriptor beyond 0, 1, 2 would leak. */
    static final int LEAKS = 1;
    /** Status when the process could not be audited: gone, another user's, or no {@code /proc}. */
    static final int CANNOT_AUDIT = 2;

    private FdAuditReport() {
    }

    /**
     * Audits {@code pid} and prints the table and the verdict to {@code out},
     * or a one-line reason prefixed with {@code name} to {@code err}.
     *
     * @return 0 when nothing beyond 0, 1, 2 would leak, {@link #LEAKS} when
     *         something would, {@link #CANNOT_AUDIT} when the audit failed
     */
    static int run(long pid, String name, PrintWriter out, PrintWriter err) {
        DescriptorAudit audit;
        try {
            audit = DescriptorAudit.of(pid);
        } catch (IOException | UnsupportedOperationException e) {
            err.println(name + ": " + e.getMessage());
            return CANNOT_AUDIT;
        }
        print(audit, out);
        return audit.leaks().isEmpty() ? CommandLine.ExitCode.OK : LEAKS;
    }

    /** The heading, one row per descriptor, and the verdict. */
    static void print(DescriptorAudit audit, PrintWriter out) {
        String command = ProcessHandle.of(audit.pid()).flatMap(h -> h.info().command()).orElse("command unknown");
        out.println("Descriptors of pid " + audit.pid() + " (" + command + ")");
        out.println();
        TextTable table = new TextTable("fd", "kind", "CLOEXEC", "what").alignRight(0);
        for (OpenDescriptor d : audit.descriptors()) {
            table.addRow(String.valueOf(d.number()), d.kind().name(), d.closeOnExec() ? "yes" : "no", d.describe());
        }
        table.print(out, "  ");
        out.println();
        out.println(verdict(audit.leaks()));
    }

    /** Such as {@code 2 descriptors would leak into a child of a bare fork/exec: 3, 7}. */
    static String verdict(List<OpenDescriptor> leaks) {
        if (leaks.isEmpty()) {
            return "No descriptor beyond 0, 1, 2 would leak into a child of a bare fork/exec.";
        }
        String numbers = leaks.stream().map(d -> String.valueOf(d.number())).collect(Collectors.joining(", "));
        return leaks.size() + (leaks.size() == 1 ? " descriptor" : " descriptors")
                + " would leak into a child of a bare fork/exec: " + numbers;
    }
}
