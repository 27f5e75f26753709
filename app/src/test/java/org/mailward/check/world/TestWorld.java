package org.mailward.check.world;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.mailward.check.CheckConfig;
import org.mailward.check.ReportedSelectors;
import org.mailward.dns.DnsAnswer;
import org.mailward.dns.Resolver;
import org.mailward.dns.ZoneFileResolver;

/**
 * A generated world for checker tests: one zone holding ~50 domains, each built to trigger specific CHECKS.md rules
 * (and some perfect ones), SMTP endpoints on 127.0.0.N (all on one free port, one address per endpoint), and MTA-STS
 * policy servers on 127.0.1.N. {@link #expected()} maps each domain to exactly the finding ids it must produce.
 */
public final class TestWorld implements AutoCloseable {

    public static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    public final int smtpPort;
    public final int httpsPort;
    public final TestCerts.Identity ca;
    private final StringBuilder zone = new StringBuilder();
    private final List<String> signed = new ArrayList<>();
    private final Set<String> servfail = new TreeSet<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final Map<String, Set<String>> expected = new LinkedHashMap<>();
    private int nextSmtp = 2;
    private int nextHttps = 2;
    private final Map<String, String> spki = new LinkedHashMap<>();
    private final Set<String> ownDmarc = new TreeSet<>();
    private final Set<String> ownSpf = new TreeSet<>();
    private final Set<String> ownDkim = new TreeSet<>();
    private final String dkimKey = dkimKey(2048);

    private static TestWorld shared;

