package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No strategy constructs another (architecture.md): the zygote starts its
 * server through the shim's entry point, so none of its classes may name a
 * type of the posix_spawn or fork_exec packages. Read from the compiled
 * classes' constant pools, where every type a class uses is named.
 */
class ZygoteStandsAloneTest {
    private static final List<String> SIBLINGS = List.of(
            "dev/safespawn/strategies/posixspawn/", "dev/safespawn/strategies/forkexec/");

    @Test
    void noZygoteClassUsesASiblingStrategysPackage() throws Exception {
        Path dir = Path.of(ZygoteStrategy.class.getResource("ZygoteStrategy.class").toURI()).getParent();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> classes = Files.list(dir)) {
            for (Path c : (Iterable<Path>) classes.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
                for (String sibling : SIBLINGS) {
                    if (pool.contains(sibling)) {
                        offenders.add(c.getFileName() + " uses " + sibling);
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }
}
