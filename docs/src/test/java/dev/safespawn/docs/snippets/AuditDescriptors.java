package dev.safespawn.docs.snippets;

import dev.safespawn.DescriptorAudit;
import dev.safespawn.OpenDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** The audit page: what this process would leak into a child of a bare fork/exec. */
public final class AuditDescriptors {
    private AuditDescriptors() {
    }

    // tag::leaks[]
    static String leaksOfThisJvm() throws IOException {
        DescriptorAudit audit = DescriptorAudit.ofCurrentProcess();  // or DescriptorAudit.of(pid)
        List<OpenDescriptor> leaks = audit.leaks();                  // no CLOEXEC, and not 0, 1 or 2
        return leaks.stream()
                .map(d -> d.number() + " " + d.kind() + " " + d.describe())  // 7 FILE /srv/app/lib/app.jar
                .collect(Collectors.joining("\n"));
    }
    // end::leaks[]
}
