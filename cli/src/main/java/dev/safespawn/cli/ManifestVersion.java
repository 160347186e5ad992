package dev.safespawn.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * The version {@code --version} prints: the jar manifest's
 * {@code Implementation-Version}, which the shaded jar carries. Classes run
 * from {@code target/classes} (tests, IDEs) have no manifest, hence the fallback.
 */
final class ManifestVersion implements IVersionProvider {
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    @Override
    public String[] getVersion() {
        return new String[] {"safespawn " + version()};
    }

    static String version() {
        String v = ManifestVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? FALLBACK : v;
    }
}
