package dev.safespawn.strategies.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Platform;
import dev.safespawn.strategies.internal.NativeBuilds;
import dev.safespawn.strategies.internal.NativeSupport;
import dev.safespawn.strategies.internal.NativeSupport.LibcFamily;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * This glibc JVM picks the glibc builds, and the jar carries every other
 * build for the machine it was made for, which CI proves in the emulated and
 * static executions of the pom.
 */
class NativeBuildsTest {
    private static final Pattern GLIBC_VERSION = Pattern.compile("GLIBC_([0-9]+(?:\\.[0-9]+)+)");

    @Test
    void muslIsRecognisedByItsLoaderOrLibraryInTheMaps() {
        // Lines as an Alpine JVM's /proc/self/maps has them, and a glibc one's.
        assertThat(NativeSupport.mapsMusl("7f3c2a1b2000-7f3c2a1c7000 r-xp 00014000 08:01 1311 /lib/ld-musl-x86_64.so.1"))
                .isTrue();
        assertThat(NativeSupport.mapsMusl("7f3c2a1b2000-7f3c2a1c7000 r--p 00000000 08:01 77 /usr/lib/libc.musl-aarch64.so.1"))
                .isTrue();
        assertThat(NativeSupport.mapsMusl("7f9d1c028000-7f9d1c1bd000 r-xp 00028000 fd:01 24 /usr/lib/x86_64-linux-gnu/libc.so.6"))
                .isFalse();
        assertThat(NativeSupport.mapsMusl("7ffd5d3f1000-7ffd5d412000 rw-p 00000000 00:00 0 [stack]")).isFalse();
    }

    @Test
    void glibcBefore234AndEveryOtherCLibraryGetTheStaticServer() {
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "2.36")).isEqualTo(NativeBuilds.ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "2.34")).isEqualTo(NativeBuilds.ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "3.0")).isEqualTo(NativeBuilds.ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "2.33")).isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "2.28")).isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.GLIBC, "")).isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.MUSL, "")).isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
        assertThat(NativeBuilds.zygoteFile(LibcFamily.UNKNOWN, "")).isEqualTo(NativeBuilds.STATIC_ZYGOTE_FILE);
    }

    /**
     * What the glibc builds ask of glibc, read from their version needs: the
     * shim loads on glibc 2.17 (the oldest aarch64 has), so a JVM on glibc
     * 2.28–2.33 still has fork_exec; the server needs what
     * {@link NativeBuilds#GLIBC_FOR_DYNAMIC_ZYGOTE} says, no more.
     */
    @Test
    void theGlibcBuildsNeedNoNewerGlibcThanTheyPromise() throws IOException {
        Map<String, String> promised = Map.of(
                "/linux-x86-64/libsafespawn-shim.so", "2.17", "/linux-aarch64/libsafespawn-shim.so", "2.17",
                "/linux-x86-64/safespawn-zygote", NativeBuilds.GLIBC_FOR_DYNAMIC_ZYGOTE,
                "/linux-aarch64/safespawn-zygote", NativeBuilds.GLIBC_FOR_DYNAMIC_ZYGOTE);
        for (Map.Entry<String, String> build : promised.entrySet()) {
            try (InputStream in = NativeBuildsTest.class.getResourceAsStream(build.getKey())) {
                if (in == null) {
                    continue; // the other test says whether a missing build is excused
                }
                List<String> needs = glibcVersionsNamed(in.readAllBytes());
                assertThat(needs).as("%s names glibc versions", build.getKey()).isNotEmpty();
                for (String version : needs) {
                    assertThat(NativeBuilds.compareVersions(version, build.getValue())).as("%s needs GLIBC_%s; promised: %s",
                            build.getKey(), version, build.getValue()).isLessThanOrEqualTo(0);
                }
            }
        }
    }

    /** Every {@code GLIBC_x.y[.z]} string in an ELF file: its version needs are named so in its string table. */
    private static List<String> glibcVersionsNamed(byte[] elf) {
        Matcher m = GLIBC_VERSION.matcher(new String(elf, StandardCharsets.ISO_8859_1));
        List<String> versions = new ArrayList<>();
        while (m.find()) {
            versions.add(m.group(1));
        }
        return versions;
    }

    @Test
    void aGlibcJvmIsDetectedAsSuchAndGetsTheGlibcBuilds() {
        assumeX86_64();
        assertThat(NativeSupport.glibcVersion()).as("this machine runs glibc").isPresent();
        assertThat(NativeSupport.libcFamily()).isEqualTo(LibcFamily.GLIBC);
        assertThat(NativeBuilds.shimResource()).isEqualTo("/linux-x86-64/libsafespawn-shim.so");
        Assumptions.assumeTrue(System.getProperty(NativeBuilds.ZYGOTE_RESOURCE_PROPERTY) == null,
                "an execution that chooses another zygote build runs this class (-Dtest)");
        assertThat(NativeBuilds.zygoteResource()).isEqualTo("/linux-x86-64/safespawn-zygote");
    }

    @Test
    void eachBuildInTheJarIsForItsMachineAndLinkage() throws IOException {
        assumeX86_64();
        Map<String, ElfFile> expected = Map.of(
                "/linux-x86-64/libsafespawn-shim.so", new ElfFile(ElfFile.EM_X86_64, false),
                "/linux-x86-64/safespawn-zygote", new ElfFile(ElfFile.EM_X86_64, true),
                "/linux-x86-64/safespawn-zygote-static", new ElfFile(ElfFile.EM_X86_64, false),
                "/linux-x86-64-musl/libsafespawn-shim.so", new ElfFile(ElfFile.EM_X86_64, false),
                "/linux-aarch64/libsafespawn-shim.so", new ElfFile(ElfFile.EM_AARCH64, false),
                "/linux-aarch64/safespawn-zygote", new ElfFile(ElfFile.EM_AARCH64, true));
        for (Map.Entry<String, ElfFile> build : expected.entrySet()) {
            try (InputStream in = NativeBuildsTest.class.getResourceAsStream(build.getKey())) {
                if (in == null) {
                    // The host's own builds always exist; the others need their compilers.
                    assertThat(build.getKey()).as("a build only a missing compiler excuses")
                            .doesNotEndWith("x86-64/safespawn-zygote").doesNotEndWith("x86-64/libsafespawn-shim.so");
                    assertThat(System.getenv("CI")).as("CI=true installs every compiler; missing: %s", build.getKey())
                            .isNotEqualTo("true");
                    System.out.println("SKIPPED " + build.getKey() + ": not built here (its compiler is missing)");
                    continue;
                }
                assertThat(ElfFile.read(in)).as(build.getKey()).isEqualTo(build.getValue());
            }
        }
    }

    private static void assumeX86_64() {
        Assumptions.assumeTrue(Platform.RESOURCE_PREFIX.equals("linux-x86-64"),
                "these expectations are for a jar built on Linux x86-64, the build machine CI has");
    }
}
