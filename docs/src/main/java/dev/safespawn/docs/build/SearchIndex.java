package dev.safespawn.docs.build;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;

/**
 * Builds the site's search index from the rendered pages: one entry per
 * section (page title, section title, link, text), and lunr's index of
 * them, made here by lunr itself (run in Rhino, with the site's own
 * {@code assets/search-config.js}), so the browser only loads it. Both are
 * written as a script, {@code assets/search-index.js}, that the pages load:
 * a script rather than a JSON file because a page opened from disk
 * ({@code file:}) may load scripts but not fetch files.
 */
final class SearchIndex {
    /** The file the pages load, relative to the site's root. */
    static final String INDEX = "assets/search-index.js";
    /** lunr, as the site serves it, relative to the site's root. */
    static final String LUNR = "assets/lunr/lunr.min.js";
    /** How the index is made and queried, shared with the browser's search. */
    static final String CONFIG = "assets/search-config.js";
    /** What the script defines: the entries and the index, for {@code assets/site.js}. */
    static final String GLOBAL = "SAFESPAWN_SEARCH";
    /** Elements whose text is indexed (an element inside another of these is part of it). */
    private static final Set<String> TEXT_BLOCKS = Set.of("p", "li", "td", "th", "pre", "dt", "dd", "caption");
    private static final Set<String> HEADINGS = Set.of("h2", "h3", "h4");

    private SearchIndex() {
    }

    /** One searchable section. Field names are short: the index ships with every page. */
    record Entry(String page, String section, String url, String text) {
    }

    /**
     * Indexes every page at the site's root (the API reference has a search of its own).
     *
     * @param site the site's directory
     * @throws IOException if a page cannot be read or the index written
     */
    static void write(Path site) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(site)) {
            for (Path page : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".html")).sorted()::iterator) {
                entries.addAll(entries(Jsoup.parse(page.toFile(), "UTF-8"), page.getFileName().toString()));
            }
        }
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        String entriesJson = gson.toJson(entries);
        String index = lunrIndex(site, entriesJson);
        Files.writeString(site.resolve(INDEX), "window." + GLOBAL + " = {\"entries\": " + entriesJson
                + ", \"index\": " + index + "};\n", StandardCharsets.UTF_8);
    }

    /**
     * lunr's serialized index of {@code entriesJson}, made by the site's own
     * lunr and {@code search-config.js} in Rhino: the browser then loads it
     * instead of indexing every section on the first search.
     */
    static String lunrIndex(Path site, String entriesJson) throws IOException {
        String lunr = Files.readString(site.resolve(LUNR), StandardCharsets.UTF_8);
        String config = Files.readString(site.resolve(CONFIG), StandardCharsets.UTF_8);
        try (Context cx = Context.enter()) {
            cx.setLanguageVersion(Context.VERSION_ES6);
            cx.setInterpretedMode(true); // lunr is one large script: no bytecode size limit to meet
            Scriptable scope = cx.initStandardObjects();
            cx.evaluateString(scope, lunr, LUNR, 1, null);
            cx.evaluateString(scope, config, CONFIG, 1, null);
            ScriptableObject.putProperty(scope, "entriesJson", entriesJson);
            Object json = cx.evaluateString(scope,
                    "JSON.stringify(SAFESPAWN_SEARCH_CONFIG.build(JSON.parse(entriesJson)))", "build", 1, null);
            return Context.toString(json);
        }
    }

    /** The sections of one page: its preamble, then one entry per heading with an id. */
    static List<Entry> entries(Document page, String file) {
        Element h1 = page.selectFirst("h1");
        String title = h1 == null ? page.title() : h1.text();
        List<Entry> out = new ArrayList<>();
        String section = title;
        String url = file;
        StringBuilder text = new StringBuilder();
        Element content = page.selectFirst("#content");
        if (content == null) {
            return out;
        }
        for (Element e : content.getAllElements()) {
            if (HEADINGS.contains(e.tagName()) && !e.id().isEmpty()) {
                add(out, title, section, url, text);
                section = e.text();
                url = file + "#" + e.id();
                text.setLength(0);
            } else if (TEXT_BLOCKS.contains(e.tagName()) && !insideTextBlock(e)) {
                text.append(e.text()).append(' ');
            }
        }
        add(out, title, section, url, text);
        return out;
    }

    private static boolean insideTextBlock(Element e) {
        for (Element p = e.parent(); p != null; p = p.parent()) {
            if (TEXT_BLOCKS.contains(p.tagName())) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<Entry> out, String page, String section, String url, StringBuilder text) {
        String body = text.toString().strip();
        if (!body.isEmpty() || !section.equals(page)) {
            out.add(new Entry(page, section, url, body));
        }
    }
}
