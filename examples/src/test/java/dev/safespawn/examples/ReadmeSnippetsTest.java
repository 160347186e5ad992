package dev.safespawn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet in the README compiles against the library as users get
 * it. A snippet is its {@code import} lines followed by statements; the test
 * wraps the statements in a method that declares no checked exception, so a
 * snippet handles what its calls throw, unless its first statement line is a
 * comment {@code // in a method that throws A, B} naming what it lets escape.
 */
class ReadmeSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern THROWS_NOTE = Pattern.compile("^// in a method that throws (.+)$", Pattern.MULTILINE);

    @TempDir
    Path work;

    @Test
    void everyJavaSnippetInTheReadmeCompiles() throws IOException {
        Path readme = Path.of(System.getProperty("safespawn.readme"));
        List<String> snippets = javaBlocks(Files.readString(readme, StandardCharsets.UTF_8));

        assertThat(snippets).as("Java snippets in " + readme).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < snippets.size(); i++) {
            String errors = compile("ReadmeSnippet" + i, snippets.get(i));
            assertThat(errors).as("README snippet %d:%n%s", i + 1, snippets.get(i)).isEmpty();
        }
    }

    @Test
    void aSnippetThatCatchesTheWrongExceptionDoesNotCompile() throws IOException {
        // The README's first snippet once caught only SpawnException while its reads throw IOException.
        String wrong = """
                import dev.safespawn.*;

                try (Spawner spawner = Spawner.create()) {
                    spawner.spawn("true").getInputStream().readAllBytes();
                } catch (SpawnException e) {
                    System.err.println(e.errnoName());
                }
                """;
        assertThat(compile("WrongSnippet", wrong)).contains("unreported exception");
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Compiles {@code snippet} as the body of a method; returns javac's errors, empty when it compiled. */
    private String compile(String className, String snippet) throws IOException {
        Matcher note = THROWS_NOTE.matcher(snippet);
        String throwsClause = note.find() ? "throws " + note.group(1) : "";
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "\nfinal class " + className + " {\n    static void snippet() " + throwsClause
                + " {\n" + body + "    }\n}\n";
        Path file = work.resolve(className + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null,
                List.of("-d", work.resolve("classes").toString(),
                        "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file))
                .call();
        return ok ? "" : errors.toString();
    }
}
