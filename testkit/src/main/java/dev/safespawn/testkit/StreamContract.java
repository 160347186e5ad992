package dev.safespawn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.ChildProcess;
import dev.safespawn.Feature;
import dev.safespawn.Redirect;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three standard streams, their redirects, and closing them under load.
 *
 * <p>Each test is a JUnit {@code @Test} run through {@link ChildContractSuite};
 * threading and nulls are as {@link StrategyUnderTest} says.
 */
public interface StreamContract extends StrategyUnderTest {

    /** How many bytes the probe writes to each output in the large-output test: 64 MiB. */
    int SIXTY_FOUR_MIB = 64 * 1024 * 1024;

    /**
     * 64 MiB written to each of stdout and stderr arrive complete and in order
     * when both are read at once.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void sixtyFourMebibytesOnEachOutputReadConcurrently() throws Exception {
        ChildProcess child = spawner().spawn(probe("spew", Integer.toString(SIXTY_FOUR_MIB)).build());
        CompletableFuture<Long> err = CompletableFuture.supplyAsync(() -> checkPattern(child.getErrorStream()));
        assertThat(checkPattern(child.getInputStream())).isEqualTo(SIXTY_FOUR_MIB);
        assertThat(err.get(120, TimeUnit.SECONDS)).isEqualTo(SIXTY_FOUR_MIB);
        assertThat(child.waitFor()).isZero();
    }

    /**
     * What the parent writes to stdin reaches the child in full, and closing
     * stdin gives the child end of file.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void stdinWrittenAndClosedGivesTheChildEndOfFile() throws Exception {
        ChildProcess child = spawner().spawn(probe("count-stdin").build());
        byte[] mebibyte = new byte[1024 * 1024];
        try (OutputStream in = child.getOutputStream()) {
            for (int i = 0; i < 3; i++) {
                in.write(mebibyte);
            }
        }
        try (InputStream out = child.getInputStream()) {
            assertThat(new String(out.readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("3145728");
        }
        assertThat(child.waitFor()).isZero();
    }

    /**
     * Closing stdout while another thread reads it ends that read (end of
     * stream or an {@code IOException}); a second close is harmless and a later
     * read fails. Needs {@code ASYNC_CLOSE}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void closingAStreamWhileAnotherThreadReadsItNeitherHangsNorLeaks() throws Exception {
        require(Feature.ASYNC_CLOSE);
        ChildProcess child = spawner().spawn(probe("sleep").build());
        try {
            InputStream out = child.getInputStream();
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
                int b = out.read();
                assertThat(b).as("a read on a closed stream ends the stream").isEqualTo(-1);
            }));
            // Whether the read has blocked yet or not, close must end it: no ordering is assumed.
            out.close();
            Throwable t = reader.get(60, TimeUnit.SECONDS);
            assertThat(t == null || t instanceof IOException).as("reader ended with %s", t).isTrue();
            out.close(); // twice is harmless
            assertThat(catchThrowable(out::read)).isInstanceOf(IOException.class);
        } finally {
            child.destroyForcibly();
            child.waitFor();
            child.getErrorStream().close();
            child.getOutputStream().close();
        }
    }

    /**
     * With {@code redirectErrorStream} everything the child writes to stderr
     * arrives on stdout, and stderr is empty.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void redirectErrorStreamJoinsStderrToStdout() throws Exception {
        Finished f = run(probe("spew", "1000").redirectErrorStream().build());
        assertThat(f.stdout()).hasSize(2000);
        assertThat(f.stderr()).isEmpty();
    }

    /**
     * File redirects read stdin from a file, truncate a stdout file and append
     * to a stderr file; the matching {@code ChildProcess} streams are null
     * streams.
     *
     * @param dir a temporary directory JUnit provides and removes
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void fileRedirects(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("in"), "0123456789");
        Path output = dir.resolve("out");
        Path errors = Files.writeString(dir.resolve("err"), "kept;");
        Finished f = run(probe("count-stdin").stdin(Redirect.from(input)).stdout(Redirect.to(output))
                .stderr(Redirect.appendTo(errors)).build());
        assertThat(f.child().exitValue()).isZero();
        assertThat(f.stdout()).as("null stream").isEmpty();
        assertThat(Files.readString(output).trim()).isEqualTo("10");
        assertThat(Files.readString(errors)).isEqualTo("kept;");
        Finished spew = run(probe("spew", "5").stdout(Redirect.DISCARD).stderr(Redirect.appendTo(errors)).build());
        assertThat(spew.child().exitValue()).isZero();
        assertThat(Files.size(errors)).isEqualTo(5 + 5);
    }

    /**
     * A discarded stdin reads end of file, and the {@code ChildProcess} stdin
     * then refuses writes with an {@code IOException}.
     *
     * @throws Exception if the test cannot run to its end (I/O, interruption,
     *     a timeout); a broken contract fails it with an {@link AssertionError}
     */
    @Test
    default void discardedStdinReadsEndOfFile() throws Exception {
        Finished f = run(probe("count-stdin").stdin(Redirect.DISCARD).build());
        assertThat(f.stdout().trim()).isEqualTo("0");
        assertThat(catchThrowable(() -> f.child().getOutputStream().write(1))).isInstanceOf(IOException.class);
    }

    /** Reads to the end, checking the probe's pattern (byte i is i % 251); returns the count. */
    private static long checkPattern(InputStream in) {
        byte[] buf = new byte[65536];
        long count = 0;
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((count + i) % 251)) {
                        throw new AssertionError("byte " + (count + i) + " is " + buf[i]);
                    }
                }
                count += n;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count;
    }
}
