package org.mailward.gateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.Gateway;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.slf4j.LoggerFactory;

/**
 * The doctor inside a running gateway (issue 8): a deployment with exactly one broken item (no MX record) started
 * on 127.0.0.1 shows that item in the Prometheus metrics and as a warning with its fix in the log; start does not
 * wait for it.
 */
class ScheduledDoctorTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;
    Gateway gateway;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(ScheduledDoctor.class);

    @AfterEach
    void stop() {
        logger.detachAppender(log);
        if (gateway != null) {
            gateway.close(Duration.ofSeconds(2));
        }
    }

    static final String ZONE = """
            mx.example.org. IN A 127.0.0.1
            1.0.0.127.in-addr.arpa. IN PTR mx.example.org.
            example.org. IN TXT "v=spf1 ip4:127.0.0.1 -all"
            _dmarc.example.org. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.org"
            """;

    GatewayConfig config(String doctor) {
        ConfigReader.Result r = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                localDomains: [{ domain: example.org, route: "127.0.0.1:2525" }]
                metrics: { address: 127.0.0.1, port: 0 }
                """ + doctor, dir);
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow();
    }

    static String scrape(InetSocketAddress a) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + a.getPort() + "/metrics").toURL().openConnection();
        assertThat(c.getResponseCode()).isEqualTo(200);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBrokenItemShowsInMetricsAndInTheLog() throws Exception {
        log.start();
        logger.addAppender(log);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        gateway = Gateway.start(config("doctor: { interval: 6h }\n"), dir.resolve("data"), ZoneFileResolver.fromText(ZONE), clock,
                SSLContext.getDefault(), List.of());
        InetSocketAddress m = gateway.metricsAddress().orElseThrow();
        String text = scrape(m);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text.contains("mailward_doctor_last_run_timestamp_seconds") && System.nanoTime() < end) {
            Thread.sleep(50);
            text = scrape(m);
        }
        assertThat(text).contains("# TYPE mailward_doctor_items gauge",
                "mailward_doctor_item{id=\"DOCTOR-MX\",subject=\"example.org\"} 2",
                "mailward_doctor_item{id=\"DOCTOR-HOSTNAME-ADDRESS\",subject=\"mx.example.org\"} 0",
                "mailward_doctor_last_run_timestamp_seconds " + NOW.getEpochSecond());
        List<DoctorItem> items = gateway.doctor().orElseThrow().last();
        assertThat(items).isNotEmpty();
        // the per-status gauges are the counts of the checklist the gateway holds
        for (DoctorItem.Status s : DoctorItem.Status.values()) {
            long n = items.stream().filter(i -> i.status() == s).count();
            assertThat(text).contains("mailward_doctor_items{status=\"" + s.label() + "\"} " + n + "\n");
        }
        assertThat(items.stream().filter(i -> i.status() == DoctorItem.Status.ERROR).map(DoctorItem::id)).containsExactly("DOCTOR-MX");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) mailward_\\w+ .+|mailward_\\w+(\\{(\\w+=\"[^\"]*\",?)+\\})? \\d+");
        }
        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).anyMatch(w -> w.contains("[error] DOCTOR-MX example.org") && w.contains("fix: publish example.org. IN MX 10 mx.example.org."));
        assertThat(warnings).noneMatch(w -> w.contains("DOCTOR-HOSTNAME-ADDRESS"));
    }

    @Test
    void disabledMeansNoRunAndNoSeries() throws Exception {
        gateway = Gateway.start(config("doctor: { enabled: false }\n"), dir.resolve("data"), ZoneFileResolver.fromText(ZONE),
                Clock.systemUTC(), SSLContext.getDefault(), List.of());
        assertThat(gateway.doctor()).isEmpty();
        assertThat(scrape(gateway.metricsAddress().orElseThrow())).doesNotContain("mailward_doctor");
    }

    @Test
    void configurationErrorsAreReported() {
        ConfigReader.Result r = ConfigReader.read("""
                hostname: mx.example.org
                listeners: [{ name: in, address: 127.0.0.1, port: 0 }]
                doctor: { interval: 10s, enabled: maybe, outboundAddresses: [not-an-ip], colour: red }
                """, dir);
        assertThat(r.errors()).extracting(e -> e.message()).anyMatch(s -> s.contains("doctor.interval must be at least 1m"))
                .anyMatch(s -> s.contains("doctor.enabled must be true or false"))
                .anyMatch(s -> s.contains("doctor.outboundAddresses: not an IP address"))
                .anyMatch(s -> s.contains("unknown key 'colour' in doctor"));
    }
}
