package dev.safespawn.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of this JVM's start-up options a worker inherits, and in which form. */
class JvmOptionsTest {
    private static final WorkerLaunch CLASS_PATH = WorkerLaunch.classPath("a.jar");

    @Test
    void anOptionWrittenAsTwoWordsIsSeenAsOne() {
        assertThat(JvmOptions.normalize(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "-Dx=1", "--enable-native-access", "ALL-UNNAMED")))
                .containsExactly("--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.io=ALL-UNNAMED", "-Dx=1", "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void bothFormsOfAddOpensMatchItsPrefixAndKeepTheirOrder() {
        List<String> options = JvmOptions.normalize(List.of("-Xmx64m", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "-Dx=1", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "-javaagent:agent.jar"));

        assertThat(JvmOptions.inherited(options, List.of("--add-opens", "-javaagent:"), CLASS_PATH))
                .containsExactly("--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.io=ALL-UNNAMED", "-javaagent:agent.jar");
    }

    @Test
    void aDebuggerTheCdsOptionsAndTheLaunchInternalsAreNeverCarried() {
        List<String> options = List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
                "-Xrunjdwp:transport=dt_socket", "-XX:ArchiveClassesAtExit=app.jsa", "-XX:SharedArchiveFile=app.jsa",
                "-Xshare:off", "-Djava.class.path=x.jar", "-Djdk.module.main=app", "--module-path=mods",
                "-agentlib:hprof", "-XX:+UseG1GC", "-Dkept=1");

        assertThat(JvmOptions.inherited(options, List.of("-"), CLASS_PATH))
                .containsExactly("-agentlib:hprof", "-XX:+UseG1GC", "-Dkept=1");
    }

    @Test
    void anOptionTheLaunchSetsItselfIsNotCarriedASecondTime() {
        WorkerLaunch modular = new WorkerLaunch(List.of("--module-path", "/m", "--add-modules", "app",
                "--limit-modules", "app", "-m", "dev.safespawn.core/" + WorkerMain.class.getName()));
        List<String> options = List.of("--add-modules=jdk.incubator.vector", "--limit-modules=app",
                "--add-reads=app=ALL-UNNAMED");

        assertThat(JvmOptions.inherited(options, List.of("--"), modular)).containsExactly("--add-reads=app=ALL-UNNAMED");
        assertThat(JvmOptions.inherited(options, List.of("--"), CLASS_PATH)).isEqualTo(options);
    }

    @Test
    void inheritedOptionsComeBeforeTheUsersOwnSoTheUsersWin() {
        List<String> thisJvm = JvmOptions.ofThisJvm();
        List<String> options = ProcessPool.builder().classpath("a.jar").inheritJvmOptions("-")
                .jvmOptions("-Dmine=1").config().jvmOptions();

        assertThat(options).endsWith("-Dmine=1");
        assertThat(options.subList(0, options.size() - 1))
                .containsAll(JvmOptions.inherited(thisJvm, List.of("-"), CLASS_PATH));
    }

    @Test
    void anEmptyPrefixIsRefusedAndNamesTheWayToCarryEverything() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProcessPool.builder().inheritJvmOptions("-D", ""))
                .withMessageContaining("inheritJvmOptions").withMessageContaining("\"-\"");
    }
}
