package dev.safespawn.docs.site;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium driven by Selenium, from the {@code chromium} and
 * {@code chromedriver} on the {@code PATH} (Debian's {@code chromium} and
 * {@code chromium-driver} packages; {@code .ci/run} installs them). Nothing
 * is downloaded: both paths are given to Selenium, so its driver manager
 * never runs.
 *
 * <p>Without them the browser tests skip and say why, except in CI
 * ({@code CI=true}), where they fail: the site must be proved there.
 */
final class Chromium {
    private Chromium() {
    }

    /** Starts a headless browser, or skips (fails in CI) when there is none. */
    static ChromeDriver start() {
        Optional<Path> browser = onPath("chromium").or(() -> onPath("chromium-browser"));
        Optional<Path> driver = onPath("chromedriver");
        if (browser.isEmpty() || driver.isEmpty()) {
            String why = "the browser tests need chromium and chromedriver on the PATH"
                    + " (Debian: apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(why + "; CI=true, so they may not skip");
            }
            System.out.println("SKIPPED browser tests: " + why);
            Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--hide-scrollbars", "--lang=en");
        // The browser's console, errors and failed loads included, for the tests to read.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
