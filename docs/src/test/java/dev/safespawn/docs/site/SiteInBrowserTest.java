package dev.safespawn.docs.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The built site, opened from disk in headless Chromium as a reader opens
 * {@code docs/target/site/index.html}: every page loads cleanly, every link
 * and anchor resolves, every link into the API reference lands on the type
 * it names, the search answers, the pages fit a phone, and screenshots are
 * left in {@code docs/target/screenshots} for a person to look at.
 */
class SiteInBrowserTest {
    private static final Dimension DESKTOP = new Dimension(1280, 900);
    /** A common phone's viewport in CSS pixels. */
    private static final Dimension PHONE = new Dimension(390, 844);

    private static Path site;
    private static Path screenshots;
    private static ChromeDriver browser;
    /** The ids (and a[name]s) of every page loaded so far, by file. */
    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    @BeforeAll
    static void openBrowser() throws IOException {
        site = Path.of(System.getProperty("safespawn.docs.site")).toAbsolutePath().normalize();
        screenshots = Path.of(System.getProperty("safespawn.docs.screenshots"));
        Files.createDirectories(screenshots);
        assertThat(site.resolve("index.html")).as("the site, built before the tests").isRegularFile();
        browser = Chromium.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void desktopSize() {
        browser.manage().window().setSize(DESKTOP);
    }

    @Test
    void everyPageLoadsWithoutAConsoleErrorOrAFailedRequest() throws IOException {
        List<Path> pages = sitePages();
        assertThat(pages).hasSizeGreaterThan(15);
        for (Path page : pages) {
            open(page);
            assertThat(browser.getTitle()).as("title of %s", page.getFileName()).isNotBlank();
            assertThat(browser.findElements(By.cssSelector("#site-nav a[aria-current=page]")))
                    .as("%s is marked in the site's contents", page.getFileName()).hasSize(1);
            assertThat(script("return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                    + ".map(i => i.src)")).as("images of %s that did not load", page.getFileName()).asList().isEmpty();
        }
        open(site.resolve("apidocs/index.html"));
    }

    @Test
    void everyLinkAndAnchorResolves() throws IOException {
        Map<String, String> broken = new LinkedHashMap<>();
        int checked = 0;
        for (Path page : sitePages()) {
            for (String href : linksOf(page)) {
                URI uri = URI.create(href);
                if (!"file".equals(uri.getScheme())) {
                    continue; // the web is not reachable from here; every asset is local (checked on load)
                }
                checked++;
                Path target = Path.of(uri.getPath());
                if (!Files.isRegularFile(target)) {
                    broken.put(page.getFileName() + " -> " + href, "no such file");
                } else if (uri.getRawFragment() != null && !uri.getRawFragment().isEmpty()) {
                    String anchor = URLDecoder.decode(uri.getRawFragment(), StandardCharsets.UTF_8);
                    if (!anchorsOf(target).contains(anchor)) {
                        broken.put(page.getFileName() + " -> " + href, "no element with id " + anchor);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(200);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyJavadocLinkLandsOnTheTypeItNames() throws IOException {
        Map<String, String> wrong = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Path page : sitePages()) {
            open(page);
            @SuppressWarnings("unchecked")
            List<List<String>> links = (List<List<String>>) script("return Array.from("
                    + "document.querySelectorAll('#content a.javadoc')).map(a => [a.href, a.textContent])");
            for (List<String> link : links) {
                if (seen.add(link.get(0))) {
                    String problem = javadocProblem(URI.create(link.get(0)), link.get(1));
                    if (problem != null) {
                        wrong.put(page.getFileName() + " -> " + link.get(0), problem);
                    }
                }
            }
        }
        assertThat(seen).hasSizeGreaterThan(50);
        assertThat(wrong).as("javadoc links that miss their type").isEmpty();
    }

    /** Why a link into the API reference misses, or null when it lands on the type (and member) it names. */
    private static String javadocProblem(URI link, String text) {
        Path file = Path.of(link.getPath());
        String type = file.getFileName().toString().replaceFirst("\\.html$", "");
        String pkg = site.resolve("apidocs").relativize(file.getParent()).toString().replace('/', '.');
        JavadocPage page = JAVADOC_PAGES.computeIfAbsent(file, SiteInBrowserTest::readJavadocPage);
        if (!page.heading().matches("(Class|Interface|Enum|Enum Class|Record|Record Class|Annotation Interface) "
                + java.util.regex.Pattern.quote(type) + "(<.*>)?")) {
            return "the page's heading is \"" + page.heading() + "\", not the type " + type;
        }
        if (!page.subTitle().contains("Package " + pkg)) {
            return "the page is not in package " + pkg + ": " + page.subTitle();
        }
        String simple = type.substring(type.lastIndexOf('.') + 1);
        String member = link.getFragment() == null ? null : link.getFragment().replaceFirst("\\(.*", "");
        if (!text.contains(simple) && (member == null || !text.contains(member))) {
            return "the link's text \"" + text + "\" names neither " + simple + " nor " + member;
        }
        if (link.getFragment() != null && !anchorsOf(file).contains(link.getFragment())) {
            return "no member " + link.getFragment();
        }
        return null;
    }

    /** What a javadoc page says it documents. */
    private record JavadocPage(String heading, String subTitle) {
    }

    private static final Map<Path, JavadocPage> JAVADOC_PAGES = new HashMap<>();

    private static JavadocPage readJavadocPage(Path file) {
        open(file);
        anchorsOfOpenPage(file);
        String subTitle = browser.findElements(By.cssSelector(".header .sub-title")).stream()
                .map(WebElement::getText).collect(Collectors.joining(" "));
        if (subTitle.isEmpty()) { // JDK 25's javadoc names the package only in the breadcrumb above the header
            subTitle = browser.findElements(By.cssSelector("ol.sub-nav-list > li:first-child")).stream()
                    .map(e -> "Package " + e.getText()).collect(Collectors.joining(" "));
        }
        return new JavadocPage(browser.findElement(By.cssSelector("h1")).getText().strip(), subTitle);
    }

    @Test
    void theSearchFindsTypesAndMethods() throws IOException {
        open(site.resolve("index.html"));
        assertThat(search("SpawnException")).anyMatch(r -> r.contains("Troubleshooting"));
        assertThat(search("passFd")).anyMatch(r -> r.contains("Descriptors and extra pipes"));
        assertThat(search("xyzzy-nowhere")).containsExactly("Nothing found for “xyzzy-nowhere”");

        search("passFd");
        WebElement first = browser.findElement(By.cssSelector("#site-search-results a"));
        String target = first.getAttribute("href");
        first.click();
        assertThat(browser.getCurrentUrl()).isEqualTo(target);
        assertThat(browser.findElement(By.id("content")).getText()).contains("passFd");
    }

    /** Types {@code text} into the search box and returns the results' texts (the search answers synchronously). */
    private static List<String> search(String text) {
        WebElement input = browser.findElement(By.id("site-search-input"));
        input.clear();
        input.sendKeys(text);
        return browser.findElements(By.cssSelector("#site-search-results li")).stream()
                .map(WebElement::getText).collect(Collectors.toList());
    }

    @Test
    void everyPageFitsAPhoneScreen() throws IOException {
        browser.manage().window().setSize(PHONE);
        List<String> tooWide = new ArrayList<>();
        for (Path page : sitePages()) {
            open(page);
            long overflow = ((Number) script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
            if (overflow > 0) {
                tooWide.add(page.getFileName() + " by " + overflow + " px");
            }
        }
        assertThat(tooWide).as("pages wider than a phone's screen").isEmpty();
        open(site.resolve("index.html"));
        saveScreenshot("home-phone.png");
    }

    @Test
    void screenshotsForAPerson() throws IOException {
        open(site.resolve("index.html"));
        saveScreenshot("home.png");
        browser.manage().window().setSize(new Dimension(1280, 1600));
        open(site.resolve("capture.html"));
        saveScreenshot("guide-capture.png");
        browser.findElement(By.id("site-theme")).click();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("data-theme")).isEqualTo("dark");
        saveScreenshot("guide-capture-dark.png");
        browser.findElement(By.id("site-theme")).click();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("data-theme")).isEqualTo("light");
    }

    /** Loads {@code page}; fails on a console error, a failed load, or a request that left the site. */
    private static void open(Path page) {
        // A missing file would show the browser's own error page, which logs nothing: check first.
        assertThat(page).as("a page of the site").isRegularFile();
        browser.get(page.toUri().toString());
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
        assertThat(errors).as("console errors and failed requests on %s", page).isEmpty();
        assertThat(script("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => !n.startsWith('file:'))")).as("requests of %s that left the site", page)
                .asList().isEmpty();
    }

    private static Set<String> anchorsOf(Path page) {
        Set<String> known = ANCHORS.get(page);
        if (known == null) {
            open(page);
            known = anchorsOfOpenPage(page);
        }
        return known;
    }

    /** The ids and a[name]s of the page just opened, remembered. */
    @SuppressWarnings("unchecked")
    private static Set<String> anchorsOfOpenPage(Path page) {
        Set<String> ids = new LinkedHashSet<>((List<String>) script(
                "return Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name'))"));
        ANCHORS.put(page, ids);
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static List<String> linksOf(Path page) {
        open(page);
        anchorsOfOpenPage(page);
        return (List<String>) script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)");
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void saveScreenshot(String name) throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The site's own pages (the API reference is javadoc's, and checked through the links into it). */
    private static List<Path> sitePages() throws IOException {
        try (Stream<Path> files = Files.list(site)) {
            return files.filter(p -> p.toString().endsWith(".html")).sorted().collect(Collectors.toList());
        }
    }
}
