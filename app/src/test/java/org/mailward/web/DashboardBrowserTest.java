package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.reports.DashboardQueries;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless chromium driven through chromedriver by Selenium. Reports
 * are ingested through the store before the server starts; the test logs in with the keyboard, checks the
 * numbers on the overview, domain and advisor pages against the generator's model, sorting, filtering, htmx,
 * labels and focus basics, and leaves screenshots in target/screenshots.
 */
@Tag("interop")
class DashboardBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String PASSWORD = "browser test password";
    static final long DAY0 = 20_400;
    static final int DAYS = 8;

    @TempDir
    static Path dir;

    static Database db;
    static WebServer server;
    static WebDriver browser;
    static String base;
    static final Map<String, long[]> MODEL = new TreeMap<>(); // messages, pass
    static final Map<String, Map<String, long[]>> SOURCES = new TreeMap<>();
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "needs Debian's chromium and chromium-driver (.ci/packages.txt)");
        db = Database.openH2(dir.resolve("data"));
        Clock clock = Clock.fixed(Instant.ofEpochSecond((DAY0 + DAYS) * 86_400 + 60), ZoneOffset.UTC);
        ReportIngest ingest = new ReportIngest(new ReportRepository(db), clock, IngestLimits.defaults());
        ReportGenerator gen = new ReportGenerator(2026);
        for (String domain : List.of("example.org", "example.net", "example.com")) {
            for (int d = 0; d < DAYS; d++) {
                ReportGenerator.Aggregate a = gen.aggregate(ReportGenerator.Schema.RFC7489, domain, 4 + d, DAY0 + d, Set.of());
                ingest.ingest(domain + "-" + d + ".xml", ReportGenerator.utf8(ReportGenerator.xml(a)));
                long[] t = MODEL.computeIfAbsent(domain, k -> new long[2]);
                for (ReportGenerator.Row r : a.renderedRows()) {
                    t[0] += r.count();
                    long[] s = SOURCES.computeIfAbsent(domain, k -> new TreeMap<>()).computeIfAbsent(r.ip(), k -> new long[2]);
                    s[0] += r.count();
                    if (r.dmarcPass()) {
                        t[1] += r.count();
                        s[1] += r.count();
                    }
                }
            }
        }
        SecureRandom random = new SecureRandom();
        Credentials credentials = new Credentials(db, random, new PasswordHasher(random, 1_000));
        credentials.setPassword("admin", PASSWORD.toCharArray(), 0);
        server = new WebServer(new DashboardQueries(db), credentials, clock, random, false).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Every visible input and select has a label pointing at it. */
    static void assertLabelled() {
        List<String> missing = new ArrayList<>();
        for (WebElement e : browser.findElements(By.cssSelector("input:not([type=hidden]), select"))) {
            String id = e.getAttribute("id");
            if (id == null || id.isEmpty() || browser.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty()) {
                missing.add(e.getAttribute("outerHTML"));
            }
        }
        assertThat(missing).as("form controls without a label on " + browser.getCurrentUrl()).isEmpty();
    }

    /** Waits up to 15 s; an element replaced by an htmx swap while being read is simply read again. */
    static WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(15));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    @Test
    void loginOverviewDomainAndAdvisor() throws Exception {
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).contains("/login");
        assertThat(browser.getTitle()).contains("Log in");
        assertLabelled();
        shot("01-login");
        // keyboard only: the user name field has focus, type, tab to the password, Enter submits
        WebElement focused = browser.switchTo().activeElement();
        assertThat(focused.getAttribute("id")).isEqualTo("username");
        new Actions(browser).sendKeys("admin").sendKeys(Keys.TAB).sendKeys(PASSWORD).sendKeys(Keys.ENTER).perform();
        try {
            waiting().until(d -> d.getTitle().startsWith("Domains"));
        } catch (RuntimeException e) {
            Files.writeString(SHOTS.resolve("login-failure.html"), browser.getPageSource());
            throw new AssertionError("login did not reach the overview; at " + browser.getCurrentUrl(), e);
        }

        // overview numbers equal the model
        for (var e : MODEL.entrySet()) {
            WebElement row = browser.findElement(By.cssSelector("tr[data-domain='" + e.getKey() + "']"));
            assertThat(row.findElement(By.cssSelector("[data-field=messages]")).getText()).isEqualTo(Fmt.count(e.getValue()[0]));
            assertThat(row.findElement(By.cssSelector("[data-field=pass-rate]")).getText())
                    .isEqualTo(Fmt.percent(e.getValue()[1], e.getValue()[0]));
        }
        // scripts ran under the CSP: Chart.js and htmx loaded, sparklines drawn
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return typeof Chart + '/' + typeof htmx")).isEqualTo("function/object");
        assertThat((Long) js.executeScript("return document.querySelectorAll('canvas.spark').length")).isEqualTo(MODEL.size());
        assertThat(js.executeScript("return Chart.getChart(document.querySelector('canvas.spark')) != null")).isEqualTo(true);
        assertLabelled();

        // the first Tab from the top reaches the skip link
        js.executeScript("document.activeElement.blur(); window.scrollTo(0,0);");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");

        // sorting by Messages (a button in the header, so it is keyboard reachable) and filtering
        WebElement table = browser.findElement(By.id("domains"));
        WebElement sortMessages = table.findElement(By.xpath(".//thead//button[text()='Messages']"));
        sortMessages.click();
        List<Long> asc = table.findElements(By.cssSelector("tbody [data-field=messages]")).stream()
                .map(e -> Long.parseLong(e.getAttribute("data-value"))).toList();
        assertThat(asc).isSorted();
        sortMessages.sendKeys(Keys.ENTER);
        List<Long> desc = table.findElements(By.cssSelector("tbody [data-field=messages]")).stream()
                .map(e -> -Long.parseLong(e.getAttribute("data-value"))).toList();
        assertThat(desc).isSorted();
        browser.findElement(By.id("filter-domains")).sendKeys("example.net");
        assertThat(table.findElements(By.cssSelector("tbody tr")).stream().filter(WebElement::isDisplayed).count()).isEqualTo(1);
        shot("02-overview");

        // domain page
        String domain = "example.org";
        browser.findElement(By.id("filter-domains")).clear();
        browser.get(base + "/domains/" + domain);
        long[] t = MODEL.get(domain);
        assertThat(browser.findElement(By.id("messages")).getText()).isEqualTo(Fmt.count(t[0]));
        assertThat(browser.findElement(By.id("passing")).getText()).isEqualTo(Fmt.count(t[1]));
        assertThat(browser.findElement(By.id("failing")).getText()).isEqualTo(Fmt.count(t[0] - t[1]));
        for (var s : SOURCES.get(domain).entrySet()) {
            WebElement row = browser.findElement(By.cssSelector("tr[data-ip='" + s.getKey() + "']"));
            assertThat(row.findElements(By.cssSelector("td")).get(1).getText()).as(s.getKey()).isEqualTo(Fmt.count(s.getValue()[0]));
        }
        assertThat(js.executeScript("return Chart.getChart(document.getElementById('trend')).data.labels.length")).isEqualTo((long) DAYS);
        assertLabelled();
        shot("03-domain");

        // advisor: change the stage with the keyboard-operable form; htmx swaps the advice in place
        browser.findElement(By.linkText("Rollout advisor")).click();
        waiting().until(d -> d.getTitle().startsWith("Rollout advisor"));
        assertLabelled();
        long failing = t[0] - t[1];
        assertThat(browser.findElement(By.id("adv-failing")).getText()).isEqualTo(Fmt.count(failing));
        String urlBefore = browser.getCurrentUrl();
        new Select(browser.findElement(By.id("pct"))).selectByValue("50");
        browser.findElement(By.cssSelector("form.stage button")).click();
        String expected = Fmt.count(failing * 0.5);
        try {
            waiting().until(d -> d.findElement(By.id("adv-quarantined")).getText().equals(expected));
        } catch (RuntimeException e) {
            Files.writeString(SHOTS.resolve("advisor-failure.html"), browser.getPageSource());
            shot("advisor-failure");
            throw new AssertionError("advice not updated to " + expected + "; url " + browser.getCurrentUrl()
                    + "; logs " + browser.manage().logs().get("browser").getAll(), e);
        }
        assertThat(browser.getCurrentUrl()).as("htmx swapped the fragment without a page load").isEqualTo(urlBefore);
        shot("04-advisor");

        // a phone-sized viewport still shows the figures
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base + "/domains/" + domain);
        assertThat(browser.findElement(By.id("messages")).isDisplayed()).isTrue();
        shot("05-domain-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));

        // logging out (a POST with the CSRF field) ends the session
        browser.findElement(By.cssSelector("form.logout button")).click();
        waiting().until(d -> d.getCurrentUrl().contains("/login"));
        browser.get(base + "/domains/" + domain);
        assertThat(browser.getCurrentUrl()).contains("/login");
    }
}
