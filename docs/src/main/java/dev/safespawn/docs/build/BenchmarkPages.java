package dev.safespawn.docs.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The benchmark pages of the site, rendered at build time from the Markdown
 * the benchmark run writes ({@code benchmarks/RESULTS.md}, with its plots) and
 * the files beside it, so the site always shows the latest results and
 * never a copy that can drift. Each becomes an HTML fragment that a page of
 * the site includes; links between the files are pointed at those
 * pages, and the plots are copied next to the site's pages.
 */
final class BenchmarkPages {
    /** Each Markdown file of {@code benchmarks/}, and the site page that shows it. */
    static final Map<String, String> PAGES = Map.of(
            "RESULTS.md", "performance.html",
            "README.md", "benchmark-method.html",
            "FINDINGS.md", "benchmark-findings.html",
            "STANDALONE.md", "benchmark-standalone.html");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("([A-Z]+\\.md)(#.*)?");
    private static final String PLOTS_IN_RESULTS = "results/";

    private BenchmarkPages() {
    }

    /**
     * Renders each page to {@code generated/benchmarks-NAME.html} and copies
     * the plots of {@code benchmarks/results} to {@code plots}.
     */
    static void write(Path benchmarks, Path generated, Path plots) throws IOException {
        List<Extension> extensions = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
        Parser parser = Parser.builder().extensions(extensions).build();
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions).build();
        for (String file : PAGES.keySet()) {
            Node document = parser.parse(Files.readString(benchmarks.resolve(file), StandardCharsets.UTF_8));
            document.accept(new SiteLinks(file));
            String name = file.substring(0, file.length() - ".md".length()).toLowerCase(java.util.Locale.ROOT);
            Files.writeString(generated.resolve("benchmarks-" + name + ".html"), renderer.render(document),
                    StandardCharsets.UTF_8);
        }
        SiteSources.copyFiles(benchmarks.resolve(PLOTS_IN_RESULTS), plots);
    }

    /**
     * Drops the page's own title (the site page has one), points links to the
     * other Markdown files at their site pages and plots at their copies; a
     * relative link to anything else fails the build rather than break on
     * the site.
     */
    private static final class SiteLinks extends AbstractVisitor {
        private final String file;

        SiteLinks(String file) {
            this.file = file;
        }

        @Override
        public void visit(Heading heading) {
            if (heading.getLevel() == 1) {
                heading.unlink();
            } else {
                visitChildren(heading);
            }
        }

        @Override
        public void visit(Link link) {
            link.setDestination(siteTarget(link.getDestination()));
            visitChildren(link);
        }

        @Override
        public void visit(Image image) {
            String to = image.getDestination();
            if (!to.startsWith(PLOTS_IN_RESULTS)) {
                throw new IllegalStateException(file + ": image " + to + " is not a plot in " + PLOTS_IN_RESULTS);
            }
            image.setDestination(SiteSources.PLOTS_IN_SITE + "/" + to.substring(PLOTS_IN_RESULTS.length()));
        }

        private String siteTarget(String to) {
            if (to.startsWith("#") || to.startsWith("https://") || to.startsWith("http://")) {
                return to;
            }
            Matcher m = MARKDOWN_LINK.matcher(to);
            if (m.matches() && PAGES.containsKey(m.group(1))) {
                return PAGES.get(m.group(1)) + (m.group(2) == null ? "" : m.group(2));
            }
            throw new IllegalStateException(file + ": link to " + to + " has no page on the site;"
                    + " add it to BenchmarkPages.PAGES or link to the repository");
        }
    }
}
