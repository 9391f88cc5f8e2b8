package io.tuneledger.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in headless Chromium (Debian's {@code chromium} and {@code chromedriver}, which {@code .ci/run}
 * installs), signed in with HTTP Basic as one of the dev users: the Authorization header is set on every request
 * the browser makes, as its own sign-in dialog would. Screenshots go to {@code target/screenshots/console/}.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of(System.getProperty("tuneledger.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("tuneledger.chromedriver",
            "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "console");

    private final ChromeDriver driver;
    private final String baseUrl;

    private ConsoleBrowser(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /** Why the browser tests cannot run on this machine, or null when Chromium and its driver are there. */
    static String missing() {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                return binary + " is missing: the browser tests need Debian's chromium and chromium-driver"
                        + " (apt-get install chromium chromium-driver; .ci/run installs them)";
            }
        }
        return null;
    }

    static ConsoleBrowser open(String baseUrl) {
        String missing = missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,1000", "--lang=en-GB");
        // The server's development certificate is self-signed; the tests' other clients check it against
        // target/dev-tls (its trust store), the browser is only told to accept it.
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new ConsoleBrowser(driver, baseUrl);
    }

    /** Signs in as {@code authorization} (an HTTP Basic header value) and opens the console at {@code fragment}. */
    ConsoleBrowser signIn(String authorization, String fragment) {
        try {
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                    Map.of("headers", Map.of("Authorization", authorization)));
            driver.get(baseUrl + "/#" + fragment);
            await(d -> !d.findElement(By.id("who")).getText().isEmpty());
            return this;
        } catch (RuntimeException e) {
            // Called in a try-with-resources header: nobody else would close the browser.
            driver.quit();
            throw e;
        }
    }

    /** Opens a URL of the server (a report, say) in this window. */
    void visit(String url) {
        driver.get(url);
    }

    /** Opens a page of the console (a fragment such as {@code /jobs}) and waits until it has loaded. */
    void go(String fragment) {
        driver.get(baseUrl + "/#" + fragment);
        await(d -> !text(By.id("view")).startsWith("Loading"));
    }

    <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(30), condition);
    }

    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        // The console redraws a running execution's page every 2 s: an element found just before may be gone.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    WebElement find(By by) {
        return await(d -> d.findElement(by));
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    String text(By by) {
        return driver.findElement(by).getText();
    }

    String fragment() {
        String url = driver.getCurrentUrl();
        int hash = url.indexOf('#');
        return hash < 0 ? "" : url.substring(hash + 1);
    }

    /** Replaces the value of an input. */
    void type(WebElement input, String value) {
        input.clear();
        input.sendKeys(value);
    }

    Object script(String javaScript, Object... args) {
        return driver.executeScript(javaScript, args);
    }

    /** Runs asynchronous JavaScript that ends by calling {@code arguments[arguments.length - 1]}. */
    Object asyncScript(String javaScript, Object... args) {
        return driver.executeAsyncScript(javaScript, args);
    }

    WebDriver driver() {
        return driver;
    }

    /** Saves a PNG of the window as {@code target/screenshots/console/NAME.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the steps of a test; when one fails, the window is saved as {@code failed-NAME.png} first. */
    void run(String name, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Exception | AssertionError e) {
            try {
                screenshot("failed-" + name);
            } catch (RuntimeException lost) {
                e.addSuppressed(lost);
            }
            throw e;
        }
    }

    /** Test steps that may throw. */
    interface Steps {
        void run() throws Exception;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
