package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.testing.ReportGenerator;
import org.mailward.web.WebServer;

/**
 * {@code serve}'s dashboard (issue 7: "served by mailward serve"): on the gateway's own database, the URL and the
 * first-run admin password printed once, the TLS-RPT POST endpoint storing into that database.
 */
class ServeCommandTest {

    @TempDir
    Path dir;

    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    GatewayConfig config(String dashboard) {
        ConfigReader.Result r = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                doctor: { enabled: false }
                """ + dashboard, dir);
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow();
    }

    @Test
    void dashboardRunsOnTheGatewaysDatabase() throws Exception {
        GatewayConfig c = config("dashboard: { address: 127.0.0.1, port: 0 }\n");
        StringWriter out = new StringWriter();
        String secret;
        Gateway g = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText(""), Clock.systemUTC(), SSLContext.getDefault(), List.of());
        try {
            Optional<WebServer> web = ServeCommand.dashboard(c, g, Clock.systemUTC(), new PrintWriter(out, true));
            assertThat(web).isPresent();
            try (WebServer w = web.get()) {
                String text = out.toString();
                assertThat(text).contains("mailward: dashboard http://127.0.0.1:" + w.port() + "/");
                assertThat(text).containsPattern("first run: created dashboard user 'admin' with password \\S{16,}");
                Matcher m = Pattern.compile("rua=https://<public name>/tlsrpt/([A-Za-z0-9_-]+)").matcher(text);
                assertThat(m.find()).isTrue();
                secret = m.group(1);
                String base = "http://127.0.0.1:" + w.port();
                assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(303); // login required
                byte[] report = ReportGenerator.utf8(ReportGenerator.json(new ReportGenerator(3).tls("serve.example", 1, 20_400)));
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/tlsrpt/" + secret))
                        .header("Content-Type", "application/tlsrpt+json").POST(HttpRequest.BodyPublishers.ofByteArray(report)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            }
            try (Connection conn = g.database().orElseThrow().connection(); Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tlsrpt_report")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        } finally {
            g.close(Duration.ofSeconds(2));
        }
        // a restart: no new password, the same TLS-RPT URI
        StringWriter again = new StringWriter();
        g = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText(""), Clock.systemUTC(), SSLContext.getDefault(), List.of());
        try (WebServer w = ServeCommand.dashboard(c, g, Clock.systemUTC(), new PrintWriter(again, true)).orElseThrow()) {
            assertThat(again.toString()).doesNotContain("password").contains("/tlsrpt/" + secret + "\"");
        } finally {
            g.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void noDashboardSectionMeansNoWebServer() throws Exception {
        GatewayConfig c = config("");
        Gateway g = Gateway.start(c, dir.resolve("data"), ZoneFileResolver.fromText(""), Clock.systemUTC(), SSLContext.getDefault(), List.of());
        try {
            StringWriter out = new StringWriter();
            assertThat(ServeCommand.dashboard(c, g, Clock.systemUTC(), new PrintWriter(out, true))).isEmpty();
            assertThat(out.toString()).isEmpty();
        } finally {
            g.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void dashboardAndReportConfigurationIsChecked() {
        ConfigReader.Result r = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                dashboard: { port: 99999, secureCookies: yes, tlsrptSecret: "short/secret" }
                reportGeneration: { enabled: true, at: "25:00", schema: xml, catchUpDays: 0, reporter: { email: "not a mailbox" } }
                """, dir);
        assertThat(r.errors()).extracting(e -> e.message())
                .anyMatch(s -> s.contains("dashboard.port must be between 0 and 65535"))
                .anyMatch(s -> s.contains("dashboard.secureCookies must be true or false"))
                .anyMatch(s -> s.contains("dashboard.tlsrptSecret must be 16-128 characters"))
                .anyMatch(s -> s.contains("reportGeneration.at must be HH:MM"))
                .anyMatch(s -> s.contains("reportGeneration.schema must be rfc7489 or dmarc-2.0"))
                .anyMatch(s -> s.contains("reportGeneration.catchUpDays must be between 1 and 31"))
                .anyMatch(s -> s.contains("reportGeneration.reporter.email: not a mailbox"));
        GatewayConfig ok = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                dashboard: { tlsrptSecret: "abcdefghijklmnop-1234" }
                reportGeneration: { enabled: true, at: "03:15", schema: dmarc-2.0, reporter: { orgName: Example, email: r@example.org } }
                """, dir).config().orElseThrow();
        assertThat(ok.serve().dashboard().orElseThrow()).isEqualTo(new GatewayConfig.Dashboard("127.0.0.1", 8080, false,
                Optional.of("abcdefghijklmnop-1234")));
        GatewayConfig.ReportSchedule s = ok.serve().reportGeneration();
        assertThat(s.enabled()).isTrue();
        assertThat(s.at()).hasToString("03:15");
        assertThat(s.orgName()).contains("Example");
        assertThat(s.email()).contains("r@example.org");
        assertThat(s.catchUpDays()).isEqualTo(3);
        assertThat(ok.serve().doctor()).isEqualTo(GatewayConfig.DoctorSchedule.defaults());
    }
}
