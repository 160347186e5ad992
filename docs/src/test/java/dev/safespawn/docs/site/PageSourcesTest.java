package dev.safespawn.docs.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.SpawnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the pages promise about the code, checked against the code. */
class PageSourcesTest {
    private static final Path SOURCES = Path.of(System.getProperty("safespawn.docs.sources"));

    @Test
    void troubleshootingHasASectionForEveryStage() throws IOException {
        String page = Files.readString(SOURCES.resolve("troubleshooting.adoc"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (SpawnException.Stage stage : SpawnException.Stage.values()) {
            String id = "[#stage-" + stage.name().toLowerCase(Locale.ROOT).replace('_', '-') + "]";
            String heading = "=== " + stage.name() + " (" + stage.verb() + ")";
            if (!page.contains(id + "\n" + heading + "\n")) {
                missing.add(id + " " + heading);
            }
        }
        assertThat(missing).as("stages without their section").isEmpty();
    }

    @Test
    void everyArtifactThePagesNameIsInTheBom() throws IOException {
        Pattern artifact = Pattern.compile("safespawn-[a-z-]+[a-z]");
        Set<String> named = new TreeSet<>();
        try (Stream<Path> pages = Files.list(SOURCES)) {
            for (Path page : (Iterable<Path>) pages.filter(p -> p.toString().endsWith(".adoc"))::iterator) {
                Matcher m = artifact.matcher(Files.readString(page, StandardCharsets.UTF_8));
                while (m.find()) {
                    named.add(m.group());
                }
            }
        }
        String bom = Files.readString(Path.of(System.getProperty("safespawn.docs.bom")), StandardCharsets.UTF_8);
        named.removeIf(a -> a.equals("safespawn-bom") || a.equals("safespawn-zygote")
                || a.equals("safespawn-shim") || a.equals("safespawn-benchmarks") || a.equals("safespawn-version"));
        assertThat(named).isNotEmpty().allSatisfy(a -> assertThat(bom).contains("<artifactId>" + a + "</artifactId>"));
    }
}
