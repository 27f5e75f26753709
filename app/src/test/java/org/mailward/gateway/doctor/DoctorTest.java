package org.mailward.gateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.check.CheckConfig;
import org.mailward.check.CheckRunner;
import org.mailward.check.world.TestCerts;
import org.mailward.dns.ZoneFileResolver;
import org.mailward.gateway.config.ConfigReader;
import org.mailward.gateway.config.GatewayConfig;
import org.mailward.gateway.doctor.DoctorItem.Status;
import org.mailward.smtp.tls.KeyMaterial;

/**
 * A correct deployment gives only passes; then each item is broken one at a time (zone, configuration or certificate)
 * and exactly that item changes verdict.
 */
class DoctorTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final InetAddress OUT = address("192.0.2.25");

    static TestCerts.Identity ca;
    static KeyPair dkim;
    static String dkimRecord;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        ca = TestCerts.ca("Doctor Test CA", NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(3650)));
        dkim = DkimKeys.generate(DkimKeys.KeyType.RSA, 2048);
        dkimRecord = DkimKeys.zoneLine("mail2026._domainkey.example.org", DkimKeys.recordValue(dkim.getPublic()));
    }

    static final String ZONE = """
            mx.example.org. IN A 192.0.2.25
            25.2.0.192.in-addr.arpa. IN PTR mx.example.org.
            example.org. IN MX 10 mx.example.org.
            example.org. IN TXT "v=spf1 ip4:192.0.2.25 -all"
            _dmarc.example.org. IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.org"
            """;

    String config(String extra) {
        return """
                hostname: mx.example.org
                listeners:
                  - { name: in, address: 192.0.2.25, port: 25, kind: inbound, tls: opportunistic }
                localDomains:
                  - { domain: example.org, route: "10.0.0.5:25" }
                dkim:
                  - { domain: example.org, selector: mail2026, keyFile: dkim.pem, algorithm: rsa-sha256 }
                """ + extra;
    }

    Map<String, Status> run(String zone, String yaml, Optional<KeyMaterial> cert, Clock clock, boolean withChecker) throws Exception {
        Files.writeString(dir.resolve("dkim.pem"), DkimKeys.toPem(dkim.getPrivate()));
        ConfigReader.Result r = ConfigReader.read(yaml, dir);
        assertThat(r.errors()).isEmpty();
        GatewayConfig c = r.config().orElseThrow();
        ZoneFileResolver resolver = ZoneFileResolver.fromText(zone + dkimRecord + "\n");
        Optional<CheckRunner> checker = withChecker
                ? Optional.of(new CheckRunner(CheckConfig.builder(resolver).clock(clock).probeSmtp(false).probeDkim(false).build()))
                : Optional.empty();
        List<DoctorItem> items = new Doctor(resolver, clock, Set.of(ca.chain().get(0)), checker).run(c, List.of(OUT), cert);
        // worst verdict per id (an id can appear per address or per domain)
        return items.stream().collect(Collectors.toMap(DoctorItem::id, DoctorItem::status, (a, b) -> a.compareTo(b) >= 0 ? a : b, TreeMap::new));
    }

    Map<String, Status> run(String zone, String yaml, Optional<KeyMaterial> cert) throws Exception {
        return run(zone, yaml, cert, CLOCK, false);
    }

    static Optional<KeyMaterial> cert(List<String> names, Instant notAfter) throws Exception {
        TestCerts.Identity id = TestCerts.leaf(ca, names, NOW.minus(Duration.ofDays(10)), notAfter, TestCerts.rsa(2048), "SHA256withRSA");
        return Optional.of(new KeyMaterial(id.chain(), id.key()));
    }

    private static Optional<KeyMaterial> good;

    static synchronized Optional<KeyMaterial> good() throws Exception {
        if (good == null) {
            good = cert(List.of("mx.example.org"), NOW.plus(Duration.ofDays(200)));
        }
        return good;
    }

    Map<String, Status> baseline() throws Exception {
        return run(ZONE, config(""), good());
    }

    /** The baseline with {@code id} set to {@code status}: what a deployment broken in one place must give. */
    Map<String, Status> baselineWith(String id, Status status) throws Exception {
        Map<String, Status> m = new TreeMap<>(baseline());
        m.put(id, status);
        return m;
    }

    @Test
    void aCorrectDeploymentPassesEveryItem() throws Exception {
        Map<String, Status> m = baseline();
        assertThat(m).containsEntry("DOCTOR-HOSTNAME-ADDRESS", Status.PASS).containsEntry("PTR-NOT-CONFIRMED", Status.PASS)
                .containsEntry("PTR-HELO-MISMATCH", Status.PASS).containsEntry("CERT-EXPIRING", Status.PASS)
                .containsEntry("CERT-NAME-MISMATCH", Status.PASS).containsEntry("CERT-UNTRUSTED", Status.PASS)
                .containsEntry("CERT-WEAK-KEY-OR-ALG", Status.PASS).containsEntry("DOCTOR-TLS-PROFILE", Status.PASS)
                .containsEntry("DOCTOR-MX", Status.PASS).containsEntry("DOCTOR-SPF-AUTHORISES", Status.PASS)
                .containsEntry("DOCTOR-DKIM-DEFINITION", Status.PASS).containsEntry("DOCTOR-MANDATORY-TLS", Status.INFO)
                .containsEntry("DOCTOR-REFLECTOR", Status.PASS);
        assertThat(m.values()).allMatch(s -> s == Status.PASS || s == Status.INFO);
    }

    @Test
    void hostnameWithoutAddress() throws Exception {
        assertThat(run(ZONE.replace("mx.example.org. IN A 192.0.2.25\n", "mx.example.org. IN TXT \"no address\"\n"), config(""), good()))
                .containsEntry("DOCTOR-HOSTNAME-ADDRESS", Status.ERROR)
                .containsEntry("PTR-NOT-CONFIRMED", Status.ERROR); // and so FCrDNS cannot confirm either
    }

    @Test
    void hostnameResolvingElsewhere() throws Exception {
        assertThat(run(ZONE.replace("mx.example.org. IN A 192.0.2.25", "mx.example.org. IN A 192.0.2.25\nmx.example.org. IN A 192.0.2.99")
                .replace("25.2.0.192.in-addr.arpa.", "99.2.0.192.in-addr.arpa."), config(""), good()))
                .containsEntry("PTR-MISSING", Status.ERROR);
        assertThat(run(ZONE.replace("mx.example.org. IN A 192.0.2.25", "mx.example.org. IN A 192.0.2.99")
                .replace("example.org. IN MX 10 mx.example.org.", "example.org. IN MX 10 mx.example.org.\nmx2.example.org. IN A 192.0.2.25"), config(""), good()))
                .containsEntry("DOCTOR-HOSTNAME-ADDRESS", Status.WARN);
    }

    @Test
    void missingPtr() throws Exception {
        assertThat(run(ZONE.replace("25.2.0.192.in-addr.arpa. IN PTR mx.example.org.\n", ""), config(""), good()))
                .isEqualTo(without(baselineWith("PTR-MISSING", Status.ERROR), "PTR-NOT-CONFIRMED", "PTR-HELO-MISMATCH"));
    }

    @Test
    void ptrThatDoesNotResolveBack() throws Exception {
        assertThat(run(ZONE.replace("IN PTR mx.example.org.", "IN PTR other.example.net."), config(""), good()))
                .isEqualTo(without(baselineWith("PTR-NOT-CONFIRMED", Status.ERROR), "PTR-HELO-MISMATCH"));
    }

    @Test
    void ptrNamingAnotherHostThanTheEhloName() throws Exception {
        String zone = ZONE.replace("IN PTR mx.example.org.", "IN PTR out.example.org.") + "out.example.org. IN A 192.0.2.25\n";
        assertThat(run(zone, config(""), good())).isEqualTo(baselineWith("PTR-HELO-MISMATCH", Status.WARN));
    }

    @Test
    void certificateProblems() throws Exception {
        assertThat(run(ZONE, config(""), cert(List.of("mx.example.org"), NOW.plus(Duration.ofDays(10)))))
                .isEqualTo(baselineWith("CERT-EXPIRING", Status.WARN));
        Map<String, Status> expired = run(ZONE, config(""), good(), Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC), false);
        assertThat(expired).containsEntry("CERT-EXPIRED", Status.ERROR).doesNotContainKey("CERT-EXPIRING");
        assertThat(run(ZONE, config(""), cert(List.of("mail.example.org"), NOW.plus(Duration.ofDays(200)))))
                .isEqualTo(baselineWith("CERT-NAME-MISMATCH", Status.ERROR));
        TestCerts.Identity self = TestCerts.leaf(null, List.of("mx.example.org"), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200)),
                TestCerts.rsa(2048), "SHA256withRSA");
        assertThat(run(ZONE, config(""), Optional.of(new KeyMaterial(self.chain(), self.key()))))
                .isEqualTo(baselineWith("CERT-UNTRUSTED", Status.ERROR));
        TestCerts.Identity weak = TestCerts.leaf(ca, List.of("mx.example.org"), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200)),
                TestCerts.rsa(1024), "SHA256withRSA");
        assertThat(run(ZONE, config(""), Optional.of(new KeyMaterial(weak.chain(), weak.key()))))
                .isEqualTo(baselineWith("CERT-WEAK-KEY-OR-ALG", Status.ERROR));
    }

    @Test
    void noCertificateMeansSelfSigned() throws Exception {
        Map<String, Status> expected = without(baseline(), "CERT-EXPIRING", "CERT-NAME-MISMATCH", "CERT-UNTRUSTED", "CERT-WEAK-KEY-OR-ALG");
        expected.put("DOCTOR-SELF-SIGNED", Status.WARN);
        assertThat(run(ZONE, config(""), Optional.empty())).isEqualTo(expected);
    }

    @Test
    void aTlsProfileBeyondTheNcscBaseline() throws Exception {
        String yaml = config("").replace("tls: opportunistic }", "tls: opportunistic, tlsProfile: wide }")
                + "tls:\n  profiles:\n    wide: { protocols: [TLSv1.2], cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256] }\n";
        assertThat(run(ZONE, yaml, good())).isEqualTo(baselineWith("DOCTOR-TLS-PROFILE", Status.WARN));
    }

    @Test
    void mxNotPointingAtTheGateway() throws Exception {
        String elsewhere = ZONE.replace("example.org. IN MX 10 mx.example.org.", "example.org. IN MX 10 mail.provider.example.\nmail.provider.example. IN A 198.51.100.1");
        assertThat(run(elsewhere, config(""), good())).isEqualTo(baselineWith("DOCTOR-MX", Status.ERROR));
        String partly = ZONE + "example.org. IN MX 20 backup.provider.example.\nbackup.provider.example. IN A 198.51.100.2\n";
        assertThat(run(partly, config(""), good())).isEqualTo(baselineWith("DOCTOR-MX", Status.WARN));
        assertThat(run(ZONE.replace("example.org. IN MX 10 mx.example.org.\n", ""), config(""), good())).isEqualTo(baselineWith("DOCTOR-MX", Status.ERROR));
    }

    @Test
    void spfThatDoesNotAuthoriseTheGateway() throws Exception {
        assertThat(run(ZONE.replace("ip4:192.0.2.25", "ip4:198.51.100.0/24"), config(""), good()))
                .isEqualTo(baselineWith("DOCTOR-SPF-AUTHORISES", Status.ERROR));
    }

    @Test
    void dkimDefinitionWhoseKeyIsNotPublished() throws Exception {
        String yaml = config("").replace("selector: mail2026", "selector: new2027");
        assertThat(run(ZONE, yaml, good())).isEqualTo(baselineWith("DOCTOR-DKIM-DEFINITION", Status.ERROR));
        String none = config("").replaceAll("(?s)dkim:\n.*rsa-sha256 }\n", "");
        assertThat(run(ZONE, none, good())).isEqualTo(baselineWith("DOCTOR-DKIM-DEFINITION", Status.WARN));
    }

    @Test
    void noMandatoryTlsRules() throws Exception {
        assertThat(run(ZONE, config("delivery:\n  secureDelivery: []\n"), good())).isEqualTo(baselineWith("DOCTOR-MANDATORY-TLS", Status.WARN));
    }

    @Test
    void dmarcComesFromTheCheckerRules() throws Exception {
        Map<String, Status> passing = run(ZONE, config(""), good(), CLOCK, true);
        assertThat(passing).containsEntry("DOCTOR-DMARC", Status.PASS).doesNotContainKey("DMARC-NO-RECORD");
        Map<String, Status> none = run(ZONE.replace("_dmarc.example.org. IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.org\"\n", ""),
                config(""), good(), CLOCK, true);
        assertThat(none).containsEntry("DMARC-NO-RECORD", Status.ERROR).doesNotContainKey("DOCTOR-DMARC");
        assertThat(Doctor.worst(List.of(DoctorItem.pass("X", "s", "ok")))).isEqualTo(Status.PASS);
    }

    @Test
    void reflectorDisabledForTheDomainOrWithoutAuthentication() throws Exception {
        assertThat(run(ZONE, config("reflector:\n  domains:\n    - { domain: example.org, enabled: false }\n"), good()))
                .isEqualTo(baselineWith("DOCTOR-REFLECTOR", Status.WARN));
        assertThat(run(ZONE, config("reflector:\n  enabled: false\n"), good())).isEqualTo(baselineWith("DOCTOR-REFLECTOR", Status.WARN));
        assertThat(run(ZONE, config("authentication:\n  enabled: false\n"), good())).isEqualTo(baselineWith("DOCTOR-REFLECTOR", Status.WARN));
    }

    @Test
    void reflectorItemNamesTheConfiguredAddress() throws Exception {
        Files.writeString(dir.resolve("dkim.pem"), DkimKeys.toPem(dkim.getPrivate()));
        GatewayConfig c = ConfigReader.read(config("reflector:\n  localPart: tls-check\n  maxRepliesPerSenderPerHour: 3\n"), dir).config().orElseThrow();
        List<DoctorItem> items = new Doctor(ZoneFileResolver.fromText(ZONE + dkimRecord + "\n"), CLOCK, Set.of(ca.chain().get(0)), Optional.empty())
                .run(c, List.of(OUT), good());
        assertThat(items).filteredOn(i -> i.id().equals("DOCTOR-REFLECTOR")).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(Status.PASS);
            assertThat(i.subject()).isEqualTo("tls-check@example.org");
            assertThat(i.summary()).contains("at most 3 replies per sender per hour");
        });
    }

    static Map<String, Status> without(Map<String, Status> m, String... ids) {
        Map<String, Status> r = new TreeMap<>(m);
        for (String id : ids) {
            r.remove(id);
        }
        return r;
    }

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
