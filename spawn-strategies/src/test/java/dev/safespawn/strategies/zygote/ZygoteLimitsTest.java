package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import dev.safespawn.internal.Errno;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A command that gives the child more descriptors than a zygote request
 * carries is refused with the limit named, and the server keeps serving:
 * over 253 the kernel refused the message, which used to mark the server
 * gone, and between 65 and 253 the server dropped the excess.
 */
@Timeout(60)
class ZygoteLimitsTest {
    @ParameterizedTest
    @ValueSource(ints = {ZygoteProtocol.SSZ_MAX_FDS + 1, 300})
    void tooManyDescriptorsAreRefusedByNameAndTheServerServesOn(int passed) throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        try {
            zygote.start();
            Command.Builder many = Command.builder("true");
            for (int i = 0; i < passed; i++) {
                many.passFd(2, 10 + i); // this JVM's stderr, as many child descriptors
            }

            Throwable refused = catchThrowable(() -> zygote.spawn(many.build()));

            assertThat(refused).isInstanceOf(SpawnException.class)
                    .hasMessageContaining("at most " + ZygoteProtocol.SSZ_MAX_FDS);
            assertThat(((SpawnException) refused).errno()).isEqualTo(Errno.E2BIG);
            ChildProcess next = zygote.spawn(Command.of("true"));
            assertThat(next.waitFor()).as("the server still serves").isZero();
        } finally {
            zygote.close();
        }
    }
}
