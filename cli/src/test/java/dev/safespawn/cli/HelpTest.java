package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers {@code --help}, and a group run without a subcommand is a usage error. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "doctor", "run", "demo", "demo wakeup-pipe", "bench", "bench quick"})
    void helpExitsZeroWithUsage(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        CliRun run = CliRun.of(args);

        assertThat(run.status()).as(run.describe()).isZero();
        assertThat(run.out()).startsWith(("Usage: safespawn " + command).strip());
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "bench"})
    void groupWithoutSubcommandPrintsUsageAndExits125(String group) {
        CliRun run = CliRun.of(group);

        assertThat(run.status()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.err()).startsWith("Usage: safespawn " + group);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo no-such-demo", "bench no-such-bench", "demo wakeup-pipe --bogus"})
    void unknownArgumentsAreOneLine(String command) {
        CliRun run = CliRun.of(command.split(" "));

        assertThat(run.status()).isEqualTo(SafespawnCli.USAGE_ERROR);
        assertThat(run.errLines()).singleElement().asString().startsWith("safespawn ").contains("--help");
    }
}