    /**
     * One world for the test classes of a JVM run (building it takes seconds: keys, certificates, servers); closed
     * when the JVM exits. Tests must not change it.
     */
    public static synchronized TestWorld shared() throws Exception {
        if (shared == null) {
            TestWorld w = new TestWorld();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    w.close();
                } catch (Exception e) {
                    // best effort at exit
                }
            }));
            shared = w;
        }
        return shared;
    }

    public TestWorld() throws Exception {
        this.smtpPort = freePort();
        this.httpsPort = freePort();
        this.ca = TestCerts.ca("Mailward Test CA", NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(3650)));
        build();
    }

    /** Domains and the exact set of finding ids each must produce. */
    public Map<String, Set<String>> expected() {
        return expected;
    }

    /** The zone text (RFC 1035 master file), also served by knot in the interop test. */
    public String zoneText() {
        return zone.toString();
    }

    /** The resolver over the zone: names under signed domains answer authenticated, listed names SERVFAIL. */
    public Resolver resolver() {
        return wrap(ZoneFileResolver.fromText(zone.toString()));
    }

    /** Wraps any resolver (e.g. a NetworkResolver to knot) with the world's DNSSEC marks and SERVFAIL names. */
    public Resolver wrap(Resolver base) {
        return (name, type) -> {
            String n = Resolver.normalise(name);
            if (servfail.contains(n)) {
                return DnsAnswer.servfail(n, type, "test world: SERVFAIL");
            }
            DnsAnswer a = base.query(n, type);
            boolean ad = signed.stream().anyMatch(s -> n.equals(s) || n.endsWith("." + s) || n.equals("_25._tcp.mx." + s));
            return a.withAuthenticated(ad);
        };
    }

    public CheckConfig.Builder config(Resolver resolver) {
        return CheckConfig.builder(resolver).resolverLabel("test-world").clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .smtpPort(smtpPort).httpsPort(httpsPort).trustAnchors(Set.of(ca.chain().get(0)))
                .treatAsPublic(List.of("127.0.0.0/8", "::1/128")).egressVerified(true)
                .connectTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ofSeconds(6)).connectionDeadline(Duration.ofSeconds(12))
                .ehloName("checker.test").reportedSelectors(reportedSelectors()).bimi(true).rpki(rpki())
                .directResolvers(ip -> new org.mailward.dns.NetworkResolver(List.of(new java.net.InetSocketAddress(ip, dnsPort)), Duration.ofSeconds(1), 0));
    }

    private static final Set<String> BASE = Set.of("MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");

    private void build() throws Exception {
        // ---- perfect: signed, TLSA (two, matching), MTA-STS enforce, TLS-RPT, IPv4 and IPv6 ----
        String d = "perfect.test";
        InetAddress ip = smtpIp();
        TestCerts.Identity id = good("mx." + d);
        host("mx." + d, ip, true);
        host6("mx." + d, InetAddress.getByName("::1"));
        smtp(ip, FakeSmtpServer.Setup.good("mx." + d, id));
        smtp(InetAddress.getByName("::1"), FakeSmtpServer.Setup.good("mx." + d, id));
        mx(d, 10, "mx." + d);
        String hash = spkiSha256(id);
        String next = spkiSha256(good("mx." + d));
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + hash);
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + next);
        signed.add(d);
        sts(d, PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d)));
        rpt(d, "mailto:tlsrpt@" + d);
        expect(d);

        // ---- GEN ----
        expected.put("nx.test", Set.of("GEN-DOMAIN-NXDOMAIN"));
        d = "lookupfail.test";
        standardMx(d, s -> s);
        servfail.add("_mta-sts." + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "TLSRPT-NO-RECORD", "GEN-DNS-INCONCLUSIVE");

        // ---- MX ----
        d = "nomx.test";
        rr(d, "A", "192.0.2.10");
        expect(d, "MX-NONE", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");
        d = "nullmx.test";
        rr(d, "MX", "0 .");
        expect(d, "MX-NULL", "DNSSEC-UNSIGNED");
        d = "nullbad.test";
        rr(d, "MX", "0 .");
        mx(d, 10, "mx." + d);
        expect(d, "MX-NULL-INVALID", "MX-HOST-NO-ADDRESS", "DNSSEC-UNSIGNED");
        d = "noaddr.test";
        mx(d, 10, "mx." + d);
        rr("mx." + d, "TXT", "\"exists but has no address\"");
        expect(d, "MX-HOST-NO-ADDRESS", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");
        d = "cname.test";
        ip = smtpIp();
        host("real." + d, ip, true);
        rr("mail." + d, "CNAME", "real." + d + ".");
        smtp(ip, FakeSmtpServer.Setup.good("real." + d, good("mail." + d, "real." + d)));
        mx(d, 10, "mail." + d);
        expect(d, plus(BASE, "MX-HOST-ALIAS-OR-LITERAL"));
        d = "literal.test";
        mx(d, 10, "192.0.2.1");
        expect(d, "MX-HOST-ALIAS-OR-LITERAL", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");
        d = "private.test";
        rr("mx." + d, "A", "10.1.2.3");
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, "MX-HOST-PRIVATE-IP", "PTR-MISSING"));
        d = "dup.test";
        standardMx(d, s -> s);
        mx(d, 20, "mx." + d);
        expect(d, plus(BASE, "MX-DUPLICATE-OR-UNAPPROVED"));
        d = "unreach.test";
        ip = smtpIp();
        host("mx." + d, ip, true);
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, "MX-UNREACHABLE"));
        d = "partial.test";
        standardMx(d, s -> s);
        ip = smtpIp();
        host("mx2." + d, ip, true);
        mx(d, 20, "mx2." + d);
        expect(d, plus(BASE, "MX-UNREACHABLE"));
        d = "busy.test";
        standardMx(d, s -> s.with(FakeSmtpServer.Mode.BUSY));
        expect(d, plus(BASE, "MX-UNREACHABLE"));
        d = "garbage.test";
        standardMx(d, s -> s.with(FakeSmtpServer.Mode.GARBAGE));
        expect(d, plus(BASE, "MX-UNREACHABLE"));
        d = "silent.test";
        standardMx(d, s -> s.with(FakeSmtpServer.Mode.SILENT));
        expect(d, plus(BASE, "MX-UNREACHABLE"));

        // ---- PTR ----
        d = "noptr.test";
        ip = smtpIp();
        rr("mx." + d, "A", ip.getHostAddress());
        rr(d, "CAA", "0 issue \"ca.test\""); // at the zone apex: the CAA walk climbs from mx.D to D
        smtp(ip, FakeSmtpServer.Setup.good("mx." + d, good("mx." + d)));
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, "PTR-MISSING"));
        d = "ptrbad.test";
        ip = smtpIp();
        rr("mx." + d, "A", ip.getHostAddress());
        rr(d, "CAA", "0 issue \"ca.test\""); // at the zone apex: the CAA walk climbs from mx.D to D
        rr(Resolver.reverseName(ip), "PTR", "other." + d + ".");
        smtp(ip, FakeSmtpServer.Setup.good("mx." + d, good("mx." + d)));
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, "PTR-NOT-CONFIRMED", "PTR-HELO-MISMATCH"));
        d = "ptrgeneric.test";
        ip = smtpIp();
        String generic = "dynamic-" + ip.getHostAddress().replace('.', '-') + ".pool." + d;
        rr("mx." + d, "A", ip.getHostAddress());
        rr(d, "CAA", "0 issue \"ca.test\""); // at the zone apex: the CAA walk climbs from mx.D to D
        rr(generic, "A", ip.getHostAddress());
        rr(Resolver.reverseName(ip), "PTR", generic + ".");
        smtp(ip, FakeSmtpServer.Setup.good(generic, good("mx." + d)));
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, "PTR-GENERIC"));

        // ---- TLS ----
        d = "nostarttls.test";
        standardMx(d, FakeSmtpServer.Setup::noStarttls);
        expect(d, plus(BASE, "TLS-NO-STARTTLS"));
        d = "oldtls.test";
        standardMx(d, s -> s.protocols("TLSv1.2", "TLSv1.1", "TLSv1").suites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
        expect(d, plus(BASE, "TLS-OLD-VERSIONS", "TLS-NO-TLS13", "TLS-WEAK-CIPHER"));
        d = "tls10only.test";
        standardMx(d, s -> s.protocols("TLSv1").suites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
        expect(d, plus(BASE, "TLS-NO-TLS12", "TLS-OLD-VERSIONS", "TLS-NO-TLS13", "TLS-WEAK-CIPHER"));
        d = "weakcipher.test";
        standardMx(d, s -> s.protocols("TLSv1.2").suites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        expect(d, plus(BASE, "TLS-WEAK-CIPHER", "TLS-NO-TLS13", "TLS-NO-SERVER-PREFERENCE"));
        d = "nogoodcipher.test";
        standardMx(d, s -> s.protocols("TLSv1.2").suites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"));
        expect(d, plus(BASE, "TLS-NO-GOOD-CIPHER", "TLS-NO-TLS13"));
        d = "nopref.test";
        standardMx(d, s -> s.protocols("TLSv1.2").suites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA").clientOrder());
        expect(d, plus(BASE, "TLS-NO-SERVER-PREFERENCE", "TLS-WEAK-CIPHER", "TLS-NO-TLS13"));
        d = "authplain.test";
        standardMx(d, FakeSmtpServer.Setup::withAuthPlain);
        expect(d, plus(BASE, "TLS-AUTH-BEFORE-STARTTLS"));
        d = "stall.test";
        standardMx(d, s -> s.with(FakeSmtpServer.Mode.STALL_TLS));
        expect(d, plus(BASE, "TLS-HANDSHAKE-FAILS"));
        d = "inconsistent.test";
        standardMx(d, s -> s);
        ip = smtpIp();
        host("mx2." + d, ip, true);
        smtp(ip, FakeSmtpServer.Setup.good("mx2." + d, good("mx2." + d)).noStarttls());
        mx(d, 20, "mx2." + d);
        expect(d, plus(BASE, "TLS-INCONSISTENT", "TLS-NO-STARTTLS"));

        // ---- CERT ----
        d = "expired.test";
        standardMxWith(d, TestCerts.leaf(ca, List.of("mx." + d), NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)), TestCerts.ec(), "SHA256withECDSA"), s -> s);
        expect(d, plus(BASE, "CERT-EXPIRED"));
        d = "expiring.test";
        standardMxWith(d, TestCerts.leaf(ca, List.of("mx." + d), NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10)), TestCerts.ec(), "SHA256withECDSA"), s -> s);
        expect(d, plus(BASE, "CERT-EXPIRING"));
        d = "selfsigned.test";
        standardMxWith(d, TestCerts.leaf(null, List.of("mx." + d), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), TestCerts.ec(), "SHA256withECDSA"), s -> s);
        expect(d, plus(BASE, "CERT-UNTRUSTED"));
        d = "wrongname.test";
        standardMxWith(d, good("mail.elsewhere.test"), s -> s);
        expect(d, plus(BASE, "CERT-NAME-MISMATCH"));
        d = "weakkey.test";
        standardMxWith(d, TestCerts.leaf(ca, List.of("mx." + d), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), TestCerts.rsa(1024), "SHA256withECDSA"), s -> s);
        expect(d, plus(BASE, "CERT-WEAK-KEY-OR-ALG"));
        d = "incomplete.test";
        TestCerts.Identity inter = TestCerts.ca("Unsent Intermediate", NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(1000)));
        TestCerts.Identity viaInter = TestCerts.leaf(inter, List.of("mx." + d), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), TestCerts.ec(), "SHA256withECDSA");
        standardMxWith(d, new TestCerts.Identity(viaInter.key(), List.of(viaInter.chain().get(0))), s -> s);
        expect(d, plus(BASE, "CERT-CHAIN-INCOMPLETE-OR-DISORDERED", "CERT-UNTRUSTED"));
        d = "badsig.test";
        KeyPair forger = TestCerts.ec();
        TestCerts.Identity forged = TestCerts.leaf(new TestCerts.Identity(forger.getPrivate(), ca.chain()), List.of("mx." + d),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), TestCerts.ec(), "SHA256withECDSA");
        standardMxWith(d, forged, s -> s);
        expect(d, plus(BASE, "CERT-BAD-SIGNATURE", "CERT-UNTRUSTED"));

        tlsAndCertRules();

        // ---- MTA-STS ----
        d = "stsmulti.test";
        standardMx(d, s -> s);
        sts(d, PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d)));
        rr("_mta-sts." + d, "TXT", "\"v=STSv1; id=2\"");
        rpt(d, "mailto:tlsrpt@" + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-MULTIPLE-RECORDS");
        d = "stssyntax.test";
        standardMx(d, s -> s);
        rr("_mta-sts." + d, "TXT", "\"v=STSv1; id=not-alnum!\"");
        rr("mta-sts." + d, "A", "192.0.2.1");
        rpt(d, "mailto:tlsrpt@" + d);
        servfail.add("mta-sts." + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-RECORD-SYNTAX", "GEN-DNS-INCONCLUSIVE");
        d = "stsnohost.test";
        standardMx(d, s -> s);
        rr("_mta-sts." + d, "TXT", "\"v=STSv1; id=20260101\"");
        rpt(d, "mailto:tlsrpt@" + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-POLICY-UNREACHABLE");
        stsCase("sts404.test", new PolicyServer.Answer(404, "text/plain", "not here", 0, ""), "MTASTS-POLICY-HTTP");
        stsCase("stsredirect.test", new PolicyServer.Answer(301, "text/plain", "", 0, "https://elsewhere.test/policy"), "MTASTS-POLICY-HTTP");
        stsCaseMx("ststype.test", d2 -> new PolicyServer.Answer(200, "text/html", policy("enforce", 1209600, "mx." + d2), 0, ""), "MTASTS-POLICY-MEDIA-TYPE");
        stsCase("stsbadpolicy.test", PolicyServer.Answer.policy("version: STSv1\r\nmode: enforcing\r\nmx: x.test\r\nmax_age: 1209600\r\n"), "MTASTS-POLICY-SYNTAX");
        stsCase("stsnomx.test", PolicyServer.Answer.policy("version: STSv1\r\nmode: enforce\r\nmax_age: 1209600\r\n"), "MTASTS-NO-MX-PATTERN");
        stsCaseMx("stsbadpattern.test", d2 -> PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d2, "192.0.2.1", "mx.*.test")), "MTASTS-MX-PATTERN-INVALID");
        stsCase("stsnotcovered.test", PolicyServer.Answer.policy(policy("enforce", 1209600, "mx.elsewhere.test")), "MTASTS-MX-NOT-COVERED");
        stsCaseMx("ststesting.test", d2 -> PolicyServer.Answer.policy(policy("testing", 3600, "mx." + d2)), "MTASTS-NOT-ENFORCED", "MTASTS-MAXAGE-SHORT");
        stsCaseMx("stshuge.test", d2 -> PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d2) + "x".repeat(100_000)), "MTASTS-POLICY-SYNTAX");
        stsCaseMx("stsslow.test", d2 -> new PolicyServer.Answer(200, "text/plain", policy("enforce", 1209600, "mx." + d2), 400, ""), "MTASTS-POLICY-UNREACHABLE");
        d = "stscert.test";
        standardMx(d, s -> s);
        stsWith(d, PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d)),
                TestCerts.leaf(null, List.of("mta-sts." + d), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)), TestCerts.ec(), "SHA256withECDSA"));
        rpt(d, "mailto:tlsrpt@" + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-POLICY-CERT");
        d = "stswillfail.test";
        standardMx(d, FakeSmtpServer.Setup::noStarttls);
        sts(d, PolicyServer.Answer.policy(policy("enforce", 1209600, "mx." + d)));
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "TLSRPT-NO-RECORD", "TLS-NO-STARTTLS", "MTASTS-ENFORCE-WILL-FAIL");

        // ---- TLS-RPT ----
        rptCase("rptmulti.test", List.of("v=TLSRPTv1; rua=mailto:a@rptmulti.test", "v=TLSRPTv1; rua=mailto:b@rptmulti.test"), "TLSRPT-MULTIPLE-RECORDS");
        rptCase("rptsyntax.test", List.of("v=TLSRPTv1; rua=mailto:a@rptsyntax.test; rua=mailto:b@rptsyntax.test"), "TLSRPT-SYNTAX", "TLSRPT-RUA-COUNT");
        rptCase("rptbaduri.test", List.of("v=TLSRPTv1; rua=http://reports.rptbaduri.test/tls"), "TLSRPT-RUA-INVALID");
        rptCase("rptcount.test", List.of("v=TLSRPTv1; rua=mailto:a@rptcount.test,mailto:b@rptcount.test"), "TLSRPT-RUA-COUNT");
        rptCase("rptnowhere.test", List.of("v=TLSRPTv1; rua=mailto:tls@nowhere-at-all.test"), "TLSRPT-RUA-UNDELIVERABLE");

        // ---- DNSSEC / DANE ----
        d = "danenone.test";
        standardMx(d, s -> s);
        signed.add(d);
        expect(d, "MX-IPV6", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DANE-NO-TLSA");
        d = "daneinsecure.test";
        TestCerts.Identity di = good("mx." + d);
        standardMxWith(d, di, s -> s);
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + spkiSha256(di));
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + spkiSha256(good("mx." + d)));
        expect(d, plus(BASE, "DANE-TLSA-INSECURE"));
        d = "daneparams.test";
        TestCerts.Identity dp = good("mx." + d);
        standardMxWith(d, dp, s -> s);
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + spkiSha256(dp));
        rr("_25._tcp.mx." + d, "TLSA", "1 1 1 " + spkiSha256(dp));
        signed.add(d);
        expect(d, "MX-IPV6", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DANE-PARAMS");
        d = "danenomatch.test";
        standardMx(d, s -> s);
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + "00".repeat(32));
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + "11".repeat(32));
        signed.add(d);
        expect(d, "MX-IPV6", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DANE-NO-MATCH");
        d = "danerollover.test";
        TestCerts.Identity dr = good("mx." + d);
        standardMxWith(d, dr, s -> s);
        rr("_25._tcp.mx." + d, "TLSA", "3 1 1 " + spkiSha256(dr));
        signed.add(d);
        expect(d, "MX-IPV6", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DANE-NO-ROLLOVER");
        d = "danefail.test";
        standardMx(d, s -> s);
        signed.add(d);
        servfail.add("_25._tcp.mx." + d);
        expect(d, "MX-IPV6", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DANE-TLSA-LOOKUP-FAILS", "GEN-DNS-INCONCLUSIVE");
        d = "bogus.test";
        rr(d, "A", "192.0.2.20");
        servfail.add(d);
        expect(d, "DNSSEC-BOGUS", "GEN-DNS-INCONCLUSIVE", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");

        // ---- UK profile ----
        rr("mailcheck.service.ncsc.gov.uk", "MX", "10 mx.mailcheck.service.ncsc.gov.uk.");
        d = "legacy.gov.uk";
        rr("mail.gsi.gov.uk", "A", "192.0.2.30");
        mx(d, 10, "mail.gsi.gov.uk");
        rpt(d, "mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
        expect(d, "UK-LEGACY-GSI", "MX-HOST-PRIVATE-IP", "PTR-MISSING", "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD");
        d = "rpt.gov.uk";
        rr(d, "MX", "0 .");
        expect(d, "MX-NULL", "DNSSEC-UNSIGNED", "UK-NONSENDING-DMARC", "DMARC-REPORT-DOMAIN-NO-MX");
        d = "central.gov.uk";
        standardMx(d, s -> s);
        rpt(d, "mailto:tls@" + d);
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "UK-TLSRPT-CENTRAL");
        d = "mistyped.gov.uk";
        standardMx(d, s -> s);
        rpt(d, "mailto:tlsrua@mailcheck.service.ncsc.gov.uk");
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "UK-TLSRPT-CENTRAL");

        // ---- DMARC (generic profile) ----
        String rua = "rua=mailto:dmarc@reports.test";
        rr("reports.test", "MX", "10 mx.reports.test.");
        rr("*._report._dmarc.reports.test", "TXT", "\"v=DMARC1\"");
        dmarcCase("dm-none.test", List.of("v=DMARC1;p=none;" + rua), "DMARC-POLICY-NONE", "DMARC-NP-WEAK");
        dmarcCase("dm-quar.test", List.of("v=DMARC1;p=quarantine;" + rua), "DMARC-POLICY-QUARANTINE", "DMARC-NP-WEAK");
        dmarcCase("dm-norecord.test", List.of(), "DMARC-NO-RECORD");
        dmarcCase("dm-multi.test", List.of("v=DMARC1;p=none;" + rua, "v=DMARC1;p=quarantine;" + rua), "DMARC-MULTIPLE-RECORDS");
        dmarcCase("dm-notfirst.test", List.of("p=reject; v=DMARC1; " + rua), "DMARC-NOT-V-FIRST");
        dmarcCase("dm-lowercase.test", List.of("v=dmarc1; p=reject; " + rua), "DMARC-NOT-V-FIRST");
        dmarcCase("dm-space.test", List.of(" v=DMARC1;p=reject;" + rua), "DMARC-NOT-V-FIRST");
        dmarcCase("dm-wrong.test", List.of(), "DMARC-WRONG-RECORD-AT-NAME");
        rr("*.dm-wrong.test", "TXT", "\"v=spf1 -all\"");
        dmarcCase("dm-syntax.test", List.of("v=DMARC1;p=reject;adkim=x;pct=150;" + rua), "DMARC-SYNTAX", "DMARC-REMOVED-TAGS");
        dmarcCase("dm-dup.test", List.of("v=DMARC1;p=reject;p=none;" + rua), "DMARC-DUPLICATE-TAG");
        dmarcCase("dm-unknown.test", List.of("v=DMARC1;p=reject;" + rua + ";ruf:mailto:f@reports.test;foo=bar"), "DMARC-UNKNOWN-TAG");
        dmarcCase("dm-nop.test", List.of("v=DMARC1;" + rua), "DMARC-NO-POLICY-TAG", "DMARC-POLICY-NONE", "DMARC-NP-WEAK");
        dmarcCase("dm-psecond.test", List.of("v=DMARC1;" + rua + ";p=reject"), "DMARC-P-NOT-SECOND");
        dmarcCase("dm-spnone.test", List.of("v=DMARC1;p=reject;sp=none;" + rua), "DMARC-SP-NONE", "DMARC-NP-WEAK");
        dmarcCase("dm-spweak.test", List.of("v=DMARC1;p=reject;sp=quarantine;" + rua), "DMARC-SP-NONE", "DMARC-NP-WEAK");
        dmarcCase("dm-pct.test", List.of("v=DMARC1;p=quarantine;pct=50;" + rua), "DMARC-PCT-PARTIAL", "DMARC-REMOVED-TAGS",
                "DMARC-POLICY-QUARANTINE", "DMARC-NP-WEAK");
        dmarcCase("dm-removed.test", List.of("v=DMARC1;p=reject;ri=3600;" + rua), "DMARC-REMOVED-TAGS");
        dmarcCase("dm-testmode.test", List.of("v=DMARC1;p=reject;t=y;" + rua), "DMARC-TEST-MODE", "DMARC-POLICY-QUARANTINE", "DMARC-NP-WEAK");
        dmarcCase("dm-norua.test", List.of("v=DMARC1;p=reject"), "DMARC-NO-RUA");
        dmarcCase("dm-uri.test", List.of("v=DMARC1;p=reject;rua=https://reports.test/dmarc,mailto:dmarc@reports.test!10m,notauri"), "DMARC-URI-INVALID");
        dmarcCase("dm-count.test", List.of("v=DMARC1;p=reject;rua=mailto:a@reports.test,mailto:b@reports.test,mailto:c@reports.test"), "DMARC-URI-COUNT");
        dmarcCase("dm-nomx.test", List.of("v=DMARC1;p=reject;rua=mailto:dmarc@nowhere-at-all.test"), "DMARC-REPORT-DOMAIN-NO-MX", "REPORTAUTH-MISSING");
        dmarcCase("dm-long.test", List.of("v=DMARC1;p=reject;rua=mailto:" + "a".repeat(200) + "@reports.test,mailto:" + "b".repeat(200) + "@reports.test"),
                "DMARC-RECORD-LONG");
        // inherited: sub.dm-parent.test has no own record
        dmarcCase("sub.dm-parent.test", List.of(), "DMARC-INHERITED", "DMARC-POLICY-QUARANTINE", "DMARC-NP-WEAK");
        rr("_dmarc.dm-parent.test", "TXT", "\"v=DMARC1;p=reject;sp=quarantine;" + rua + "\"");
        dmarcCase("sub.dm-parentnone.test", List.of(), "DMARC-INHERITED", "DMARC-POLICY-NONE", "DMARC-SP-NONE", "DMARC-NP-WEAK");
        rr("_dmarc.dm-parentnone.test", "TXT", "\"v=DMARC1;p=reject;sp=none;" + rua + "\"");
        // sp on a record below the Organizational Domain never applies
        dmarcCase("sub.dm-spineff.test", List.of("v=DMARC1;p=reject;sp=reject;" + rua), "DMARC-SP-INEFFECTIVE");
        rr("_dmarc.dm-spineff.test", "TXT", "\"v=DMARC1;p=reject;" + rua + "\"");
        // psd=y above: both modes find the same record, but the Organizational Domains differ
        dmarcCase("org.dm-psd.test", List.of(), "DMARC-INHERITED", "DMARC-DISCOVERY-DIVERGES");
        rr("_dmarc.dm-psd.test", "TXT", "\"v=DMARC1;p=reject;psd=y;" + rua + "\"");
        // null MX but SPF authorises senders
        d = "nullsend.test";
        rr(d, "MX", "0 .");
        rr(d, "TXT", "\"v=spf1 ip4:192.0.2.0/24 -all\"");
        ownSpf.add(d);
        ownDmarc.add(d);
        rr("_dmarc." + d, "TXT", "\"v=DMARC1;p=reject;" + rua + "\"");
        expect(d, "MX-NULL", "MX-NULL-BUT-SENDING", "DNSSEC-UNSIGNED");

        // ---- REPORTAUTH ----
        rr("reports-noauth.test", "MX", "10 mx.reports.test.");
        dmarcCase("ra-missing.test", List.of("v=DMARC1;p=reject;rua=mailto:dmarc@reports-noauth.test"), "REPORTAUTH-MISSING");
        rr("reports-bad.test", "MX", "10 mx.reports.test.");
        rr("ra-invalid.test._report._dmarc.reports-bad.test", "TXT", "\"v=spf1 -all\"");
        dmarcCase("ra-invalid.test", List.of("v=DMARC1;p=reject;rua=mailto:dmarc@reports-bad.test"), "REPORTAUTH-INVALID");
        rr("reports-ovr.test", "MX", "10 mx.reports.test.");
        rr("ra-override.test._report._dmarc.reports-ovr.test", "TXT", "\"v=DMARC1; rua=mailto:elsewhere@reports-ovr.test\"");
        dmarcCase("ra-override.test", List.of("v=DMARC1;p=reject;rua=mailto:dmarc@reports-ovr.test"), "REPORTAUTH-OVERRIDE-URI");

        // ---- UK DMARC ----
        String cRua = "mailto:dmarc-rua@dmarc.service.gov.uk";
        String cRuf = "mailto:dmarc-ruf@dmarc.service.gov.uk";
        Set<String> ukBase = Set.of("MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "UK-DMARC-ROLLOUT-STAGE");
        d = "uk-start.gov.uk";
        ukDmarc(d, "v=DMARC1;p=none;sp=none;fo=1;rua=" + cRua + ",mailto:dmarc@" + d + ";ruf=" + cRuf);
        expect(d, plus(ukBase, "DMARC-POLICY-NONE", "DMARC-NP-WEAK", "UK-DMARC-CENTRAL-RUF"));
        d = "uk-nocentral.gov.uk";
        ukDmarc(d, "v=DMARC1;p=reject;sp=reject;rua=mailto:dmarc@" + d);
        expect(d, plus(ukBase, "UK-DMARC-CENTRAL-RUA"));
        d = "uk-mistyped.gov.uk";
        ukDmarc(d, "v=DMARC1;p=reject;sp=reject;rua=mailto:dmarc@dmarc.service.gov.uk,mailto:dmarc@" + d);
        expect(d, plus(ukBase, "UK-DMARC-CENTRAL-RUA-MISTYPED"));
        d = "uk-noown.gov.uk";
        ukDmarc(d, "v=DMARC1;p=reject;sp=reject;rua=" + cRua);
        expect(d, plus(ukBase, "UK-DMARC-OWN-RUA"));
        d = "uk-nonsend.gov.uk";
        ukDmarc(d, "v=DMARC1;p=quarantine;sp=quarantine;rua=" + cRua + ",mailto:dmarc@" + d);
        rr(d, "TXT", "\"v=spf1 -all\"");
        ownSpf.add(d);
        expect(d, plus(ukBase, "UK-NONSENDING-DMARC", "DMARC-POLICY-QUARANTINE", "DMARC-NP-WEAK"));
        d = "uk-nop.gov.uk";
        ukDmarc(d, "v=DMARC1;sp=reject");
        expect(d, "MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD", "DMARC-NO-POLICY-TAG", "DMARC-NO-RUA");
        d = "uk-gsi.gov.uk";
        ukDmarc(d, "v=DMARC1;p=reject;sp=reject;rua=" + cRua + ",mailto:dmarc@" + d + ";ruf=mailto:dmarc@old.gsi.gov.uk");
        rr("old.gsi.gov.uk", "MX", "10 mail.gsi.gov.uk.");
        expect(d, plus(ukBase, "UK-LEGACY-GSI", "REPORTAUTH-MISSING", "UK-DMARC-ROLLOUT-STAGE"));

        // ---- SPF ----
        rr("_spf.reports.test", "TXT", "\"v=spf1 ip4:198.51.100.0/24 -all\"");
        spfCase("spf-none.test", List.of(), "SPF-NO-RECORD");
        spfCase("spf-multi.test", List.of("\"v=spf1 ip4:192.0.2.0/24 -all\"", "\"v=spf1 include:_spf.reports.test -all\""), "SPF-MULTIPLE-RECORDS");
        spfCase("spf-badver.test", List.of("\"v=spf1include:_spf.reports.test -all\""), "SPF-BAD-VERSION");
        spfCase("spf-split.test", List.of("\"v=spf1 ip4:192.0.2.1\" \"include:_spf.reports.test -all\""), "SPF-SPLIT-STRING");
        spfCase("spf-syntax.test", List.of("\"v=spf1 ip4:192.0.2.300 -all\""), "SPF-SYNTAX");
        spfCase("spf-unkmod.test", List.of("\"v=spf1 ip4:192.0.2.0/24 -all foo=bar\""), "SPF-UNKNOWN-MODIFIER");
        StringBuilder eleven = new StringBuilder("v=spf1");
        StringBuilder seven = new StringBuilder("v=spf1");
        for (int i = 1; i <= 11; i++) {
            rr("inc" + i + ".reports.test", "TXT", "\"v=spf1 ip4:198.51.100." + i + " -all\"");
            eleven.append(" include:inc").append(i).append(".reports.test");
            if (i <= 7) {
                seven.append(" include:inc").append(i).append(".reports.test");
            }
        }
        spfCase("spf-limit.test", List.of(org.mailward.records.ZoneText.txtData(eleven + " -all")), "SPF-LOOKUP-LIMIT");
        spfCase("spf-near.test", List.of(org.mailward.records.ZoneText.txtData(seven + " -all")), "SPF-LOOKUP-NEAR-LIMIT");
        spfCase("spf-void.test", List.of("\"v=spf1 a:gone1.spf-void.test a:gone2.spf-void.test a:gone3.spf-void.test -all\""), "SPF-VOID-LIMIT");
        spfCase("spf-voidterm.test", List.of("\"v=spf1 a:gone.spf-voidterm.test -all\""), "SPF-VOID-TERM");
        spfCase("spf-mxmany.test", List.of("\"v=spf1 mx:manymx.test -all\""), "SPF-MX-TOO-MANY", "SPF-MX-MECHANISM");
        spfCase("spf-mx.test", List.of("\"v=spf1 mx -all\""), "SPF-MX-MECHANISM");
        spfCase("spf-ptr.test", List.of("\"v=spf1 ptr -all\""), "SPF-PTR");
        spfCase("spf-incnone.test", List.of("\"v=spf1 include:reports.test -all\""), "SPF-INCLUDE-NO-RECORD", "SPF-VOID-TERM");
        spfCase("spf-redirnone.test", List.of("\"v=spf1 redirect=reports.test\""), "SPF-REDIRECT-NO-RECORD", "SPF-VOID-TERM");
        spfCase("spf-redirall.test", List.of("\"v=spf1 -all redirect=_spf.reports.test\""), "SPF-REDIRECT-IGNORED");
        spfCase("spf-dupmod.test", List.of("\"v=spf1 redirect=_spf.reports.test redirect=_spf.reports.test\""), "SPF-DUPLICATE-MODIFIER");
        spfCase("spf-order.test", List.of("\"v=spf1 -all ip4:192.0.2.0/24\""), "SPF-TERM-ORDER");
        rr("loop1.reports.test", "TXT", "\"v=spf1 include:loop2.reports.test -all\"");
        rr("loop2.reports.test", "TXT", "\"v=spf1 include:loop1.reports.test -all\"");
        spfCase("spf-loop.test", List.of("\"v=spf1 include:loop1.reports.test -all\""), "SPF-LOOP");
        spfCase("spf-dupinc.test", List.of("\"v=spf1 include:_spf.reports.test include:_spf.reports.test -all\""), "SPF-LOOP");
        spfCase("spf-pass.test", List.of("\"v=spf1 +all\""), "SPF-ALL-PASS");
        spfCase("spf-weak.test", List.of("\"v=spf1 ip4:192.0.2.0/24 ?all\""), "SPF-ALL-WEAK");
        StringBuilder bigSpf = new StringBuilder("v=spf1");
        for (int i = 0; i < 40; i++) {
            bigSpf.append(" ip4:198.18.").append(i).append(".0/24");
        }
        spfCase("spf-size.test", List.of(org.mailward.records.ZoneText.txtData(bigSpf + " -all")), "SPF-RECORD-SIZE");
        spfCase("spf-legacy.test", List.of("\"v=spf1 ip4:192.0.2.0/24 -all\"", "\"spf2.0/pra ip4:192.0.2.0/24 -all\""), "SPF-LEGACY-RECORDS");
        d = "uk-spfweak.gov.uk";
        spfCase(d, List.of("\"v=spf1 ip4:192.0.2.0/24\""), "SPF-ALL-WEAK", "UK-DMARC-ROLLOUT-STAGE");
        d = "uk-nullspf.gov.uk";
        rr(d, "MX", "0 .");
        rr(d, "TXT", "\"v=spf1 ip4:192.0.2.0/24 -all\"");
        ownSpf.add(d);
        expect(d, "MX-NULL", "MX-NULL-BUT-SENDING", "UK-NONSENDING-SPF", "UK-NONSENDING-DMARC", "DMARC-REPORT-DOMAIN-NO-MX", "DNSSEC-UNSIGNED");

        // ---- PTR of outbound hosts (single addresses in the domain's SPF) ----
        spfCase("ptr-out.test", List.of("\"v=spf1 ip4:192.0.2.77 -all\""), "PTR-MISSING");
        d = "uk-ptrout.gov.uk";
        spfCase(d, List.of("\"v=spf1 ip4:192.0.2.78 -all\""), "PTR-NOT-CONFIRMED", "UK-DMARC-ROLLOUT-STAGE");
        rr("78.2.0.192.in-addr.arpa", "PTR", "out." + d + ".");

        // ---- DKIM (probed selectors; configured ones are in DkimChecksTest) ----
        dkimCase("dk-none.test", Map.of(), "DKIM-NO-SELECTOR");
        dkimCase("dk-multi.test", Map.of("selector1", List.of("v=DKIM1; p=" + dkimKey, "v=DKIM1; p=")), "DKIM-MULTIPLE-RECORDS");
        dkimCase("dk-syntax.test", Map.of("selector1", List.of("v=DKIM2; p=" + dkimKey)), "DKIM-SYNTAX");
        dkimCase("dk-escaped.test", Map.of("selector1", List.of("v=DKIM1\\; k=rsa\\; p=" + dkimKey)), "DKIM-SYNTAX");
        dkimCase("dk-nop.test", Map.of("selector1", List.of("v=DKIM1; k=rsa")), "DKIM-NO-P-TAG");
        dkimCase("dk-revoked.test", Map.of("selector1", List.of("v=DKIM1; p=")), "DKIM-KEY-REVOKED");
        dkimCase("dk-corrupt.test", Map.of("selector1", List.of("v=DKIM1; p=!!notbase64")), "DKIM-KEY-CORRUPT");
        dkimCase("dk-ktype.test", Map.of("selector1", List.of("v=DKIM1; k=dsa; p=" + dkimKey)), "DKIM-KEY-TYPE");
        dkimCase("dk-short.test", Map.of("selector1", List.of("v=DKIM1; p=" + dkimKey(512))), "DKIM-RSA-TOO-SHORT");
        dkimCase("dk-1024.test", Map.of("google", List.of("v=DKIM1; p=" + dkimKey(1024))), "DKIM-RSA-1024");
        dkimCase("dk-sha1.test", Map.of("k1", List.of("v=DKIM1; h=sha1; p=" + dkimKey)), "DKIM-SHA1");
        dkimCase("dk-flags.test", Map.of("s1", List.of("v=DKIM1; t=y; p=" + dkimKey)), "DKIM-FLAGS");
        d = "dk-dangling.test";
        dkimCase(d, Map.of("selector1", List.of("v=DKIM1; p=" + dkimKey)), "DKIM-SELECTOR-DANGLING-CNAME");
        rr("selector2._domainkey." + d, "CNAME", "selector2-dk-dangling-test._domainkey.provider-gone.test.");
        d = "uk-nsdkim.gov.uk";
        rr(d, "MX", "0 .");
        ukDmarc0(d, "v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s;rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@" + d);
        ownDkim.add(d);
        rr("selector1._domainkey." + d, "TXT", org.mailward.records.ZoneText.txtData("v=DKIM1; p=" + dkimKey));
        expect(d, "MX-NULL", "DNSSEC-UNSIGNED", "UK-DMARC-ROLLOUT-STAGE", "DMARC-REPORT-DOMAIN-NO-MX", "UK-NONSENDING-DKIM");

        // ---- hostile DNS ----
        d = "hugetxt.test";
        mx(d, 10, "mx." + d);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            big.append("\"").append("y".repeat(255)).append("\" ");
        }
        for (int i = 0; i < 20; i++) {
            rr("_mta-sts." + d, "TXT", "\"v=STSv1; id=" + i + "\" " + big);
        }
        expect(d, "MX-HOST-NO-ADDRESS", "DNSSEC-UNSIGNED", "MTASTS-MULTIPLE-RECORDS", "MTASTS-POLICY-UNREACHABLE", "TLSRPT-NO-RECORD");
        d = "manymx.test";
        for (int i = 0; i < 300; i++) {
            mx(d, i, "h" + i + ".nowhere-at-all.test");
        }
        expect(d, "MX-HOST-NO-ADDRESS", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");
        d = "cnameloop.test";
        rr("a." + d, "CNAME", "b." + d + ".");
        rr("b." + d, "CNAME", "a." + d + ".");
        mx(d, 10, "a." + d);
        expect(d, "GEN-DNS-INCONCLUSIVE", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD");

        rulesHelperDomains();
        // Every other domain gets a record that triggers no DMARC/REPORTAUTH/UK-DMARC rule except the UK stage report.
        rr("dmarc.service.gov.uk", "MX", "10 mx.dmarc.service.gov.uk.");
        rr("*._report._dmarc.dmarc.service.gov.uk", "TXT", "\"v=DMARC1\"");
        for (String dom : expected.keySet()) {
            if (dom.equals("nx.test")) {
                continue;
            }
            if (!ownSpf.contains(dom)) {
                // null-MX domains send nothing: v=spf1 -all; the others send from a documentation range.
                boolean nullMx = zone.toString().contains("\n" + dom + ". 300 IN MX 0 .") || zone.toString().startsWith(dom + ". 300 IN MX 0 .");
                rr(dom, "TXT", nullMx ? "\"v=spf1 -all\"" : "\"v=spf1 ip4:192.0.2.0/24 -all\"");
            }
            if (!ownDkim.contains(dom)) {
                boolean nullMx = zone.toString().contains("\n" + dom + ". 300 IN MX 0 .") || zone.toString().startsWith(dom + ". 300 IN MX 0 .")
                        || dom.equals("uk-nonsend.gov.uk");
                // non-sending domains revoke everything with a wildcard (GOV.UK); the others sign with selector1
                rr(nullMx ? "*._domainkey." + dom : "selector1._domainkey." + dom, "TXT",
                        org.mailward.records.ZoneText.txtData(nullMx ? "v=DKIM1; p=" : "v=DKIM1; k=rsa; p=" + dkimKey));
            }
            if (ownDmarc.contains(dom)) {
                continue;
            }
            if (dom.endsWith(".gov.uk")) {
                rr("_dmarc." + dom, "TXT", "\"v=DMARC1;p=reject;sp=reject;fo=1;rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@" + dom + "\"");
                expected.get(dom).add("UK-DMARC-ROLLOUT-STAGE");
            } else {
                rr("_dmarc." + dom, "TXT", "\"v=DMARC1;p=reject;rua=mailto:dmarc@reports.test\"");
            }
        }
        startNameServers();
    }

    // ------------------------------------------- [REPORTS], non-sending without null MX, BIMI, RPKI, NS consistency

    /** Selectors "seen in DMARC reports" per domain, served to the checker as {@link ReportedSelectors}. */
    private final Map<String, Map<String, Instant>> reportedSelectors = new LinkedHashMap<>();

    public ReportedSelectors reportedSelectors() {
        return domain -> java.util.Optional.ofNullable(reportedSelectors.get(Resolver.normalise(domain)));
    }

    private void rulesHelperDomains() throws Exception {
        // UK profile, SPF exactly -all and no MX at all: non-sending and non-receiving, so a null MX is asked for.
        String d = "uk-nsnomx.gov.uk";
        rr(d, "TXT", "\"v=spf1 -all\"");
        ownSpf.add(d);
        ownDkim.add(d);
        rr("*._domainkey." + d, "TXT", "\"v=DKIM1; p=\"");
        expect(d, "MX-NONE", "UK-NONSENDING-NULL-MX", "UK-NONSENDING-DMARC", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD", "TLSRPT-NO-RECORD",
                "DMARC-REPORT-DOMAIN-NO-MX");
        // Reports saw a selector that has no key, and not the live selector1 for 60 days.
        d = "dk-reports.test";
        dkimCase(d, Map.of("selector1", List.of("v=DKIM1; p=" + dkimKey)), "DKIM-SELECTOR-NO-KEY", "DKIM-UNUSED-SELECTOR");
        reportedSelectors.put(d, Map.of("retired2025", NOW.minus(Duration.ofDays(3)), "selector1", NOW.minus(Duration.ofDays(60))));
        // Reports saw the revoked selector signing two days ago: DKIM-KEY-REVOKED is an ERROR.
        d = "dk-revsign.test";
        dkimCase(d, Map.of("selector1", List.of("v=DKIM1; p=")), "DKIM-KEY-REVOKED");
        reportedSelectors.put(d, Map.of("selector1", NOW.minus(Duration.ofDays(2))));
        bimiDomains();
        nsDomains();
        rpkiDomains();
        revocationDomains();
    }

    /** CERT-REVOKED: MX certificates with a CRL or OCSP source on a plain HTTP server of the world. */
    private void revocationDomains() throws Exception {
        int httpPort = freePort();
        Map<String, AssetServer.Asset> answers = new java.util.concurrent.ConcurrentHashMap<>();
        InetAddress ip = InetAddress.getByName("127.0.3.1");
        rr("pki.rules.test", "A", ip.getHostAddress());
        rr("pki-down.rules.test", "A", "127.0.3.2");
        servers.add(new AssetServer(ip, httpPort, java.util.Optional.empty(),
                p -> java.util.Optional.ofNullable(answers.get(p.startsWith("/ocsp/") ? "/ocsp/" : p))));
        String base = "http://pki.rules.test:" + httpPort;
        String d = "cert-revoked.test";
        TestCerts.Identity viaCrl = RulesPki.revocableLeaf(ca, "mx." + d, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(300)), base + "/ca.crl", null);
        standardMxWith(d, viaCrl, s -> s);
        answers.put("/ca.crl", AssetServer.Asset.ok("application/pkix-crl", RulesPki.crl(ca, NOW, List.of(viaCrl.chain().get(0)))));
        expect(d, plus(BASE, "CERT-REVOKED"));
        d = "cert-ocsprevoked.test";
        TestCerts.Identity viaOcsp = RulesPki.revocableLeaf(ca, "mx." + d, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(300)), null, base + "/ocsp");
        standardMxWith(d, viaOcsp, s -> s);
        answers.put("/ocsp/", AssetServer.Asset.ok("application/ocsp-response", RulesPki.ocspRevoked(ca, viaOcsp.chain().get(0), NOW)));
        expect(d, plus(BASE, "CERT-REVOKED"));
        d = "cert-revunknown.test";
        standardMxWith(d, RulesPki.revocableLeaf(ca, "mx." + d, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(300)),
                "http://pki-down.rules.test:" + httpPort + "/ca.crl", null), s -> s);
        expect(d, plus(BASE, "CERT-REVOKED"));
        d = "nocaa.test";
        standardMx(d, s -> s);
        expect(d, plus(BASE, "CERT-REVOKED"));
        d = "cert-notrevoked.test";
        standardMxWith(d, RulesPki.revocableLeaf(ca, "mx." + d, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(300)), base + "/ca.crl",
                base + "/ocsp"), s -> s);
        // not revoked (the CRL says so first); the leaf names an OCSP responder and the server does not staple: INFO
        expect(d, plus(BASE, "CERT-REVOKED"));
    }

    /** RPKI data files of the world (the optional module reads them like --rpki-vrps / --rpki-routes). */
    private final StringBuilder vrpJson = new StringBuilder();
    private final StringBuilder routesText = new StringBuilder("# prefix origin\n");

    public org.mailward.check.rpki.OriginValidation rpki() {
        return new org.mailward.check.rpki.OriginValidation(org.mailward.check.rpki.Vrps.parse("{\"roas\":[" + vrpJson + "]}"),
                org.mailward.check.rpki.Routes.parse(routesText.toString()));
    }

    private void rpkiDomains() throws Exception {
        // valid: ROA for the origin; invalid: the ROA names another AS; not-found: no ROA covers the route
        String[][] cases = {{"rpki-valid.test", "64500"}, {"rpki-invalid.test", "64511"}, {"rpki-notfound.test", ""}};
        for (String[] c : cases) {
            standardMx(c[0], s -> s);
            String ip = InetAddress.getByName("127.0.0." + (nextSmtp - 1)).getHostAddress();
            routesText.append(ip).append("/32 AS64500\n");
            if (!c[1].isEmpty()) {
                vrpJson.append(vrpJson.length() == 0 ? "" : ",").append("{\"prefix\":\"").append(ip).append("/32\",\"maxLength\":32,\"asn\":\"AS")
                        .append(c[1]).append("\"}");
            }
        }
        expect("rpki-valid.test", BASE);
        expect("rpki-invalid.test", plus(BASE, "RPKI-ROUTE"));
        expect("rpki-notfound.test", plus(BASE, "RPKI-ROUTE"));
    }

    /** Domains with their own NS RRset, served by {@link TinyDnsServer}s (started after the zone is complete). */
    private final Map<String, List<InetAddress>> nsServers = new LinkedHashMap<>();
    public final int dnsPort = freePort();

    /** Domains whose NS records point at the tiny servers (a real DNS server would treat them as delegations). */
    public Set<String> delegated() {
        return nsServers.keySet();
    }

    private void nsDomains() throws Exception {
        int next = 1;
        for (String d : List.of("ns-ok.test", "ns-diff.test", "ns-down.test")) {
            standardMx(d, s -> s);
            List<InetAddress> ips = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                InetAddress ip = InetAddress.getByName("127.0.2." + next++);
                ips.add(ip);
                rr(d, "NS", "ns" + i + "." + d + ".");
                rr("ns" + i + "." + d, "A", ip.getHostAddress());
            }
            nsServers.put(d, ips);
        }
        expect("ns-ok.test", BASE);
        expect("ns-diff.test", plus(BASE, "GEN-NS-INCONSISTENT"));
        expect("ns-down.test", plus(BASE, "GEN-NS-INCONSISTENT"));
    }

    /**
     * Starts the nameservers of {@link #nsDomains}: each serves the domain's part of the finished zone; the second
     * server of ns-diff.test is a stale secondary with another DMARC record; the second of ns-down.test is not started.
     */
    private void startNameServers() throws Exception {
        for (Map.Entry<String, List<InetAddress>> e : nsServers.entrySet()) {
            String d = e.getKey();
            StringBuilder z = new StringBuilder(d + ". 300 IN SOA ns1." + d + ". hostmaster." + d + ". 1 3600 600 86400 300\n");
            zone.toString().lines().filter(l -> l.startsWith(d + ". ") || l.contains("." + d + ". ") && l.indexOf("." + d + ". ") < l.indexOf(' '))
                    .forEach(l -> z.append(l).append('\n'));
            servers.add(new TinyDnsServer(e.getValue().get(0), dnsPort, d, z.toString()));
            if (d.equals("ns-diff.test")) {
                String stale = z.toString().replaceAll("(?m)^(_dmarc\\.ns-diff\\.test\\. 300 IN TXT ).*$", "$1\"v=DMARC1;p=none\"");
                servers.add(new TinyDnsServer(e.getValue().get(1), dnsPort, d, stale));
            } else if (d.equals("ns-ok.test")) {
                servers.add(new TinyDnsServer(e.getValue().get(1), dnsPort, d, z.toString()));
            }
        }
    }

    /** BIMI (optional module, enabled in the world config): logos and mark certificates on one HTTPS asset host. */
    private void bimiDomains() throws Exception {
        String host = "bimi.assets.test";
        Map<String, AssetServer.Asset> assets = new java.util.concurrent.ConcurrentHashMap<>();
        InetAddress ip = InetAddress.getByName("127.0.1." + nextHttps++);
        rr(host, "A", ip.getHostAddress());
        servers.add(new AssetServer(ip, httpsPort, java.util.Optional.of(good(host)), p -> java.util.Optional.ofNullable(assets.get(p))));
        String base = "https://" + host + ":" + httpsPort + "/";
        String goodSvg = svg("tiny-ps", "viewBox=\"0 0 100 100\"", "<title>Example</title><path d=\"M0 0h100v100z\" fill=\"#036\"/>");
        String badSvg = svg("tiny", "viewBox=\"0 0 200 100\"", "<title>Bad</title><script>alert(1)</script><image href=\"https://tracker.test/x.png\"/>");
        java.util.function.BiConsumer<String, String> publish = (d, svg) -> {
            assets.put("/" + d + "/logo.svg", AssetServer.Asset.ok("image/svg+xml", svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            rr("default._bimi." + d, "TXT", "\"v=BIMI1; l=" + base + d + "/logo.svg; a=" + base + d + "/vmc.pem\"");
        };
        String d = "bimi-ok.test";
        standardMx(d, s -> s);
        publish.accept(d, goodSvg);
        assets.put("/" + d + "/vmc.pem", vmc(d, NOW.plus(Duration.ofDays(300))));
        expect(d, BASE);
        d = "bimi-syntax.test";
        standardMx(d, s -> s);
        rr("default._bimi." + d, "TXT", "\"v=BIMI1; l=http://" + host + "/logo.svg; x=1\"");
        rr(d, "TXT", "\"v=BIMI1; l=" + base + d + "/logo.svg\"");
        expect(d, plus(BASE, "BIMI-SYNTAX"));
        d = "bimi-dmarc.test";
        dmarcCase(d, List.of("v=DMARC1;p=none;rua=mailto:dmarc@reports.test"), "DMARC-POLICY-NONE", "DMARC-NP-WEAK", "BIMI-DMARC-NOT-ENFORCED");
        publish.accept(d, goodSvg);
        assets.put("/" + d + "/vmc.pem", vmc(d, NOW.plus(Duration.ofDays(300))));
        d = "bimi-assets.test";
        standardMx(d, s -> s);
        publish.accept(d, badSvg);
        assets.put("/" + d + "/vmc.pem", vmc("elsewhere.test", NOW.minus(Duration.ofDays(1))));
        expect(d, plus(BASE, "BIMI-ASSETS"));
        // a good logo on a host whose TLS certificate is self-signed
        String selfHost = "bimi-selfsigned.assets.test";
        InetAddress ip2 = InetAddress.getByName("127.0.1." + nextHttps++);
        rr(selfHost, "A", ip2.getHostAddress());
        byte[] logo = goodSvg.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        servers.add(new AssetServer(ip2, httpsPort, java.util.Optional.of(TestCerts.leaf(null, List.of(selfHost), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)), TestCerts.ec(), "SHA256withECDSA")), p -> java.util.Optional.of(AssetServer.Asset.ok("image/svg+xml", logo))));
        d = "bimi-tlshost.test";
        standardMx(d, s -> s);
        rr("default._bimi." + d, "TXT", "\"v=BIMI1; l=https://" + selfHost + ":" + httpsPort + "/logo.svg\"");
        expect(d, plus(BASE, "BIMI-ASSETS"));
    }

    private AssetServer.Asset vmc(String domain, Instant notAfter) throws Exception {
        return AssetServer.Asset.ok("application/pem-certificate-chain", RulesPki.markCertificatePem(ca, domain, NOW.minus(Duration.ofDays(30)), notAfter)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static String svg(String baseProfile, String size, String content) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.2\" baseProfile=\""
                + baseProfile + "\" " + size + ">" + content + "</svg>\n";
    }

    /**
     * TLS and certificate rules that need a server no ordinary configuration gives: real BC JSSE servers where BC can
     * be made to misbehave (SSL 3.0, SHA-1 key-exchange signatures, anonymous and NULL suites, a serverAuth-less
     * certificate), and {@link ScriptedTls} answers for the rest (SSL 2.0, DEFLATE, no renegotiation_info, DH-1024),
     * each applied only to the ClientHellos that misbehaviour concerns.
     */
    private void tlsAndCertRules() throws Exception {
        tlsCase("ssl2.test", good("mx.ssl2.test"), s -> s, FakeSmtpServer.TlsExtras.scripted(ScriptedTls.Misbehaviour.SSL2), "TLS-SSL-ENABLED");
        tlsCase("ssl3.test", goodRsa("mx.ssl3.test"), s -> s.protocols("TLSv1.3", "TLSv1.2", "SSLv3")
                .suites(concat(FakeSmtpServer.GOOD_SUITES, "TLS_RSA_WITH_AES_128_CBC_SHA")), FakeSmtpServer.TlsExtras.NONE, "TLS-SSL-ENABLED", "TLS-WEAK-CIPHER");
        tlsCase("ssl3only.test", goodRsa("mx.ssl3only.test"), s -> s.protocols("SSLv3").suites("TLS_RSA_WITH_AES_128_CBC_SHA"), FakeSmtpServer.TlsExtras.NONE,
                "TLS-HANDSHAKE-FAILS", "TLS-SSL-ENABLED");
        tlsCase("deflate.test", good("mx.deflate.test"), s -> s, FakeSmtpServer.TlsExtras.scripted(ScriptedTls.Misbehaviour.COMPRESSION), "TLS-COMPRESSION");
        tlsCase("noreneg.test", good("mx.noreneg.test"), s -> s, FakeSmtpServer.TlsExtras.scripted(ScriptedTls.Misbehaviour.NO_RENEGOTIATION_INFO),
                "TLS-RENEGOTIATION");
        tlsCase("clientreneg.test", good("mx.clientreneg.test"), s -> s, FakeSmtpServer.TlsExtras.jdk(), "TLS-RENEGOTIATION");
        tlsCase("noems.test", good("mx.noems.test"), s -> s, FakeSmtpServer.TlsExtras.noExtendedMasterSecret(), "TLS-RENEGOTIATION", "TLS-NO-TLS13");
        tlsCase("p224.test", good("mx.p224.test"), s -> s, FakeSmtpServer.TlsExtras.scripted(ScriptedTls.Misbehaviour.CURVE_P224), "TLS-WEAK-DH");
        tlsCase("dh1024.test", goodRsa("mx.dh1024.test"), s -> s, FakeSmtpServer.TlsExtras.scripted(ScriptedTls.Misbehaviour.DH_1024), "TLS-WEAK-DH");
        tlsCase("sha1kx.test", good("mx.sha1kx.test"), s -> s.protocols("TLSv1.2"), new FakeSmtpServer.TlsExtras(null, List.of("ecdsa_sha1"), false),
                "TLS-SHA1-SIGNATURE", "TLS-NO-TLS13");
        tlsCase("nullcipher.test", good("mx.nullcipher.test"), s -> s.suites(concat(FakeSmtpServer.GOOD_SUITES, "TLS_ECDHE_ECDSA_WITH_NULL_SHA")),
                FakeSmtpServer.TlsExtras.NONE, "TLS-INSECURE-CIPHER");
        tlsCase("anon.test", good("mx.anon.test"), s -> s.protocols("TLSv1.2").suites("TLS_DH_anon_WITH_AES_128_GCM_SHA256"), FakeSmtpServer.TlsExtras.NONE,
                "TLS-INSECURE-CIPHER", "CERT-NONE");
        tlsCase("clientauth.test", TestCerts.leaf(ca, List.of("mx.clientauth.test"), NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(365)),
                TestCerts.ec(), "SHA256withECDSA", true), s -> s, new FakeSmtpServer.TlsExtras(null, List.of(), true), "CERT-KEY-USAGE");
    }

    private void tlsCase(String d, TestCerts.Identity id, UnaryOperator<FakeSmtpServer.Setup> tweak, FakeSmtpServer.TlsExtras extras, String... ids)
            throws Exception {
        InetAddress ip = smtpIp();
        host("mx." + d, ip, true);
        servers.add(new FakeSmtpServer(ip, smtpPort, tweak.apply(FakeSmtpServer.Setup.good("mx." + d, id)), extras));
        mx(d, 10, "mx." + d);
        expect(d, plus(BASE, ids));
    }

    private TestCerts.Identity goodRsa(String name) throws Exception {
        return TestCerts.leaf(ca, List.of(name), NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(365)), TestCerts.rsa(3072), "SHA256withECDSA");
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }

    private void dmarcCase(String d, List<String> records, String... ids) throws Exception {
        standardMx(d, s -> s);
        ownDmarc.add(d);
        for (String r : records) {
            rr("_dmarc." + d, "TXT", org.mailward.records.ZoneText.txtData(r));
        }
        Set<String> e = new TreeSet<>(BASE);
        e.addAll(List.of(ids));
        expected.put(d, e);
    }

    private void spfCase(String d, List<String> txtData, String... ids) throws Exception {
        standardMx(d, s -> s);
        ownSpf.add(d);
        for (String t : txtData) {
            rr(d, "TXT", t);
        }
        Set<String> e = new TreeSet<>(BASE);
        e.addAll(List.of(ids));
        expected.put(d, e);
    }

    private void dkimCase(String d, Map<String, List<String>> selectors, String... ids) throws Exception {
        standardMx(d, s -> s);
        ownDkim.add(d);
        selectors.forEach((sel, texts) -> texts.forEach(t -> rr(sel + "._domainkey." + d, "TXT", org.mailward.records.ZoneText.txtData(t))));
        Set<String> e = new TreeSet<>(BASE);
        e.addAll(List.of(ids));
        expected.put(d, e);
    }

    private void ukDmarc0(String d, String record) {
        ownDmarc.add(d);
        rr("_dmarc." + d, "TXT", org.mailward.records.ZoneText.txtData(record));
    }

    private static String dkimKey(int bits) {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return java.util.Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ukDmarc(String d, String record) throws Exception {
        standardMx(d, s -> s);
        ownDmarc.add(d);
        rr("_dmarc." + d, "TXT", org.mailward.records.ZoneText.txtData(record));
    }

    // ---------------------------------------------------------------- helpers

    private void stsCase(String d, PolicyServer.Answer a, String... ids) throws Exception {
        stsCaseMx(d, x -> a, ids);
    }

    private void stsCaseMx(String d, java.util.function.Function<String, PolicyServer.Answer> a, String... ids) throws Exception {
        standardMx(d, s -> s);
        sts(d, a.apply(d));
        rpt(d, "mailto:tlsrpt@" + d);
        Set<String> e = new TreeSet<>(Set.of("MX-IPV6", "DNSSEC-UNSIGNED"));
        e.addAll(List.of(ids));
        expected.put(d, e);
    }

    private void rptCase(String d, List<String> records, String... ids) throws Exception {
        standardMx(d, s -> s);
        for (String r : records) {
            rr("_smtp._tls." + d, "TXT", "\"" + r + "\"");
        }
        Set<String> e = new TreeSet<>(Set.of("MX-IPV6", "DNSSEC-UNSIGNED", "MTASTS-NO-RECORD"));
        e.addAll(List.of(ids));
        expected.put(d, e);
    }

    /** mx.<d> on a new loopback address with PTR, a good certificate and the given setup tweak. */
    private void standardMx(String d, UnaryOperator<FakeSmtpServer.Setup> tweak) throws Exception {
        standardMxWith(d, good("mx." + d), tweak);
    }

    private void standardMxWith(String d, TestCerts.Identity id, UnaryOperator<FakeSmtpServer.Setup> tweak) throws Exception {
        InetAddress ip = smtpIp();
        host("mx." + d, ip, true);
        smtp(ip, tweak.apply(FakeSmtpServer.Setup.good("mx." + d, id)));
        mx(d, 10, "mx." + d);
    }

    private void sts(String d, PolicyServer.Answer answer) throws Exception {
        stsWith(d, answer, good("mta-sts." + d));
    }

    private void stsWith(String d, PolicyServer.Answer answer, TestCerts.Identity id) throws Exception {
        InetAddress ip = InetAddress.getByName("127.0.1." + nextHttps++);
        rr("_mta-sts." + d, "TXT", "\"v=STSv1; id=20260101T000000\"");
        rr("mta-sts." + d, "A", ip.getHostAddress());
        servers.add(new PolicyServer(ip, httpsPort, id, answer));
    }

    private void rpt(String d, String rua) {
        rr("_smtp._tls." + d, "TXT", "\"v=TLSRPTv1; rua=" + rua + "\"");
    }

    static String policy(String mode, long maxAge, String... mx) {
        StringBuilder sb = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String m : mx) {
            sb.append("mx: ").append(m).append("\r\n");
        }
        return sb.append("max_age: ").append(maxAge).append("\r\n").toString();
    }

    private TestCerts.Identity good(String... names) throws Exception {
        return TestCerts.leaf(ca, List.of(names), NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(365)), TestCerts.ec(), "SHA256withECDSA");
    }

    private static String spkiSha256(TestCerts.Identity id) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.chain().get(0).getPublicKey().getEncoded()));
    }

    private InetAddress smtpIp() throws Exception {
        return InetAddress.getByName("127.0.0." + nextSmtp++);
    }

    private void smtp(InetAddress ip, FakeSmtpServer.Setup setup) throws Exception {
        servers.add(new FakeSmtpServer(ip, smtpPort, setup));
    }

    /** Host names given a CAA record (once each) by {@link #host}; mx.nocaa.test is left without one. */
    private final Set<String> caaHosts = new java.util.HashSet<>();

    private void host(String name, InetAddress ip, boolean ptr) {
        rr(name, "A", ip.getHostAddress());
        // CERT-REVOKED INFO (no CAA) is wanted only for nocaa.test: every other host names the world's CA
        if (!name.equals("mx.nocaa.test") && caaHosts.add(name)) {
            rr(name, "CAA", "0 issue \"ca.test\"");
        }
        if (ptr) {
            rr(Resolver.reverseName(ip), "PTR", name + ".");
        }
    }

    private void host6(String name, InetAddress ip) {
        rr(name, "AAAA", ip.getHostAddress());
        rr(Resolver.reverseName(ip), "PTR", name + ".");
    }

    private void mx(String d, int pref, String host) {
        rr(d, "MX", pref + " " + host + ".");
    }

    private void rr(String name, String type, String data) {
        zone.append(name).append(". 300 IN ").append(type).append(' ').append(data).append('\n');
    }

    private void expect(String d, String... ids) {
        expected.put(d, new TreeSet<>(List.of(ids)));
    }

    private void expect(String d, Set<String> ids) {
        expected.put(d, new TreeSet<>(ids));
    }

    private static Set<String> plus(Set<String> base, String... more) {
        Set<String> s = new TreeSet<>(base);
        s.addAll(List.of(more));
        return s;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : servers) {
            c.close();
        }
    }
}
