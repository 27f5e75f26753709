package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.reports.DashboardQueries;
import org.mailward.reports.IngestLimits;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.ReportRepository;
import org.mailward.store.Database;
import org.mailward.testing.ReportGenerator;

/**
 * The dashboard over real HTTP (JDK HttpClient against 127.0.0.1:free port): authentication, CSRF, tokens,
 * security headers, and that the numbers on pages and API equal the generator's model of the ingested reports.
 */
class WebServerTest {

    static final String PASSWORD = "correct horse battery staple";
    static final long DAY0 = 20_400; // the first report day (epoch days)
    static final int DAYS = 10;

    @TempDir
    static Path dir;

    static Database db;
    static WebServer server;
    static String token;
    static String base;
    static final Map<String, long[]> DOMAIN = new TreeMap<>(); // messages, pass, reports
    static final Map<String, Map<String, long[]>> SOURCES = new TreeMap<>(); // messages, pass, spf, dkim
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static int rawReports;

    @BeforeAll
    static void start() throws Exception {
        db = Database.openH2(dir);
        Clock clock = Clock.fixed(Instant.ofEpochSecond((DAY0 + DAYS) * 86_400 + 3600), ZoneOffset.UTC);
        ReportIngest ingest = new ReportIngest(new ReportRepository(db), clock, IngestLimits.defaults());
        ReportGenerator gen = new ReportGenerator(7);
        for (String domain : List.of("example.org", "example.net")) {
            for (int d = 0; d < DAYS; d++) {
                ReportGenerator.Aggregate a = gen.aggregate(d % 2 == 0 ? ReportGenerator.Schema.RFC7489
                        : ReportGenerator.Schema.DMARC_2_0, domain, 3 + d, DAY0 + d, Set.of());
                ingest.ingest("gen-" + domain + "-" + d + ".xml", ReportGenerator.utf8(ReportGenerator.xml(a)));
                rawReports++;
                long[] t = DOMAIN.computeIfAbsent(domain, k -> new long[3]);
                t[2]++;
                for (ReportGenerator.Row r : a.renderedRows()) {
                    t[0] += r.count();
                    long[] s = SOURCES.computeIfAbsent(domain, k -> new TreeMap<>()).computeIfAbsent(r.ip(), k -> new long[4]);
                    s[0] += r.count();
                    if (r.dmarcPass()) {
                        t[1] += r.count();
                        s[1] += r.count();
                    }
                    if (r.spf().equals("pass")) {
                        s[2] += r.count();
                    }
                    if (r.dkim().equals("pass")) {
                        s[3] += r.count();
                    }
                }
            }
        }
        SecureRandom random = new SecureRandom();
        // a cheap KDF for the test users (the production iteration count is checked in PasswordHasherTest)
        Credentials credentials = new Credentials(db, random, new PasswordHasher(random, 1_000));
        credentials.setPassword("admin", PASSWORD.toCharArray(), 0);
        token = credentials.createToken("test", 0);
        server = new WebServer(new DashboardQueries(db), credentials, clock, random, false).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String cookie(HttpResponse<?> r, String name) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';'));
            }
        }
        throw new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie"));
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as("hidden field " + name).isTrue();
        return m.group(1);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Logs in; returns the session cookie value. */
    static String login() throws Exception {
        HttpResponse<String> page = get("/login");
        String pre = cookie(page, WebServer.LOGIN_COOKIE);
        String csrf = hidden(page.body(), "_csrf");
        HttpResponse<String> r = post("/login", "_csrf=" + enc(csrf) + "&username=admin&password=" + enc(PASSWORD) + "&next=%2F",
                "Cookie", WebServer.LOGIN_COOKIE + "=" + pre);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/");
        String session = cookie(r, WebServer.SESSION_COOKIE);
        assertThat(r.headers().allValues("Set-Cookie").toString()).contains("HttpOnly").contains("SameSite=Strict");
        return session;
    }

    static String sessionCookie(String s) {
        return WebServer.SESSION_COOKIE + "=" + s;
    }

    @Test
    void pagesWithoutASessionRedirectToLogin() throws Exception {
        for (String p : List.of("/", "/domains/example.org", "/domains/example.org/advisor", "/domains/example.org/fix",
                "/tls", "/raw", "/raw/1", "/errors")) {
            HttpResponse<String> r = get(p);
            assertThat(r.statusCode()).as(p).isEqualTo(303);
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(p).startsWith("/login?next=");
            assertThat(r.body()).doesNotContain("example.org");
        }
    }

    @Test
    void apiWithoutCredentialsIs401() throws Exception {
        for (String p : List.of("/api/v1/overview", "/api/v1/domains/example.org", "/api/v1/domains/example.org/advice",
                "/api/v1/tls", "/api/v1/raw", "/api/v1/raw/1", "/api/v1/ingest-errors")) {
            assertThat(get(p).statusCode()).as(p).isEqualTo(401);
            assertThat(get(p, "Authorization", "Bearer mwt_wrong").statusCode()).as(p).isEqualTo(401);
            assertThat(get(p, "Cookie", sessionCookie("forged")).statusCode()).as(p).isEqualTo(401);
        }
    }

    @Test
    void bearerTokenOpensTheApiButNotThePages() throws Exception {
        HttpResponse<String> r = get("/api/v1/overview", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(get("/", "Authorization", "Bearer " + token).statusCode()).isEqualTo(303);
    }

    @Test
    void securityHeadersOnEveryResponse() throws Exception {
        String session = login();
        for (HttpResponse<String> r : List.of(get("/login"), get("/"), get("/", "Cookie", sessionCookie(session)),
                get("/api/v1/overview"), get("/static/app.js"))) {
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("frame-ancestors 'none'").contains("script-src 'self'").doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        }
    }

    @Test
    void wrongPasswordAndMissingCsrfAreRefused() throws Exception {
        HttpResponse<String> page = get("/login");
        String pre = cookie(page, WebServer.LOGIN_COOKIE);
        String csrf = hidden(page.body(), "_csrf");
        HttpResponse<String> wrong = post("/login", "_csrf=" + enc(csrf) + "&username=admin&password=nope",
                "Cookie", WebServer.LOGIN_COOKIE + "=" + pre);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("Set-Cookie").toString()).doesNotContain(WebServer.SESSION_COOKIE);
        HttpResponse<String> noCsrf = post("/login", "username=admin&password=" + enc(PASSWORD),
                "Cookie", WebServer.LOGIN_COOKIE + "=" + pre);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        HttpResponse<String> otherCsrf = post("/login", "_csrf=abc&username=admin&password=" + enc(PASSWORD),
                "Cookie", WebServer.LOGIN_COOKIE + "=" + pre);
        assertThat(otherCsrf.statusCode()).isEqualTo(403);
        HttpResponse<String> unknownUser = post("/login", "_csrf=" + enc(csrf) + "&username=root&password=" + enc(PASSWORD),
                "Cookie", WebServer.LOGIN_COOKIE + "=" + pre);
        assertThat(unknownUser.statusCode()).isEqualTo(401);
    }

    @Test
    void stateChangingRequestsNeedTheSessionsCsrfToken() throws Exception {
        String session = login();
        String page = get("/", "Cookie", sessionCookie(session)).body();
        String csrf = hidden(page, "_csrf");
        // logout without, and with a wrong token: refused, session still valid
        assertThat(post("/logout", "", "Cookie", sessionCookie(session)).statusCode()).isEqualTo(403);
        assertThat(post("/logout", "_csrf=x" + csrf, "Cookie", sessionCookie(session)).statusCode()).isEqualTo(403);
        assertThat(get("/", "Cookie", sessionCookie(session)).statusCode()).isEqualTo(200);
        // another session's token does not work either
        String other = login();
        String otherCsrf = hidden(get("/", "Cookie", sessionCookie(other)).body(), "_csrf");
        assertThat(post("/logout", "_csrf=" + enc(otherCsrf), "Cookie", sessionCookie(session)).statusCode()).isEqualTo(403);
        // the header form works as well as the field
        HttpResponse<String> out = post("/logout", "", "Cookie", sessionCookie(session), "X-CSRF-Token", csrf);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(get("/", "Cookie", sessionCookie(session)).statusCode()).isEqualTo(303);
        assertThat(post("/logout", "_csrf=" + enc(otherCsrf), "Cookie", sessionCookie(other)).statusCode()).isEqualTo(303);
    }

    @Test
    void loginRedirectsOnlyToLocalPaths() throws Exception {
        HttpResponse<String> page = get("/login?next=" + enc("//evil.example/"));
        assertThat(hidden(page.body(), "next")).isEqualTo("/");
    }

    @Test
    void overviewApiMatchesTheModel() throws Exception {
        JsonNode o = JSON.readTree(get("/api/v1/overview", "Authorization", "Bearer " + token).body());
        Map<String, long[]> seen = new TreeMap<>();
        for (JsonNode d : o.get("domains")) {
            seen.put(d.get("domain").asText(), new long[] {d.get("messages").asLong(), d.get("dmarcPass").asLong(),
                    d.get("reports").asLong()});
            assertThat(d.get("trend")).hasSize(DAYS);
        }
        assertThat(seen.keySet()).isEqualTo(DOMAIN.keySet());
        DOMAIN.forEach((k, v) -> assertThat(seen.get(k)).as(k).containsExactly(v));
    }

    @Test
    void domainApiMatchesTheModelPerSource() throws Exception {
        for (String domain : DOMAIN.keySet()) {
            JsonNode d = JSON.readTree(get("/api/v1/domains/" + domain, "Authorization", "Bearer " + token).body());
            assertThat(d.get("messages").asLong()).isEqualTo(DOMAIN.get(domain)[0]);
            assertThat(d.get("dmarcPass").asLong()).isEqualTo(DOMAIN.get(domain)[1]);
            assertThat(d.get("reportDays").asInt()).isEqualTo(DAYS);
            Map<String, long[]> seen = new TreeMap<>();
            for (JsonNode s : d.get("sources")) {
                seen.put(s.get("ip").asText(), new long[] {s.get("messages").asLong(), s.get("dmarcPass").asLong(),
                        s.get("spfAligned").asLong(), s.get("dkimAligned").asLong()});
                assertThat(s.get("reporters")).isNotEmpty();
            }
            Map<String, long[]> expected = SOURCES.get(domain);
            assertThat(seen.keySet()).isEqualTo(expected.keySet());
            expected.forEach((ip, v) -> assertThat(seen.get(ip)).as(ip).containsExactly(v));
        }
    }

    @Test
    void pagesShowTheModelsNumbers() throws Exception {
        String session = login();
        String overview = get("/", "Cookie", sessionCookie(session)).body();
        for (var e : DOMAIN.entrySet()) {
            String row = overview.substring(overview.indexOf("data-domain=\"" + e.getKey() + "\""));
            row = row.substring(0, row.indexOf("</tr>"));
            assertThat(row).contains(">" + Fmt.count(e.getValue()[0]) + "<");
            assertThat(row).contains(">" + Fmt.percent(e.getValue()[1], e.getValue()[0]) + "<");
        }
        for (String domain : DOMAIN.keySet()) {
            String page = get("/domains/" + domain, "Cookie", sessionCookie(session)).body();
            long[] t = DOMAIN.get(domain);
            assertThat(page).contains("id=\"messages\">" + Fmt.count(t[0]) + "<");
            assertThat(page).contains("id=\"passing\">" + Fmt.count(t[1]) + "<");
            assertThat(page).contains("id=\"failing\">" + Fmt.count(t[0] - t[1]) + "<");
            for (var s : SOURCES.get(domain).entrySet()) {
                String row = page.substring(page.indexOf("data-ip=\"" + s.getKey() + "\""));
                row = row.substring(0, row.indexOf("</tr>"));
                assertThat(row).as(s.getKey()).contains("data-value=\"" + s.getValue()[0] + "\"")
                        .contains("data-value=\"" + (s.getValue()[0] - s.getValue()[1]) + "\"");
            }
        }
    }

    @Test
    void theDomainPageListsTheBusiestSourcesAndLinksToAll() throws Exception {
        String session = login();
        String domain = SOURCES.entrySet().stream().filter(e -> e.getValue().size() > 1).findFirst().orElseThrow().getKey();
        var sources = SOURCES.get(domain).entrySet().stream()
                .sorted((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey()))
                .toList();
        String one = get("/domains/" + domain + "?sources=1", "Cookie", sessionCookie(session)).body();
        assertThat(one.split("data-ip=\"", -1)).hasSize(2);
        assertThat(one).contains("data-ip=\"" + sources.get(0).getKey() + "\"")
                .contains("id=\"sources-more\"").contains("sources=all");
        String all = get("/domains/" + domain + "?sources=all", "Cookie", sessionCookie(session)).body();
        assertThat(all.split("data-ip=\"", -1)).hasSize(sources.size() + 1);
        assertThat(all).doesNotContain("id=\"sources-more\"");
        assertThat(get("/domains/" + domain + "?sources=0", "Cookie", sessionCookie(session)).statusCode()).isEqualTo(400);
        assertThat(get("/domains/" + domain + "?sources=x", "Cookie", sessionCookie(session)).statusCode()).isEqualTo(400);
    }

    @Test
    void adviceMatchesTheModel() throws Exception {
        for (String domain : DOMAIN.keySet()) {
            long[] t = DOMAIN.get(domain);
            JsonNode a = JSON.readTree(get("/api/v1/domains/" + domain + "/advice?policy=quarantine&pct=25",
                    "Authorization", "Bearer " + token).body());
            assertThat(a.get("messages").asLong()).isEqualTo(t[0]);
            assertThat(a.get("failing").asLong()).isEqualTo(t[0] - t[1]);
            assertThat(a.get("expectedQuarantined").asDouble()).isCloseTo((t[0] - t[1]) * 0.25, within(1e-6));
            assertThat(a.get("target").get("pct").asInt()).isEqualTo(25);
            long failingSources = SOURCES.get(domain).values().stream().filter(v -> v[0] > v[1]).count();
            assertThat(a.get("sources")).hasSize((int) failingSources);
            // the page and its htmx fragment show the same verdict
            String session = login();
            String page = get("/domains/" + domain + "/advisor?policy=quarantine&pct=25", "Cookie", sessionCookie(session)).body();
            String fragment = get("/domains/" + domain + "/advisor?policy=quarantine&pct=25", "Cookie", sessionCookie(session),
                    "HX-Request", "true").body();
            assertThat(fragment).startsWith("<section id=\"advice\"").doesNotContain("<html");
            assertThat(page).contains("id=\"adv-failing\">" + Fmt.count(t[0] - t[1]) + "<");
            assertThat(fragment).contains("id=\"adv-failing\">" + Fmt.count(t[0] - t[1]) + "<");
        }
    }

    @Test
    void rawReportsAreListedAndDownloadedAsOpaqueBytes() throws Exception {
        JsonNode raw = JSON.readTree(get("/api/v1/raw", "Authorization", "Bearer " + token).body()).get("reports");
        assertThat(raw).hasSize(rawReports);
        long id = raw.get(0).get("id").asLong();
        HttpResponse<String> r = get("/api/v1/raw/" + id, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/octet-stream");
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(r.body()).contains("<feedback");
        assertThat(get("/api/v1/raw/999999", "Authorization", "Bearer " + token).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/raw/x", "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
    }

    @Test
    void unknownDomainIs404AndBadParametersAre400() throws Exception {
        assertThat(get("/api/v1/domains/unknown.example", "Authorization", "Bearer " + token).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/overview?days=0", "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/domains/example.org/advice?policy=block", "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
        List<String> fine = new ArrayList<>();
        for (String p : List.of("/api/v1/tls", "/api/v1/ingest-errors")) {
            if (get(p, "Authorization", "Bearer " + token).statusCode() == 200) {
                fine.add(p);
            }
        }
        assertThat(fine).hasSize(2);
    }
}
