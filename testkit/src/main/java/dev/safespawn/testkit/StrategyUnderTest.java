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
 */
public interface StrategyUnderTest {

    /** The spawner of the strategy under test, shared by the test class. */
    Spawner spawner();

    /** Skips the calling test, with the reason printed, unless the strategy declares {@code feature}. */
    default void require(Feature feature) {
        skipUnless(spawner().features().contains(feature), "it does not declare " + feature);
    }

    /** Skips the calling test unless {@code condition}, printing why: a skip must say so in the build output. */
    default void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED for " + spawner().strategyName() + ": " + reason);
        }
        Assumptions.assumeTrue(condition, () -> spawner().strategyName() + ": " + reason);
    }

    /** A builder for the probe in {@code mode} with {@code args}. */
    default Command.Builder probe(String... modeAndArgs) {
        return Command.builder(Probe.path().toString()).args(modeAndArgs);
    }

    /** Runs {@code command} to the end, reading stdout and stderr concurrently. */
    default Finished run(Command command) throws Exception {
        ChildProcess child = spawner().spawn(command);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(child.getErrorStream()));
        byte[] out = drain(child.getInputStream());
        child.getOutputStream().close();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
        return new Finished(child, new String(out, StandardCharsets.UTF_8),
                new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    /** Runs the probe's {@code report} with {@code command}'s settings and parses what it says. */
    default ProbeReport report(Command.Builder command) throws Exception {
        Finished f = run(command.build());
        assertThat(f.child().exitValue()).as("probe report exit status; stderr: %s", f.stderr()).isZero();
        return ProbeReport.parse(f.stdout());
    }

    static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A child that has ended, with everything it wrote. */
    record Finished(ChildProcess child, String stdout, String stderr) {
    }
}
