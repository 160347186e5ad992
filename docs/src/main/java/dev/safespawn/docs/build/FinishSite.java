package dev.safespawn.docs.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The last step of the site's build, once Asciidoctor and javadoc have
 * written their pages: the search index, and the one file the API
 * reference may lack.
 */
public final class FinishSite {
    /**
     * The web-font stylesheet that the JDK's javadoc stylesheet imports. Some
     * JDK builds (Debian's among them) leave the fonts out, and every javadoc
     * page then fails to load it; a stub lets the pages fall back to the
     * system's fonts without a failed request.
     */
    static final String JAVADOC_FONTS = "apidocs/resources/fonts/dejavu.css";

    private FinishSite() {
    }

    /**
     * Finishes the site.
     *
     * @param args the site's directory
     * @throws IOException if a page cannot be read or a file written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FinishSite SITE_DIR");
        }
        Path site = Path.of(args[0]);
        SearchIndex.write(site);
        Path fonts = site.resolve(JAVADOC_FONTS);
        if (Files.isRegularFile(site.resolve("apidocs/stylesheet.css")) && !Files.exists(fonts)) {
            Files.createDirectories(fonts.getParent());
            Files.writeString(fonts, "/* This JDK's javadoc ships without its web fonts: the system's are used. */\n",
                    StandardCharsets.UTF_8);
        }
    }
}
