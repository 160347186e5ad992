package dev.safespawn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.Feature;
import dev.safespawn.Spawner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The generated commands under jqwik, which shrinks a failing one to a
 * smallest plan and configuration. One spawner per configuration serves
 * every try, and is closed after the last.
 */
class HostileInputPropertyTest {
    private static final Map<Configuration, Spawner> SPAWNERS = new HashMap<>();
    private static Path oddDirectory;

    @Property(tries = 60)
    void generatedCommandGetsThePromisedErrorOrTheExactTable(@ForAll("plans") CommandPlan plan,
            @ForAll("configurations") Configuration configuration) throws Exception {
        Spawner spawner = SPAWNERS.computeIfAbsent(configuration, Configuration::open);
        PlanCheck check = new PlanCheck(spawner, spawner.features().contains(Feature.PASS_FD),
                HostileInput.softDescriptorLimit(), oddDirectory());
        assertThat(check.check(plan).problems()).isEmpty();
    }

    @Provide
    Arbitrary<CommandPlan> plans() {
        return CommandPlans.plans();
    }

    @Provide
    Arbitrary<Configuration> configurations() {
        return Arbitraries.of(Configuration.ALL);
    }

    private static synchronized Path oddDirectory() throws IOException {
        if (oddDirectory == null) {
            oddDirectory = Files.createTempDirectory("safespawn-hostile-odd \u00e9\n");
        }
        return oddDirectory;
    }

    @AfterContainer
    static void closeEverything() throws IOException {
        SPAWNERS.values().forEach(Spawner::close);
        SPAWNERS.clear();
        if (oddDirectory != null) {
            Files.delete(oddDirectory);
        }
    }
}
