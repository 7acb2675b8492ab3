package io.orderkpi.server.dashboard;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A headless Debian chromium driven through Debian's chromedriver, never a downloaded driver. When
 * neither is installed the test fails with one line saying what to install: the browser tests are
 * part of the build, so they must not silently vanish.
 */
final class Browser implements AutoCloseable {

    static final String DRIVER_ENV = "ORDERKPI_TEST_CHROMEDRIVER";
    static final Path DEBIAN_DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path DEBIAN_CHROMIUM = Path.of("/usr/bin/chromium");
    static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser window of the given size in CSS pixels. */
    static Browser start(int width, int height) {
        return start(width, height, null);
    }

    /** The same, saving downloads in {@code downloads} when it is given. */
    static Browser start(int width, int height, Path downloads) {
        Path chromedriver = driverPath().orElseThrow(() -> new AssertionError("The dashboard's browser tests need"
                + " Debian's chromium and chromedriver: apt-get install -y chromium chromium-driver (or set "
                + DRIVER_ENV + " to a chromedriver)"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        if (Files.isExecutable(DEBIAN_CHROMIUM)) {
            options.setBinary(DEBIAN_CHROMIUM.toFile());
        }
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height, "--force-device-scale-factor=1", "--lang=en-US");
        // The page's console, so a test can see script errors and refused content (the CSP).
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        if (downloads != null) {
            options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false));
        }
        return new Browser(new ChromeDriver(service, options));
    }

    private static Optional<Path> driverPath() {
        String fromEnv = System.getenv(DRIVER_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv);
            if (!Files.isExecutable(path)) {
                throw new AssertionError(DRIVER_ENV + " names " + fromEnv + ", which is not an executable chromedriver");
            }
            return Optional.of(path);
        }
        return Files.isExecutable(DEBIAN_DRIVER) && Files.isExecutable(DEBIAN_CHROMIUM) ? Optional.of(DEBIAN_DRIVER)
                : Optional.empty();
    }

    /** Opens the dashboard of a server, refreshing every second, with an empty browser session. */
    void open(URI server) {
        driver.get(server.resolve("/?refresh=1").toString());
        script("sessionStorage.clear()");
        driver.navigate().refresh();
    }

    Object script(String code, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(code, args);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The element's text whether or not it is rendered (Selenium's getText is empty for hidden ones). */
    static String text(WebElement element) {
        return element.getAttribute("textContent").strip();
    }

    boolean displayed(String css) {
        List<WebElement> found = all(css);
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /**
     * Awaitility for the page: the panels are redrawn every second, so an element found a moment
     * ago may be gone; such a read is simply tried again.
     */
    static ConditionFactory waiting() {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .ignoreException(StaleElementReferenceException.class);
    }

    /** The text of every cell of the rows matching {@code css}, read in one go so no redraw can interleave. */
    @SuppressWarnings("unchecked")
    List<List<String>> cells(String css) {
        return (List<List<String>>) script("return [...document.querySelectorAll(arguments[0])].map("
                + "row => [...row.cells].map(c => c.textContent.trim()))", css);
    }

    /** The console's errors since the last call: script errors, refused content, failed loads. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Waits for a confirm dialog and accepts it. */
    void accept() {
        Alert alert = await().atMost(WAIT).ignoreException(NoAlertPresentException.class)
                .until(() -> driver.switchTo().alert(), a -> true);
        alert.accept();
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
