package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {

    private static Command.Builder sh() {
        return Command.builder("/bin/sh", "-c", "true");
    }

    @Nested
    class Rejects {

        @Test
        void pipesBelowThreeTwiceOrOnAPassedFd() {
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder("/bin/echo").pipeToChild(2).build())
                    .withMessageStartingWith("pipe: child fd 2");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Command.builder("/bin/echo").pipeToChild(5).pipeFromChild(5).build())
                    .withMessageStartingWith("pipe: child fd 5 is given two pipes");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Command.builder("/bin/echo").passFd(9, 5).pipeFromChild(5).build())
                    .withMessageStartingWith("pipe: child fd 5 is also set by passFd");
        }

        @Test
        void umaskAndLimitsOutOfRange() {
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder("/bin/echo").umask(01000).build())
                    .withMessageStartingWith("umask");
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder("/bin/echo")
                    .rlimit(Command.Limit.NOFILE, 10, 5).build()).withMessageStartingWith("rlimit NOFILE");
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder("/bin/echo")
                    .rlimit(Command.Limit.CPU, -5, 10).build()).withMessageStartingWith("rlimit CPU");
            assertThat(Command.builder("/bin/echo").rlimit(Command.Limit.AS, 1, Command.UNLIMITED).build()
                    .limits().get(Command.Limit.AS)).isEqualTo(new Command.ResourceLimit(1, Command.UNLIMITED));
        }

        @Test
        void emptyArgv() {
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder().build())
                    .withMessageStartingWith("argv");
            assertThatIllegalArgumentException().isThrownBy(() -> Command.of())
                    .withMessageStartingWith("argv");
            assertThatIllegalArgumentException().isThrownBy(() -> Command.builder().args(List.of()).build())
                    .withMessageStartingWith("argv");
        }

        @Test
        void emptyProgramName() {
            assertThatIllegalArgumentException().isThrownBy(() -> Command.of("", "x"))
                    .withMessageStartingWith("argv[0]");
        }

        @Test
        void nulInProgram() {
            assertThatIllegalArgumentException().isThrownBy(() -> Command.of("/bin/e\0cho"))
                    .withMessageStartingWith("argv[0]")
                    .withMessageContaining("NUL");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3})
        void nulInArgumentNamesItsIndex(int i) {
            List<String> argv = new ArrayList<>(List.of("/bin/echo", "a", "b", "c"));
            argv.set(i, "x\0y");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Command.builder().args(argv).build())
                    .withMessageStartingWith("argv[" + i + "]")
                    .withMessageContaining("NUL");
        }

        @Test
        void emptyEnvName() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env("", "v").build())
                    .withMessageStartingWith("env")
                    .withMessageContaining("name");
        }

        @Test
        void envNameWithEquals() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env("A=B", "v").build())
                    .withMessageStartingWith("env")
                    .withMessageContaining("A=B")
                    .withMessageContaining("'='");
        }

        @Test
        void envNameWithNul() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env("A\0B", "v").build())
                    .withMessageStartingWith("env")
                    .withMessageContaining("name")
                    .withMessageContaining("NUL");
        }

        @Test
        void envValueWithNul() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env("SAFESPAWN_X", "a\0b").build())
                    .withMessageStartingWith("env SAFESPAWN_X")
                    .withMessageContaining("value")
                    .withMessageContaining("NUL");
        }

        @Test
        void envCheckedAfterClearEnvToo() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().clearEnv().env("X=Y", "v").build())
                    .withMessageStartingWith("env");
        }

        @Test
        void negativeParentFd() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().passFd(-1, 3).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("-1");
        }

        @Test
        void negativeChildFd() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().passFd(3, -4).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("-4");
        }

        @Test
        void sameChildFdPassedTwice() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().passFd(5, 3).passFd(6, 3).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("3");
            assertThatIllegalArgumentException().isThrownBy(() -> sh().passFd(5, 3).passFd(5, 3).build())
                    .withMessageStartingWith("passFd");
        }

        @Test
        void passFdToStdinWhileStdinIsSet() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stdin(Redirect.DISCARD).passFd(7, 0).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("stdin");
            // the other order too
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().passFd(7, 0).stdin(Redirect.PIPE).build())
                    .withMessageContaining("stdin");
        }

        @Test
        void passFdToStdoutWhileStdoutIsSet() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stdout(Redirect.INHERIT).passFd(7, 1).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("stdout");
        }

        @Test
        void passFdToStderrWhileStderrIsSet() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stderr(Redirect.to(Path.of("/tmp/e"))).passFd(7, 2).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("stderr");
        }

        @Test
        void redirectErrorStreamWithStderr() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().redirectErrorStream().stderr(Redirect.DISCARD).build())
                    .withMessageStartingWith("stderr")
                    .withMessageContaining("redirectErrorStream");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stderr(Redirect.PIPE).redirectErrorStream().build())
                    .withMessageStartingWith("stderr");
        }

        @Test
        void passFdToStderrWithRedirectErrorStream() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().redirectErrorStream().passFd(7, 2).build())
                    .withMessageStartingWith("passFd")
                    .withMessageContaining("redirectErrorStream");
        }

        @Test
        void readRedirectForStdout() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stdout(Redirect.from(Path.of("/tmp/in"))).build())
                    .withMessageStartingWith("stdout");
        }

        @Test
        void readRedirectForStderr() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stderr(Redirect.from(Path.of("/tmp/in"))).build())
                    .withMessageStartingWith("stderr");
        }

        @Test
        void writeRedirectForStdin() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stdin(Redirect.to(Path.of("/tmp/out"))).build())
                    .withMessageStartingWith("stdin");
        }

        @Test
        void appendRedirectForStdin() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().stdin(Redirect.appendTo(Path.of("/tmp/out"))).build())
                    .withMessageStartingWith("stdin");
        }

        @Test
        void negativeProcessGroup() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().processGroup(-1).build())
                    .withMessageStartingWith("processGroup")
                    .withMessageContaining("-1");
        }

        @Test
        void groupKillScopeForAChildThatLeadsNoGroup() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().killScope(Command.KillScope.GROUP).build())
                    .withMessageStartingWith("killScope: GROUP").withMessageContaining("newSession()");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> sh().processGroup(42).killScope(Command.KillScope.GROUP).build())
                    .withMessageStartingWith("killScope: GROUP");
            assertThatNullPointerException().isThrownBy(() -> sh().killScope(null)).withMessage("killScope");
        }

        @Test
        void newSessionWithProcessGroup() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().newSession().processGroup(0).build())
                    .withMessageStartingWith("processGroup");
            assertThatIllegalArgumentException().isThrownBy(() -> sh().processGroup(42).newSession().build())
                    .withMessageStartingWith("processGroup");
        }
    }

    @Nested
    class Accepts {

        @Test
        void pipesAndTheOptionsNeedTheirFeatures() {
            Command c = Command.builder("/bin/echo").pipeToChild(3).pipeFromChild(4).umask(022)
                    .rlimit(Command.Limit.CORE, 0, 0).killOnParentDeath().build();
            assertThat(c.pipes()).containsExactly(Map.entry(3, Command.PipeDirection.TO_CHILD),
                    Map.entry(4, Command.PipeDirection.FROM_CHILD));
            assertThat(c.requiredFeatures()).containsExactlyInAnyOrder(Feature.PASS_FD, Feature.UMASK,
                    Feature.RLIMITS, Feature.KILL_ON_PARENT_DEATH);
            assertThat(c.toBuilder().build().pipes()).isEqualTo(c.pipes());
        }

        @Test
        void validRedirectsForEachStream() {
            Path f = Path.of("/tmp/f");
            Command c = sh().stdin(Redirect.from(f)).stdout(Redirect.to(f)).stderr(Redirect.appendTo(f)).build();
            assertThat(c.stdin()).isEqualTo(Redirect.from(f));
            assertThat(c.stdout()).isEqualTo(Redirect.to(f));
            assertThat(c.stderr()).isEqualTo(Redirect.appendTo(f));
        }

        @Test
        void passFdToStandardStreamsThatWereNotSet() {
            Command c = sh().passFd(10, 0).passFd(11, 1).passFd(12, 2).build();
            assertThat(c.passedFds()).containsExactly(Map.entry(0, 10), Map.entry(1, 11), Map.entry(2, 12));
        }

        @Test
        void passedFdsAreSortedByChildFd() {
            Command c = sh().passFd(3, 9).passFd(4, 5).passFd(5, 7).build();
            assertThat(c.passedFds().keySet()).containsExactly(5, 7, 9);
            assertThat(c.passedFds()).containsEntry(9, 3).containsEntry(5, 4).containsEntry(7, 5);
        }

        @Test
        void killScopes() {
            assertThat(sh().processGroup(0).killScope(Command.KillScope.GROUP).build().killScope())
                    .isEqualTo(Command.KillScope.GROUP);
            Command group = sh().newSession().killScope(Command.KillScope.GROUP).build();
            assertThat(group.requiredFeatures()).containsExactly(Feature.NEW_SESSION);
            assertThat(group).hasToString("Command[/bin/sh, -c, true] killScope=GROUP");
            Command tree = sh().killScope(Command.KillScope.TREE).build();
            assertThat(tree.killScope()).isEqualTo(Command.KillScope.TREE);
            assertThat(tree.requiredFeatures()).containsExactly(Feature.TREE_KILL);
        }

        @Test
        void processGroupZeroAndPositive() {
            assertThat(sh().processGroup(0).build().processGroup()).hasValue(0);
            assertThat(sh().processGroup(1234).build().processGroup()).hasValue(1234);
        }
    }

    @Test
    void defaults() {
        Command c = Command.of("/bin/echo", "hi");
        assertThat(c.argv()).containsExactly("/bin/echo", "hi");
        assertThat(c.program()).isEqualTo("/bin/echo");
        assertThat(c.stdin()).isEqualTo(Redirect.PIPE);
        assertThat(c.stdout()).isEqualTo(Redirect.PIPE);
        assertThat(c.stderr()).isEqualTo(Redirect.PIPE);
        assertThat(c.redirectErrorStream()).isFalse();
        assertThat(c.environment()).isEqualTo(System.getenv());
        assertThat(c.directory()).isEmpty();
        assertThat(c.passedFds()).isEmpty();
        assertThat(c.newSession()).isFalse();
        assertThat(c.processGroup()).isEmpty();
        assertThat(c.requiredFeatures()).isEmpty();
        assertThat(c.killScope()).isEqualTo(Command.KillScope.PROCESS);
        assertThat(c.streamEnd()).isEqualTo(Command.StreamEnd.AT_EXIT);
        assertThat(c).hasToString("Command[/bin/echo, hi]");
    }

    @Test
    void argsAppendAndFirstIsTheProgram() {
        Command c = Command.builder("prog").args("a", "b").args(List.of("c")).build();
        assertThat(c.argv()).containsExactly("prog", "a", "b", "c");
        assertThat(c.program()).isEqualTo("prog");
        assertThat(Command.builder().args("p").args("q").build().program()).isEqualTo("p");
    }

    @Test
    void emptyArgumentsAfterTheProgramAreAllowed() {
        assertThat(Command.of("prog", "", "").argv()).containsExactly("prog", "", "");
    }

    @Test
    void directory() {
        assertThat(sh().directory(Path.of("/tmp")).build().directory()).contains(Path.of("/tmp"));
    }

    @Nested
    class Environment {

        @Test
        void envAddsAndOverrides() {
            Command c = sh().env("SAFESPAWN_A", "1").env("SAFESPAWN_A", "2").env("SAFESPAWN_B", "").build();
            assertThat(c.environment()).containsEntry("SAFESPAWN_A", "2").containsEntry("SAFESPAWN_B", "");
            // the rest is still the parent's
            assertThat(c.environment()).containsAllEntriesOf(System.getenv());
            assertThat(c.environment()).hasSize(System.getenv().size() + 2);
        }

        @Test
        void removeEnvRemovesAnInheritedVariable() {
            assumeThat(System.getenv()).isNotEmpty();
            String inherited = System.getenv().keySet().iterator().next();
            Command c = sh().removeEnv(inherited).build();
            assertThat(c.environment()).doesNotContainKey(inherited);
            assertThat(c.environment()).hasSize(System.getenv().size() - 1);
        }

        @Test
        void removeEnvOfAbsentVariableIsANoOp() {
            Command c = sh().removeEnv("SAFESPAWN_SURELY_UNSET_42").build();
            assertThat(c.environment()).isEqualTo(System.getenv());
        }

        @Test
        void clearEnvThenEnv() {
            Command c = sh().env("SAFESPAWN_BEFORE", "x").clearEnv().env("A", "1").env("B", "2").build();
            assertThat(c.environment()).isEqualTo(Map.of("A", "1", "B", "2"));
        }

        @Test
        void envThenClearEnvLeavesNothing() {
            assertThat(sh().env("A", "1").clearEnv().build().environment()).isEmpty();
        }

        @Test
        void removeEnvThenEnvReAdds() {
            Command c = sh().clearEnv().env("A", "1").removeEnv("A").env("B", "2").env("A", "3").build();
            assertThat(c.environment()).isEqualTo(Map.of("A", "3", "B", "2"));
        }

        @Test
        void envOfAMapSetsEveryEntryInOrderAndKeepsTheRest() {
            Map<String, String> more = new java.util.LinkedHashMap<>();
            more.put("SAFESPAWN_B", "2");
            more.put("SAFESPAWN_A", "1");
            Command c = sh().clearEnv().env("SAFESPAWN_A", "old").env("KEPT", "k").env(more).build();
            assertThat(c.environment()).containsExactly(Map.entry("SAFESPAWN_A", "1"), Map.entry("KEPT", "k"),
                    Map.entry("SAFESPAWN_B", "2"));
        }

        @Test
        void envOfAMapIsCopied() {
            Map<String, String> vars = new java.util.HashMap<>(Map.of("A", "1"));
            Command.Builder b = sh().clearEnv().env(vars);
            vars.put("B", "2");
            assertThat(b.build().environment()).isEqualTo(Map.of("A", "1"));
        }

        @Test
        void envOfAMapWithANullIsRejectedAndChangesNothing() {
            Map<String, String> nullValue = new java.util.LinkedHashMap<>();
            nullValue.put("FIRST", "set?");
            nullValue.put("SECOND", null);
            Map<String, String> nullName = new java.util.LinkedHashMap<>();
            nullName.put("FIRST", "set?");
            nullName.put(null, "x");
            Command.Builder b = sh().clearEnv().env("A", "1");

            assertThatNullPointerException().isThrownBy(() -> b.env(nullValue)).withMessageContaining("SECOND");
            assertThatNullPointerException().isThrownBy(() -> b.env(nullName));
            assertThatNullPointerException().isThrownBy(() -> b.env((Map<String, String>) null));
            assertThat(b.build().environment()).isEqualTo(Map.of("A", "1"));
        }

        @Test
        void envOfAMapIsCheckedByBuildLikeEnv() {
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env(Map.of("A=B", "x")).build())
                    .withMessageContaining("'='");
            assertThatIllegalArgumentException().isThrownBy(() -> sh().env(Map.of("A", "x\0y")).build())
                    .withMessageContaining("NUL");
        }

        @Test
        void envThenRemoveEnvRemoves() {
            Command c = sh().clearEnv().env("A", "1").env("B", "2").removeEnv("A").build();
            assertThat(c.environment()).isEqualTo(Map.of("B", "2"));
        }
    }

    @Test
    void requiredFeatures() {
        assertThat(sh().passFd(5, 3).build().requiredFeatures()).containsExactly(Feature.PASS_FD);
        assertThat(sh().newSession().build().requiredFeatures()).containsExactly(Feature.NEW_SESSION);
        assertThat(sh().processGroup(0).build().requiredFeatures()).containsExactly(Feature.PROCESS_GROUP);
        assertThat(sh().passFd(5, 3).newSession().build().requiredFeatures())
                .containsExactlyInAnyOrder(Feature.PASS_FD, Feature.NEW_SESSION);
        assertThat(sh().passFd(5, 3).processGroup(7).build().requiredFeatures())
                .containsExactlyInAnyOrder(Feature.PASS_FD, Feature.PROCESS_GROUP);
        // things every strategy does need no feature
        assertThat(sh().directory(Path.of("/tmp")).clearEnv().stdin(Redirect.DISCARD)
                .stdout(Redirect.INHERIT).redirectErrorStream().build().requiredFeatures()).isEmpty();
    }

    @Test
    void streamsThatOutliveTheChildAreAFeatureAndShowInToString() {
        Command lastWriter = sh().streamEnd(Command.StreamEnd.LAST_WRITER).build();
        assertThat(lastWriter.streamEnd()).isEqualTo(Command.StreamEnd.LAST_WRITER);
        assertThat(lastWriter.requiredFeatures()).containsExactly(Feature.STREAMS_OUTLIVE_CHILD);
        assertThat(lastWriter.toString()).endsWith("] streamEnd=LAST_WRITER");
        Command atExit = sh().streamEnd(Command.StreamEnd.AT_EXIT).build();
        assertThat(atExit.requiredFeatures()).isEmpty();
        assertThat(atExit.toString()).doesNotContain("streamEnd");
    }

    @Nested
    class NoAliasing {

        @Test
        void callersListIsCopied() {
            List<String> args = new ArrayList<>(List.of("/bin/echo", "a"));
            Command.Builder b = Command.builder().args(args);
            args.add("added-before-build");
            args.set(0, "/bin/changed");
            Command c = b.build();
            args.add("added-after-build");
            assertThat(c.argv()).containsExactly("/bin/echo", "a");
        }

        @Test
        void callersArrayIsCopied() {
            String[] argv = {"/bin/echo", "a"};
            Command.Builder b = Command.builder(argv);
            argv[1] = "changed";
            assertThat(b.build().argv()).containsExactly("/bin/echo", "a");
        }

        @Test
        void builderChangesAfterBuildDoNotLeak() {
            Command.Builder b = Command.builder("/bin/echo", "a").clearEnv().env("A", "1").passFd(5, 3);
            Command c = b.build();
            b.args("more").env("B", "2").removeEnv("A").passFd(6, 4).directory(Path.of("/tmp"))
                    .stdin(Redirect.DISCARD).stdout(Redirect.INHERIT).processGroup(0);
            Command later = b.build();

            assertThat(c.argv()).containsExactly("/bin/echo", "a");
            assertThat(c.environment()).isEqualTo(Map.of("A", "1"));
            assertThat(c.passedFds()).containsExactly(Map.entry(3, 5));
            assertThat(c.directory()).isEmpty();
            assertThat(c.stdin()).isEqualTo(Redirect.PIPE);
            assertThat(c.stdout()).isEqualTo(Redirect.PIPE);
            assertThat(c.processGroup()).isEmpty();
            assertThat(c.requiredFeatures()).containsExactly(Feature.PASS_FD);

            assertThat(later.argv()).containsExactly("/bin/echo", "a", "more");
            assertThat(later.environment()).isEqualTo(Map.of("B", "2"));
            assertThat(later.passedFds()).containsExactly(Map.entry(3, 5), Map.entry(4, 6));
        }

        @Test
        void toBuilderChangesDoNotLeakIntoTheOriginal() {
            Command c = Command.builder("/bin/echo", "a").clearEnv().env("A", "1").passFd(5, 3).build();
            Command changed = c.toBuilder().args("b").env("A", "2").passFd(6, 4).build();
            assertThat(c.argv()).containsExactly("/bin/echo", "a");
            assertThat(c.environment()).isEqualTo(Map.of("A", "1"));
            assertThat(c.passedFds()).containsExactly(Map.entry(3, 5));
            assertThat(changed.argv()).containsExactly("/bin/echo", "a", "b");
            assertThat(changed.environment()).isEqualTo(Map.of("A", "2"));
            assertThat(changed.passedFds()).containsExactly(Map.entry(3, 5), Map.entry(4, 6));
        }
    }

    @Nested
    class ToBuilder {

        private void assertSame(Command a, Command b) {
            assertThat(b.argv()).isEqualTo(a.argv());
            assertThat(b.directory()).isEqualTo(a.directory());
            assertThat(b.environment()).isEqualTo(a.environment());
            assertThat(b.stdin()).isEqualTo(a.stdin());
            assertThat(b.stdout()).isEqualTo(a.stdout());
            assertThat(b.stderr()).isEqualTo(a.stderr());
            assertThat(b.redirectErrorStream()).isEqualTo(a.redirectErrorStream());
            assertThat(b.passedFds()).isEqualTo(a.passedFds());
            assertThat(b.newSession()).isEqualTo(a.newSession());
            assertThat(b.processGroup()).isEqualTo(a.processGroup());
            assertThat(b.killScope()).isEqualTo(a.killScope());
            assertThat(b.requiredFeatures()).isEqualTo(a.requiredFeatures());
            assertThat(b.streamEnd()).isEqualTo(a.streamEnd());
        }

        private void roundTrips(Command c) {
            assertSame(c, c.toBuilder().build());
            assertSame(c, c.toBuilder().build().toBuilder().build());
        }

        @Test
        void defaults() {
            roundTrips(Command.of("/bin/echo"));
        }

        @Test
        void everythingSet() {
            roundTrips(Command.builder("/bin/echo", "a", "b")
                    .directory(Path.of("/tmp"))
                    .clearEnv().env("A", "1").env("B", "2")
                    .stdin(Redirect.from(Path.of("/tmp/in")))
                    .stdout(Redirect.to(Path.of("/tmp/out")))
                    .stderr(Redirect.appendTo(Path.of("/tmp/err")))
                    .passFd(5, 3).passFd(8, 4)
                    .newSession()
                    .killScope(Command.KillScope.GROUP)
                    .streamEnd(Command.StreamEnd.LAST_WRITER)
                    .build());
            roundTrips(Command.builder("/bin/echo").killScope(Command.KillScope.TREE).build());
        }

        @Test
        void processGroup() {
            roundTrips(Command.builder("/bin/echo").processGroup(0).build());
            roundTrips(Command.builder("/bin/echo").processGroup(99).stdin(Redirect.INHERIT).build());
        }

        @Test
        void redirectErrorStream() {
            roundTrips(Command.builder("/bin/echo").redirectErrorStream().build());
        }

        @Test
        void passFdToAStandardStream() {
            roundTrips(Command.builder("/bin/echo").passFd(5, 0).build());
            roundTrips(Command.builder("/bin/echo").passFd(5, 1).build());
            roundTrips(Command.builder("/bin/echo").passFd(5, 2).build());
        }

        @Test
        void passFdToAStandardStreamAddedOnTheCopy() {
            Command c = Command.of("/bin/echo");
            assertThat(c.toBuilder().passFd(5, 1).build().passedFds()).containsExactly(Map.entry(1, 5));
        }

        @Test
        void copyIsIndependentOfLaterBuilderChanges() {
            Command c = Command.builder("/bin/echo").clearEnv().env("A", "1").build();
            Command.Builder b = c.toBuilder();
            Command first = b.build();
            b.env("A", "2");
            assertThat(first.environment()).isEqualTo(Map.of("A", "1"));
        }
    }

    @Nested
    class Unmodifiable {

        private final Command c = sh().env("SAFESPAWN_A", "1").passFd(5, 3).newSession().build();

        @Test
        void argv() {
            assertThatThrownBy(() -> c.argv().add("x")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.argv().set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
            assertThat(c.argv()).containsExactly("/bin/sh", "-c", "true");
        }

        @Test
        void environment() {
            assertThatThrownBy(() -> c.environment().put("X", "y"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.environment().remove("SAFESPAWN_A"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.environment().entrySet().iterator().next().setValue("z"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.environment().clear())
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(c.environment()).containsEntry("SAFESPAWN_A", "1");
        }

        @Test
        void passedFds() {
            assertThatThrownBy(() -> c.passedFds().put(4, 4)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.passedFds().remove(3)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.passedFds().tailMap(0).put(9, 9))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(c.passedFds()).containsExactly(Map.entry(3, 5));
        }

        @Test
        void requiredFeatures() {
            assertThatThrownBy(() -> c.requiredFeatures().add(Feature.SIGNALS))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> c.requiredFeatures().remove(Feature.PASS_FD))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(c.requiredFeatures()).containsExactlyInAnyOrder(Feature.PASS_FD, Feature.NEW_SESSION);
        }

        @Test
        void pipesAndLimits() {
            Command d = sh().pipeToChild(3).rlimit(Command.Limit.NOFILE, 64, 128).build();
            assertThatThrownBy(() -> d.pipes().put(4, Command.PipeDirection.FROM_CHILD))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> d.limits().put(Command.Limit.CPU, new Command.ResourceLimit(1, 1)))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> d.limits().remove(Command.Limit.NOFILE))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(d.pipes()).containsExactly(Map.entry(3, Command.PipeDirection.TO_CHILD));
            assertThat(d.limits()).containsExactly(Map.entry(Command.Limit.NOFILE, new Command.ResourceLimit(64, 128)));
            assertThat(d.toBuilder().build().limits()).isEqualTo(d.limits());
        }
    }

    @Nested
    class ResourceLimits {

        @Test
        void everyInstanceIsValid() {
            assertThat(new Command.ResourceLimit(0, 0)).isEqualTo(new Command.ResourceLimit(0, 0));
            assertThat(new Command.ResourceLimit(Command.UNLIMITED, Command.UNLIMITED).soft()).isEqualTo(-1);
            assertThat(new Command.ResourceLimit(5, Command.UNLIMITED).hard()).isEqualTo(Command.UNLIMITED);
            assertThatIllegalArgumentException().isThrownBy(() -> new Command.ResourceLimit(-2, 5))
                    .withMessage("soft limit -2 is negative");
            assertThatIllegalArgumentException().isThrownBy(() -> new Command.ResourceLimit(1, -7))
                    .withMessage("hard limit -7 is negative");
            assertThatIllegalArgumentException().isThrownBy(() -> new Command.ResourceLimit(6, 5))
                    .withMessage("soft limit 6 exceeds hard limit 5");
            assertThatIllegalArgumentException().isThrownBy(() -> new Command.ResourceLimit(Command.UNLIMITED, 5))
                    .withMessage("soft limit -1 exceeds hard limit 5");
        }

        @Test
        void aLaterRlimitReplacesAnEarlierOneAndABadOneFailsAtBuild() {
            Command.Builder b = Command.builder("/bin/true").rlimit(Command.Limit.CORE, 9, 1);
            assertThatIllegalArgumentException().isThrownBy(b::build)
                    .withMessage("rlimit CORE: soft limit 9 exceeds hard limit 1");
            assertThat(b.rlimit(Command.Limit.CORE, 0, 1).build().limits())
                    .containsExactly(Map.entry(Command.Limit.CORE, new Command.ResourceLimit(0, 1)));
        }
    }

    @Nested
    class Nulls {

        @Test
        void builderAndOf() {
            assertThatNullPointerException().isThrownBy(() -> Command.builder((String[]) null));
            assertThatNullPointerException().isThrownBy(() -> Command.builder("/bin/echo", null));
            assertThatNullPointerException().isThrownBy(() -> Command.of((String[]) null));
            assertThatNullPointerException().isThrownBy(() -> Command.of((String) null));
        }

        @Test
        void aNullArgumentAddsNothing() {
            Command.Builder b = Command.builder("/bin/echo");
            assertThatNullPointerException().isThrownBy(() -> b.args("x", null));
            assertThat(b.build().argv()).containsExactly("/bin/echo");
        }

        @Test
        void args() {
            assertThatNullPointerException().isThrownBy(() -> sh().args((String[]) null));
            assertThatNullPointerException().isThrownBy(() -> sh().args((List<String>) null));
            assertThatNullPointerException().isThrownBy(() -> sh().args("a", null));
            List<String> withNull = new ArrayList<>();
            withNull.add("a");
            withNull.add(null);
            assertThatNullPointerException().isThrownBy(() -> sh().args(withNull));
        }

        @ParameterizedTest
        @ValueSource(strings = {"directory", "envName", "envValue", "removeEnv", "stdin", "stdout", "stderr",
            "streamEnd"})
        void setters(String which) {
            Map<String, UnaryOperator<Command.Builder>> setters = Map.of(
                    "directory", b -> b.directory(null),
                    "envName", b -> b.env(null, "v"),
                    "envValue", b -> b.env("N", null),
                    "removeEnv", b -> b.removeEnv(null),
                    "stdin", b -> b.stdin(null),
                    "stdout", b -> b.stdout(null),
                    "stderr", b -> b.stderr(null),
                    "streamEnd", b -> b.streamEnd(null));
            assertThatNullPointerException().isThrownBy(() -> setters.get(which).apply(sh()));
        }

        @Test
        void aRejectedNullLeavesTheBuilderUsable() {
            Command.Builder b = sh().clearEnv();
            assertThatNullPointerException().isThrownBy(() -> b.env("N", null));
            assertThatNullPointerException().isThrownBy(() -> b.env(null, "v"));
            Command c = b.build();
            assertThat(c.environment()).isEmpty();
        }
    }
}
