package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
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
 * The report upload endpoints over real HTTP on 127.0.0.1: the anonymous TLS-RPT POST (RFC 8460 5.2/5.3) guarded
 * only by its path secret, and the token-protected {@code POST /api/v1/reports}.
 */
class WebServerUploadTest {

    static final long DAY0 = 20_400;
    static final long MAX = 64 * 1024;

    @TempDir
    static Path dir;

    static Database db;
    static WebServer server;
    static String base;
    static String secret;
    static String token;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ReportGenerator GEN = new ReportGenerator(11);

    @BeforeAll
    static void start() throws Exception {
        db = Database.openH2(dir);
        Clock clock = Clock.fixed(Instant.ofEpochSecond((DAY0 + 3) * 86_400), ZoneOffset.UTC);
        SecureRandom random = new SecureRandom();
        Credentials credentials = new Credentials(db, random, new PasswordHasher(random, 1_000));
        token = credentials.createToken("uploader", 0);
        secret = TlsRptSecret.ensure(db, random);
        ReportIngest ingest = new ReportIngest(new ReportRepository(db), clock, IngestLimits.defaults());
        server = new WebServer(new DashboardQueries(db), credentials, clock, random, false,
                Optional.of(new WebServer.Uploads(ingest, Optional.of(secret), MAX))).start("127.0.0.1", 0);
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

    static HttpResponse<String> post(String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theSecretIsKeptInTheStore() throws Exception {
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(TlsRptSecret.ensure(db, new SecureRandom())).isEqualTo(secret);
    }

    @Test
    void tlsReportByJsonAndGzipIsStoredOnceWithoutLogin() throws Exception {
        byte[] json = ReportGenerator.utf8(ReportGenerator.json(GEN.tls("upload-json.example", 2, DAY0)));
        long before = count("SELECT COUNT(*) FROM raw_report");
        HttpResponse<String> r = post("/tlsrpt/" + secret, "application/tlsrpt+json", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("stored");
        assertThat(count("SELECT COUNT(*) FROM raw_report")).isEqualTo(before + 1);
        assertThat(post("/tlsrpt/" + secret, "application/tlsrpt+json; charset=utf-8", json).statusCode()).isEqualTo(200); // duplicate

        byte[] gz = ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.json(GEN.tls("upload-gz.example", 1, DAY0))));
        HttpResponse<String> g = post("/tlsrpt/" + secret, "application/tlsrpt+gzip", gz);
        assertThat(g.statusCode()).as(g.body()).isEqualTo(201);
        assertThat(g.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void unparseableIsA400AndKeptRawAsFailed() throws Exception {
        long failedBefore = count("SELECT COUNT(*) FROM raw_report WHERE status = 'failed'");
        HttpResponse<String> r = post("/tlsrpt/" + secret, "application/tlsrpt+json", "{\"organization-name\": ".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("not stored as a report (kept raw, id ");
        assertThat(count("SELECT COUNT(*) FROM raw_report WHERE status = 'failed'")).isEqualTo(failedBefore + 1);
    }

    @Test
    void wrongSecretTypeOrSizeIsRefusedBeforeAnythingIsStored() throws Exception {
        byte[] json = ReportGenerator.utf8(ReportGenerator.json(GEN.tls("refused.example", 1, DAY0)));
        long before = count("SELECT COUNT(*) FROM raw_report");
        assertThat(post("/tlsrpt/" + secret + "x", "application/tlsrpt+json", json).statusCode()).isEqualTo(404);
        assertThat(post("/tlsrpt/", "application/tlsrpt+json", json).statusCode()).isIn(404, 401, 303);
        assertThat(post("/tlsrpt/" + secret, "application/json", json).statusCode()).isEqualTo(415);
        assertThat(post("/tlsrpt/" + secret, null, json).statusCode()).isEqualTo(415);
        byte[] big = new byte[(int) MAX + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        assertThat(post("/tlsrpt/" + secret, "application/tlsrpt+json", big).statusCode()).isEqualTo(413);
        assertThat(post("/tlsrpt/" + secret, "application/tlsrpt+json", new byte[0]).statusCode()).isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM raw_report")).isEqualTo(before);
    }

    @Test
    void everythingElseStillNeedsLogin() throws Exception {
        // a GET on the TLS-RPT path is no exception to the login rule, and the upload API needs a token
        HttpResponse<String> g = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/tlsrpt/" + secret)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(g.statusCode()).isEqualTo(303);
        byte[] xml = ReportGenerator.utf8(ReportGenerator.xml(GEN.aggregate(ReportGenerator.Schema.RFC7489, "api.example", 2, DAY0, java.util.Set.of())));
        assertThat(post("/api/v1/reports", "application/xml", xml).statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/reports", "application/xml", xml, "Authorization", "Bearer mwt_wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void apiUploadWithTokenTakesXmlGzipZipAndJson() throws Exception {
        ObjectMapper m = new ObjectMapper();
        byte[] xml = ReportGenerator.utf8(ReportGenerator.xml(GEN.aggregate(ReportGenerator.Schema.RFC7489, "api-xml.example", 3, DAY0, java.util.Set.of())));
        HttpResponse<String> r = post("/api/v1/reports?name=report.xml", "application/xml", xml, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode j = m.readTree(r.body());
        assertThat(j.get("results").get(0).get("status").asText()).isEqualTo("stored");
        assertThat(j.get("results").get(0).get("kind").asText()).isEqualTo("dmarc-aggregate");
        assertThat(j.get("results").get(0).get("domain").asText()).isEqualTo("api-xml.example");
        assertThat(post("/api/v1/reports", "application/xml", xml, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

        byte[] gz = ReportGenerator.gzip(ReportGenerator.utf8(ReportGenerator.xml(GEN.aggregate(ReportGenerator.Schema.DMARC_2_0, "api-gz.example", 2, DAY0, java.util.Set.of()))));
        assertThat(post("/api/v1/reports", "application/gzip", gz, "Authorization", "Bearer " + token).statusCode()).isEqualTo(201);
        byte[] zip = ReportGenerator.zip(java.util.Map.of("r.xml", ReportGenerator.utf8(ReportGenerator.xml(
                GEN.aggregate(ReportGenerator.Schema.RFC7489, "api-zip.example", 2, DAY0, java.util.Set.of())))));
        assertThat(post("/api/v1/reports", "application/zip", zip, "Authorization", "Bearer " + token).statusCode()).isEqualTo(201);
        byte[] json = ReportGenerator.utf8(ReportGenerator.json(GEN.tls("api-json.example", 1, DAY0)));
        HttpResponse<String> t = post("/api/v1/reports", "application/json", json, "Authorization", "Bearer " + token);
        assertThat(t.statusCode()).isEqualTo(201);
        assertThat(m.readTree(t.body()).get("results").get(0).get("kind").asText()).isEqualTo("tlsrpt");

        assertThat(post("/api/v1/reports", "text/html", xml, "Authorization", "Bearer " + token).statusCode()).isEqualTo(415);
        HttpResponse<String> bad = post("/api/v1/reports", "application/xml", "<feedback>".getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(m.readTree(bad.body()).get("results").get(0).get("error").asText()).isNotEmpty();
    }

    /** Property: random bodies with a right secret and type never produce a 5xx, and each is stored raw exactly once. */
    @Test
    void randomBodiesNeverBreakTheEndpoint() throws Exception {
        Random rnd = new Random(8460);
        byte[] good = ReportGenerator.utf8(ReportGenerator.json(GEN.tls("fuzz.example", 1, DAY0)));
        for (int i = 0; i < 40; i++) {
            byte[] b;
            switch (i % 3) {
                case 0 -> {
                    b = good.clone();
                    for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 1 -> b = java.util.Arrays.copyOf(good, 1 + rnd.nextInt(good.length - 1));
                default -> {
                    b = new byte[1 + rnd.nextInt(2000)];
                    rnd.nextBytes(b);
                }
            }
            long before = count("SELECT COUNT(*) FROM raw_report");
            HttpResponse<String> r = post("/tlsrpt/" + secret, i % 2 == 0 ? "application/tlsrpt+json" : "application/tlsrpt+gzip", b);
            assertThat(r.statusCode()).as("case %d: %s", i, r.body()).isIn(200, 201, 400);
            assertThat(count("SELECT COUNT(*) FROM raw_report")).isEqualTo(before + 1);
        }
    }
}
