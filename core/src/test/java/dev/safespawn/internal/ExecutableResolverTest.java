package dev.safespawn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safespawn.Command;
import dev.safespawn.SpawnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutableResolverTest {

    private static final String PROG = "safespawn-test-prog";

    @TempDir
    Path tmp;

    private static Path executable(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Files.isExecutable(f)).as("test setup: %s executable", f).isTrue();
        return f;
    }

    private static Path notExecutable(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.isExecutable(f)).as("test setup: %s not executable", f).isFalse();
        return f;
    }

    private static Command withPath(String path, String program) {
        return Command.builder(program).clearEnv().env("PATH", path).build();
    }

    private static SpawnException resolveFails(Command c) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ExecutableResolver.resolve(c));
        assertThat(t).isInstanceOf(SpawnException.class);
        return (SpawnException) t;
    }

    @Test
    void nameWithASlashIsReturnedAsIs() throws Exception {
        assertThat(ExecutableResolver.resolve(Command.of("/nonexistent/prog"))).isEqualTo("/nonexistent/prog");
        assertThat(ExecutableResolver.resolve(Command.of("./prog"))).isEqualTo("./prog");
        assertThat(ExecutableResolver.resolve(Command.of("sub/prog"))).isEqualTo("sub/prog");
        // not looked up in PATH even when PATH has a match
        Path bin = tmp.resolve("bin");
        executable(bin.resolve("sub"), "prog");
        assertThat(ExecutableResolver.resolve(withPath(bin.toString(), "sub/prog"))).isEqualTo("sub/prog");
    }

    @Test
    void bareNameIsFoundInPath() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        Command c = withPath(tmp.resolve("empty") + ":" + bin, PROG);
        assertThat(ExecutableResolver.resolve(c)).isEqualTo(bin + "/" + PROG);
    }

    @Test
    void entryWithTrailingSlash() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        assertThat(ExecutableResolver.resolve(withPath(bin + "/", PROG))).isEqualTo(bin + "/" + PROG);
    }

    @Test
    void firstExecutableMatchWins() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        executable(a, PROG);
        executable(b, PROG);
        assertThat(ExecutableResolver.resolve(withPath(a + ":" + b, PROG))).isEqualTo(a + "/" + PROG);
        assertThat(ExecutableResolver.resolve(withPath(b + ":" + a, PROG))).isEqualTo(b + "/" + PROG);
    }

    @Test
    void nonExecutableCandidateIsEacces() throws Exception {
        Path bin = tmp.resolve("bin");
        notExecutable(bin, PROG);
        SpawnException e = resolveFails(withPath(bin.toString(), PROG));
        assertThat(e.stage()).isEqualTo(SpawnException.Stage.RESOLVE);
        assertThat(e.errno()).isEqualTo(13);
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.path()).contains(bin + "/" + PROG);
        assertThat(e.getMessage()).contains(bin + "/" + PROG);
    }

    @Test
    void firstNonExecutableCandidateIsReported() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        notExecutable(a, PROG);
        notExecutable(b, PROG);
        SpawnException e = resolveFails(withPath(a + ":" + b, PROG));
        assertThat(e.errno()).isEqualTo(13);
        assertThat(e.path()).contains(a + "/" + PROG);
    }

    @Test
    void directoryCandidateIsEacces() throws Exception {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin.resolve(PROG));
        SpawnException e = resolveFails(withPath(bin.toString(), PROG));
        assertThat(e.stage()).isEqualTo(SpawnException.Stage.RESOLVE);
        assertThat(e.errno()).isEqualTo(13);
        assertThat(e.path()).contains(bin + "/" + PROG);
    }

    @Test
    void laterExecutableWinsOverEarlierNonExecutable() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        notExecutable(a, PROG);
        executable(b, PROG);
        assertThat(ExecutableResolver.resolve(withPath(a + ":" + b, PROG))).isEqualTo(b + "/" + PROG);
    }

    @Test
    void missingIsEnoent() {
        String path = tmp.resolve("x") + ":" + tmp.resolve("y");
        SpawnException e = resolveFails(withPath(path, PROG));
        assertThat(e.stage()).isEqualTo(SpawnException.Stage.RESOLVE);
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.path()).contains(PROG);
        assertThat(e.getMessage()).startsWith("find " + PROG + ": ").contains(path).endsWith("(ENOENT)");
    }

    @Test
    void entryThatIsAFileIsSkipped() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        assertThat(ExecutableResolver.resolve(withPath(notADir + ":" + bin, PROG))).isEqualTo(bin + "/" + PROG);
    }

    @Test
    void aNameFoundThroughAnEmptyEntryIsRefusedSayingHowToRunIt() throws Exception {
        Path work = tmp.resolve("work");
        executable(work, PROG);
        Path elsewhere = tmp.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        for (String path : new String[] {"", ":" + elsewhere, elsewhere + ":", elsewhere + "::" + elsewhere, "."}) {
            Command c = Command.builder(PROG).directory(work).clearEnv().env("PATH", path).build();
            SpawnException e = resolveFails(c);
            assertThat(e.stage()).as("PATH=%s", path).isEqualTo(SpawnException.Stage.RESOLVE);
            assertThat(e.errnoName()).isEqualTo("EPERM");
            assertThat(e.path()).contains(PROG);
            assertThat(e.getMessage()).contains("./" + PROG).contains("name it with a slash");
        }
    }

    @Test
    void anExplicitDotSlashNameRunsFromTheDirectory() throws Exception {
        Path work = tmp.resolve("work");
        executable(work, PROG);
        Command c = Command.builder("./" + PROG).directory(work).clearEnv().env("PATH", "").build();
        assertThat(ExecutableResolver.resolve(c)).isEqualTo("./" + PROG);
    }

    @Test
    void anAbsoluteEntryBeforeTheEmptyOneStillWins() throws Exception {
        Path work = tmp.resolve("work");
        executable(work, PROG);
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        Command c = Command.builder(PROG).directory(work).clearEnv().env("PATH", bin + "::.").build();
        assertThat(ExecutableResolver.resolve(c)).isEqualTo(bin + "/" + PROG);
    }

    @Test
    void emptyEntryDoesNotFindAFileOutsideTheChildsDirectory() throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        // the JVM's own working directory has no such program either; the
        // point is that an empty entry is not resolved against anything else
        Command c = Command.builder(PROG).directory(work).clearEnv().env("PATH", ":").build();
        assertThat(resolveFails(c).errno()).isEqualTo(2);
    }

    @Test
    void aNameFoundThroughARelativeEntryIsRefused() throws Exception {
        Path work = tmp.resolve("work");
        executable(work.resolve("tools"), PROG);
        Command c = Command.builder(PROG).directory(work).clearEnv().env("PATH", "nothere:tools").build();
        SpawnException e = resolveFails(c);
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(e.getMessage()).contains("'tools'").contains("./tools/" + PROG);

        // the entry is relative to the child's directory: elsewhere the same PATH finds nothing
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Command elsewhere = Command.builder(PROG).directory(other).clearEnv().env("PATH", "nothere:tools").build();
        assertThat(resolveFails(elsewhere).errno()).isEqualTo(2);
    }

    @Test
    void searchParentPathLooksInTheJvmsPathNotTheChilds() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        // only the child's PATH has the program: asked to search the parent's, it is not found
        Command parents = Command.builder(PROG).clearEnv().env("PATH", bin.toString()).searchParentPath().build();
        SpawnException e = resolveFails(parents);
        assertThat(e.errno()).isEqualTo(2);
        String parentPath = System.getenv().getOrDefault("PATH", "/bin:/usr/bin");
        assertThat(e.getMessage()).contains("PATH=" + parentPath);
        assertThat(parents.environment()).containsEntry("PATH", bin.toString());
        assertThat(parents.toBuilder().build().searchesParentPath()).isTrue();

        // and a program the parent's PATH has is found there, whatever the child's PATH says
        Command sh = Command.builder("sh").clearEnv().env("PATH", tmp.resolve("nothing").toString())
                .searchParentPath().build();
        assertThat(ExecutableResolver.resolve(sh)).startsWith("/").endsWith("/sh");
        assertThat(Command.of("sh").searchesParentPath()).isFalse();
    }

    @Test
    void relativeNonExecutableEntryAgainstTheChildsDirectoryIsEacces() throws Exception {
        Path work = tmp.resolve("work");
        notExecutable(work.resolve("tools"), PROG);
        Command c = Command.builder(PROG).directory(work).clearEnv().env("PATH", "tools").build();
        SpawnException e = resolveFails(c);
        assertThat(e.errno()).isEqualTo(13);
        assertThat(e.path()).contains("tools/" + PROG);
    }

    @Test
    void unsetPathFallsBackToBinAndUsrBin() throws Exception {
        Command c = Command.builder("sh").clearEnv().build();
        assertThat(c.environment()).doesNotContainKey("PATH");
        assertThat(ExecutableResolver.resolve(c)).isIn("/bin/sh", "/usr/bin/sh");
    }

    @Test
    void unsetPathDoesNotUseTheParentsPath() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        // the program is only in a directory the default /bin:/usr/bin lacks
        Command c = Command.builder(PROG).clearEnv().env("SAFESPAWN_UNRELATED", bin.toString()).build();
        SpawnException e = resolveFails(c);
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.getMessage()).contains("/bin:/usr/bin");
    }

    @Test
    void childsPathNotParentsIsSearched() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, "sh");
        Command c = withPath(bin.toString(), "sh");
        assertThat(ExecutableResolver.resolve(c)).isEqualTo(bin + "/sh");
    }

    @Test
    void emptyPathValueIsNotTheDefault() {
        // PATH set but empty is one empty entry (the child's directory), not /bin:/usr/bin
        Path work = tmp.resolve("w");
        assertThatThrownBy(() -> {
            Files.createDirectories(work);
            ExecutableResolver.resolve(Command.builder("sh").directory(work).clearEnv().env("PATH", "").build());
        }).isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.errno()).isEqualTo(2));
    }

    @Test
    void theLookUpCanBeAskedOfAnyPathAndDirectory() throws Exception {
        Path bin = tmp.resolve("bin");
        executable(bin, PROG);
        assertThat(ExecutableResolver.resolve(PROG, null, bin.toString())).isEqualTo(bin + "/" + PROG);
        assertThatThrownBy(() -> ExecutableResolver.resolve(PROG, tmp, "bin"))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.errnoName()).isEqualTo("EPERM"));
        assertThat(ExecutableResolver.resolve("/any/path", null, "")).isEqualTo("/any/path");
        assertThatThrownBy(() -> ExecutableResolver.resolve(PROG, tmp, "elsewhere"))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.errno()).isEqualTo(2));
    }

    @Test
    void checkExecutableSaysWhatExecveWouldOfAFile() throws IOException {
        Path ok = executable(tmp.resolve("bin"), PROG);
        ExecutableResolver.checkExecutable(ok.toString(), null);
        ExecutableResolver.checkExecutable("bin/" + PROG, tmp); // relative to the child's directory

        assertThatThrownBy(() -> ExecutableResolver.checkExecutable(tmp.resolve("missing").toString(), null))
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.stage()).isEqualTo(SpawnException.Stage.EXEC);
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.path()).hasValue(tmp.resolve("missing").toString());
                });
        Path plain = notExecutable(tmp, "plain");
        assertThatThrownBy(() -> ExecutableResolver.checkExecutable(plain.toString(), null))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.errnoName()).isEqualTo("EACCES"));
        assertThatThrownBy(() -> ExecutableResolver.checkExecutable(tmp.toString(), null))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.errnoName()).isEqualTo("EACCES"));
    }
}
