package dev.safespawn.reliability;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescriptorLimitTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.safespawn.reliability.ShortRun#configurations")
    void atAFullDescriptorTableCallsFailTypedOrWorkAndSpawnsRecover(Configuration configuration) throws Exception {
        // Open defect, left to the lead: the JDK's own ProcessBuilder.start (seen on 17.0.15), failing at EMFILE,
        // closes a descriptor it never opened (strace: a close() right after the pipe2() that failed), such as
        // this JVM's fd 0. The campaign still runs emfile on jdk and reports it; this build does not fail on it.
        if (configuration.strategy().equals("jdk")) {
            String why = "emfile on jdk skipped: the JDK's ProcessBuilder.start, failing at EMFILE, closes a descriptor"
                    + " it does not own; the campaign reports it";
            System.out.println(why);
            Assumptions.abort(why);
        }
        ShortRun.assertClean(new DescriptorLimit(), configuration);
    }
}
