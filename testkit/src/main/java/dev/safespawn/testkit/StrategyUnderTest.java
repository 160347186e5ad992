package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Feature;
import dev.safespawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What every contract interface needs: the spawner under test, a way to skip
 * what its features exclude (saying so), and helpers to run the probe.
 * Each strategy's test class implements all the contract interfaces.
 *
 * <p>Test instances are not thread-safe: JUnit runs one test at a time, and a
 * test that starts threads of its own joins them before it ends. The helpers
 * reject null arguments with {@link NullPointerException} and never return
 * null; a broken contract is an {@link AssertionError}, a skipped test a
 * JUnit assumption failure.
 */
public interface StrategyUnderTest {

    /**
     * The spawner of the strategy under test, shared by the test class.
     *
     * @return the open spawner; the implementation opens and closes it
     */
    Spawner spawner();

    /**
     * Skips the calling test, with the reason printed, unless the strategy declares {@code feature}.
     *
     * @param feature the feature the test needs
     */
    default void require(Feature feature) {
        skipUnless(spawner().features().contains(feature), "it does not declare " + feature);
    }

    /**
     * Skips the calling test unless {@code condition}, printing why: a skip must say so in the build output.
     *
     * @param condition whether the test may go on
     * @param reason why it is skipped otherwise, printed and given to JUnit
     */
    default void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED for " + spawner().strategyName() + ": " + reason);
        }
        Assumptions.assumeTrue(condition, () -> spawner().strategyName() + ": " + reason);
    }

    /**
     * How many of a load test's {@code spawns} this strategy runs: all of them
     * unless it says otherwise. A strategy whose every spawn costs many times
     * what posix_spawn's does may run a share, so that its suite keeps to
     * minutes; each load test still runs its threads at once, and still spawns
     * many times what a leak of its kind needs to show.
     *
     * @param spawns the number the test makes on a strategy of ordinary cost
     * @return the number to make here, at least one
     */
    default int loadSpawns(int spawns) {
        return spawns;
    }

    /**
     * A builder for the probe in a mode, with that mode's arguments.
     *
     * @param modeAndArgs the mode (such as {@code report}, {@code sleep},
     *        {@code exit}) followed by its arguments
     * @return a new builder running {@link Probe#path()}; everything else at its default
     */
    default Command.Builder probe(String... modeAndArgs) {
        return Command.builder(Probe.path().toString()).args(modeAndArgs);
    }

    /**
     * Runs {@code command} to the end, reading stdout and stderr concurrently
     * and closing stdin once stdout ends.
     *
     * @param command what to run
     * @return the ended child with its output decoded as UTF-8
     * @throws Exception if it cannot be started ({@code SpawnException}), its
     *         streams fail, or it takes longer than 60 seconds
     */
    default Finished run(Command command) throws Exception {
        ChildProcess child = spawner().spawn(command);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(child.getErrorStream()));
        byte[] out = drain(child.getInputStream());
        child.getOutputStream().close();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
        return new Finished(child, new String(out, StandardCharsets.UTF_8),
                new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    /**
     * Runs the probe's {@code report} with {@code command}'s settings and parses what it says.
     *
     * @param command a probe command in {@code report} mode, as {@link #probe(String...)} makes it
     * @return what the child held
     * @throws Exception as {@link #run(Command)}; an {@link AssertionError} if
     *         the probe did not exit with 0
     */
    default ProbeReport report(Command.Builder command) throws Exception {
        Finished f = run(command.build());
        assertThat(f.child().exitValue()).as("probe report exit status; stderr: %s", f.stderr()).isZero();
        return ProbeReport.parse(f.stdout());
    }

    /**
     * Reads {@code in} to its end, then closes it.
     *
     * @param in the stream
     * @return every byte read, possibly none
     * @throws UncheckedIOException if reading or closing fails
     */
    static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A child that has ended, with everything it wrote. Immutable.
     *
     * @param child the ended child
     * @param stdout what it wrote to stdout, decoded as UTF-8
     * @param stderr what it wrote to stderr, decoded as UTF-8
     */
    record Finished(ChildProcess child, String stdout, String stderr) {
    }
}
