package org.mailward.check.world;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mailward.testing.KnotServer;

/**
 * The generated world of the batch benchmark (bench/check-batch, issue 6 "Speed"): N domains with a realistic mix of
 * DMARC stages, SPF include trees shared through a few hundred providers (2-3 levels deep), several MX per domain
 * out of a shared pool of MX hosts, DKIM selectors, MTA-STS and TLS-RPT for some, NXDOMAIN names, and names whose
 * DNS is slow or never answers. It is served by a real knot (authoritative for the root, {@code test.}, {@code uk.}
 * and {@code in-addr.arpa.}) behind a {@link DelayProxy} that delays or drops the slow and dead names (knot is
 * never slow by itself), a {@link FakeSmtpServer} with STARTTLS on every MX pool address, and one
 * {@link PolicyServer} for every MTA-STS policy host.
 *
 * <p>Run: {@code BatchWorld --domains N --seed S --dir DIR}. Writes {@code DIR/domains.txt}, {@code DIR/ca.pem},
 * {@code DIR/zones/*.zone} and, once everything answers, {@code DIR/world.env} (ports, counts), then serves until
 * its standard input closes.
 */
public final class BatchWorld {

    /** Suffixes the proxy treats specially. */
    static final String SLOW = ".slow-dns.test";
    static final String DEAD = ".dead-dns.test";

    static final int PROVIDERS = 300;
    static final int MX_HOSTS = 40;
    static final int REPORT_PROVIDERS = 20;
    static final String POLICY_IP = "127.0.3.1";
    static final long TTL = 3600;

    /** What the generator made (counts for the report). */
    record Stats(int domains, int nxdomain, int slow, int dead, int mtaSts, int tlsRpt, int nullMx, int noSpf, int noDmarc) {
    }

    /** The generated zones (apex to master-file text), the input list and the MTA-STS names. */
    record World(Map<String, String> zones, List<String> domains, List<String> mtaStsHosts, Stats stats) {
    }

    private BatchWorld() {
    }

    /**
     * Generates the world of {@code n} domains from {@code seed}. Pure: the same arguments give the same zones. The
     * DKIM keys are passed in (key generation is random by nature).
     */
    static World generate(int n, long seed, String dkim2048, String dkim1024) {
        Random rnd = new Random(seed);
        StringBuilder test = new StringBuilder(soa("test"));
        StringBuilder uk = new StringBuilder(soa("uk"));
        StringBuilder arpa = new StringBuilder(soa("in-addr.arpa"));

        // ---- SPF providers: _spf.pN.spf-prov.test, nested 1-3 levels (include and ip4 terms) ----
        for (int p = 0; p < PROVIDERS; p++) {
            String base = "p" + p + ".spf-prov.test";
            int depth = 1 + rnd.nextInt(3);
            String leaf = "v=spf1 ip4:198.51." + (p % 250) + ".0/24 ip4:203.0." + (p % 250) + ".0/25 ~all";
            // level names: _spf (top), l2, l3 (bottom)
            List<String> names = new ArrayList<>(List.of("_spf." + base, "l2." + base, "l3." + base));
            for (int level = depth - 1; level >= 0; level--) {
                String text;
                if (level == depth - 1) {
                    text = leaf;
                } else {
                    StringBuilder t = new StringBuilder("v=spf1 include:" + names.get(level + 1));
                    if (rnd.nextInt(3) == 0) {
                        t.append(" include:_spf.p").append((p + 1 + rnd.nextInt(PROVIDERS - 1)) % PROVIDERS).append(".spf-prov.test");
                    }
                    if (p % 37 == 5 && level == 0) {
                        // a few providers include a name whose DNS never answers (SPF temperror for their customers)
                        t.append(" include:_spf.p").append(p).append(DEAD);
                    }
                    t.append(" ip4:192.0.").append(p % 250).append(".0/24 ~all");
                    text = t.toString();
                }
                txt(test, names.get(level), text, p % 10 == 0 ? 300 : TTL);
            }
        }
        // the nested cross-includes above may reach 10+ lookups for some domains: that is realistic (SPF-TOO-MANY-LOOKUPS)

        // ---- MX pool: mxNN.mailpool.test on 127.0.1.(NN+1), every 8th with a second address on 127.0.2.x ----
        List<String> mxHosts = new ArrayList<>();
        for (int h = 0; h < MX_HOSTS; h++) {
            String host = "mx" + h + ".mailpool.test";
            mxHosts.add(host);
            String ip1 = "127.0.1." + (h + 1);
            rr(test, host, TTL, "A", ip1);
            if (h % 4 != 3) {
                rr(arpa, reverse(ip1), TTL, "PTR", host + ".");
            } else if (h % 8 == 3) {
                rr(arpa, reverse(ip1), TTL, "PTR", "other" + h + ".mailpool.test.");
            }
            if (h % 8 == 0) {
                String ip2 = "127.0.2." + (h + 1);
                rr(test, host, TTL, "A", ip2);
                rr(arpa, reverse(ip2), TTL, "PTR", host + ".");
            }
        }
        // provider "groups": a domain's MX set comes from one group of 2-4 hosts (as with a real mail provider)
        List<List<String>> groups = new ArrayList<>();
        for (int g = 0; g < MX_HOSTS / 2; g++) {
            List<String> grp = new ArrayList<>();
            int size = 2 + rnd.nextInt(3);
            for (int i = 0; i < size; i++) {
                grp.add(mxHosts.get((g * 2 + i) % MX_HOSTS));
            }
            groups.add(grp);
        }

        // ---- external report destinations: reports-N.dmarc-prov.test, authorising some customers ----
        rr(test, POLICY_HOST_NAME, TTL, "A", POLICY_IP);

        List<String> domains = new ArrayList<>();
        List<String> stsHosts = new ArrayList<>();
        int nx = 0;
        int slow = 0;
        int dead = 0;
        int sts = 0;
        int rpt = 0;
        int nullMx = 0;
        int noSpf = 0;
        int noDmarc = 0;
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(1000);
            String d;
            StringBuilder z = test;
            if (kind < 20) {
                domains.add(String.format("missing%05d.test", i));
                nx++;
                continue;
            } else if (kind < 50) {
                d = String.format("w%05d%s", i, SLOW);
                slow++;
            } else if (kind < 55) {
                d = String.format("w%05d%s", i, DEAD);
                dead++;
            } else if (kind < 155) {
                d = String.format("council%05d.gov.uk", i);
                z = uk;
            } else {
                d = String.format("w%05d.test", i);
            }
            domains.add(d);
            rr(z, d, TTL, "A", "192.0.2." + (i % 250 + 1));
            // MX
            int mxKind = rnd.nextInt(100);
            if (mxKind < 3) {
                rr(z, d, TTL, "MX", "0 .");
                nullMx++;
            } else if (mxKind < 5) {
                // no MX at all (MX-NONE)
            } else {
                List<String> grp = groups.get(zipf(rnd, groups.size()));
                int count = 1 + rnd.nextInt(grp.size());
                for (int m = 0; m < count; m++) {
                    rr(z, d, TTL, "MX", (10 * (m + 1)) + " " + grp.get(m) + ".");
                }
            }
            // SPF
            int spfKind = rnd.nextInt(100);
            if (spfKind < 5) {
                noSpf++;
            } else if (spfKind < 7) {
                txt(z, d, "v=spf1 include:_spf.p" + zipf(rnd, PROVIDERS) + ".spf-prov.test ptr mx a:mail." + d + " ?all", TTL);
            } else if (spfKind < 8) {
                txt(z, d, "v=spf1 -all", TTL);
            } else {
                StringBuilder s = new StringBuilder("v=spf1 mx");
                int incs = 1 + rnd.nextInt(3);
                for (int k = 0; k < incs; k++) {
                    s.append(" include:_spf.p").append(zipf(rnd, PROVIDERS)).append(".spf-prov.test");
                }
                if (rnd.nextBoolean()) {
                    s.append(" ip4:192.0.2.").append(i % 250 + 1);
                }
                s.append(rnd.nextInt(4) == 0 ? " ~all" : " -all");
                txt(z, d, s.toString(), TTL);
            }
            // DMARC at the rollout stages of the guidance
            int stage = rnd.nextInt(100);
            boolean ukDomain = d.endsWith(".gov.uk");
            String reports = "reports-" + rnd.nextInt(REPORT_PROVIDERS) + ".dmarc-prov.test";
            String rua = "mailto:dmarc@" + reports + (ukDomain ? ",mailto:dmarc-rua@dmarc.service.gov.uk" : "");
            String policy = stage < 10 ? null
                    : stage < 35 ? "v=DMARC1; p=none; rua=" + rua
                    : stage < 45 ? "v=DMARC1; p=quarantine; pct=10; rua=" + rua
                    : stage < 55 ? "v=DMARC1; p=quarantine; pct=50; rua=" + rua
                    : stage < 70 ? "v=DMARC1; p=quarantine; rua=" + rua
                    : stage < 97 ? "v=DMARC1; p=reject; sp=reject; adkim=s; rua=" + rua
                    : "v=DMARC1; p=rejectt; rua=" + rua;
            if (policy == null) {
                noDmarc++;
            } else {
                txt(z, "_dmarc." + d, policy, TTL);
                if (rnd.nextInt(10) < 7) {
                    txt(test, d + "._report._dmarc." + reports, "v=DMARC1", TTL);
                }
            }
            // DKIM: one or two of the common selectors, mostly 2048-bit
            int sel = rnd.nextInt(10);
            if (sel < 8) {
                String[] names = {"selector1", "selector2", "google", "s1", "k1"};
                txt(z, names[rnd.nextInt(names.length)] + "._domainkey." + d, "v=DKIM1; k=rsa; p=" + (sel == 0 ? dkim1024 : dkim2048), TTL);
                if (sel < 4) {
                    txt(z, "selector2._domainkey." + d, "v=DKIM1; k=rsa; p=" + dkim2048, TTL);
                }
            }
            // MTA-STS (15%) and TLS-RPT (25%)
            if (rnd.nextInt(100) < 15 && mxKind >= 5) {
                txt(z, "_mta-sts." + d, "v=STSv1; id=20260101T000000", TTL);
                rr(z, "mta-sts." + d, TTL, "CNAME", POLICY_HOST_NAME + ".");
                stsHosts.add("mta-sts." + d);
                sts++;
            }
            if (rnd.nextInt(100) < 25) {
                txt(z, "_smtp._tls." + d, "v=TLSRPTv1; rua=mailto:tlsrpt@" + reports, TTL);
                rpt++;
            }
        }
        Collections.shuffle(domains, rnd);
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("test", test.toString());
        zones.put("uk", uk.toString());
        zones.put("in-addr.arpa", arpa.toString());
        zones.put(".", soa("."));
        return new World(zones, domains, stsHosts, new Stats(n, nx, slow, dead, sts, rpt, nullMx, noSpf, noDmarc));
    }

    static final String POLICY_HOST_NAME = "policy.sts-host.test";

    /** A skewed pick in [0, n): a few providers are used by many domains, most by a few (as in real life). */
    static int zipf(Random rnd, int n) {
        double u = rnd.nextDouble();
        return Math.min(n - 1, (int) (n * u * u * u));
    }

    private static String soa(String apex) {
        String a = apex.equals(".") ? "." : apex + ".";
        String ns = apex.equals(".") ? "ns.root-servers.test." : "ns." + a;
        // RFC 2308: the negative TTL is min(SOA TTL, MINIMUM) = 900 s
        return "$TTL 3600\n" + a + " 3600 IN SOA " + ns + " hostmaster." + (apex.equals(".") ? "" : a) + " 1 3600 600 86400 900\n"
                + a + " 3600 IN NS " + ns + "\n";
    }

    private static void rr(StringBuilder z, String name, long ttl, String type, String data) {
        z.append(name).append(". ").append(ttl).append(" IN ").append(type).append(' ').append(data).append('\n');
    }

    private static void txt(StringBuilder z, String name, String text, long ttl) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < text.length(); i += 255) {
            q.append(q.isEmpty() ? "" : " ").append('"').append(text, i, Math.min(text.length(), i + 255)).append('"');
        }
        rr(z, name, ttl, "TXT", q.toString());
    }

    private static String reverse(String ip) {
        String[] p = ip.split("\\.");
        return p[3] + "." + p[2] + "." + p[1] + "." + p[0] + ".in-addr.arpa";
    }

    private static String dkimKey(int bits) throws Exception {
        return Base64.getEncoder().encodeToString(TestCerts.rsa(bits).getPublic().getEncoded());
    }

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        long seed = 1;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--domains" -> n = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--domains N --seed S --dir DIR)");
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir DIR is required");
        }
        Files.createDirectories(dir.resolve("zones"));
        World w = generate(n, seed, dkimKey(2048), dkimKey(1024));
        Files.write(dir.resolve("domains.txt"), w.domains(), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> z : w.zones().entrySet()) {
            Files.writeString(dir.resolve("zones").resolve((z.getKey().equals(".") ? "root" : z.getKey()) + ".zone"), z.getValue());
        }
        List<AutoCloseable> open = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(open)));

        Instant now = Instant.now();
        TestCerts.Identity ca = TestCerts.ca("Mailward Bench CA", now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(3650)));
        Files.writeString(dir.resolve("ca.pem"), pem(ca.chain().get(0).getEncoded()));

        KnotServer knot = KnotServer.start(w.zones());
        open.add(knot);
        DelayProxy proxy = new DelayProxy(knot.address(), SLOW, DEAD, seed);
        open.add(proxy);

        int smtpPort = freePort();
        int[] setups = new int[5];
        for (int h = 0; h < MX_HOSTS; h++) {
            String host = "mx" + h + ".mailpool.test";
            KeyPair kp = TestCerts.ec();
            TestCerts.Identity id = TestCerts.leaf(ca, List.of(host), now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(80)), kp, "SHA256withECDSA");
            FakeSmtpServer.Setup s = FakeSmtpServer.Setup.good(host, id);
            // most hosts good; some accept TLS 1.0/1.1, some offer no STARTTLS, one never answers (bounded by the probe timeouts)
            int kind = h == MX_HOSTS - 1 ? 4 : h % 10 == 7 ? 1 : h % 10 == 9 ? 2 : h % 10 == 5 ? 3 : 0;
            setups[kind]++;
            s = switch (kind) {
                case 1 -> s.protocols("TLSv1.2", "TLSv1.1", "TLSv1");
                case 2 -> s.noStarttls();
                case 3 -> s.suites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").protocols("TLSv1.2");
                case 4 -> s.with(FakeSmtpServer.Mode.SILENT);
                default -> s;
            };
            open.add(new FakeSmtpServer(InetAddress.getByName("127.0.1." + (h + 1)), smtpPort, s));
            if (h % 8 == 0) {
                open.add(new FakeSmtpServer(InetAddress.getByName("127.0.2." + (h + 1)), smtpPort, s));
            }
        }
        int httpsPort = freePort();
        List<String> sans = new ArrayList<>(List.of(POLICY_HOST_NAME));
        sans.addAll(w.mtaStsHosts());
        TestCerts.Identity policyId = TestCerts.leaf(ca, sans, now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(80)), TestCerts.ec(), "SHA256withECDSA");
        open.add(new PolicyServer(InetAddress.getByName(POLICY_IP), httpsPort, policyId,
                PolicyServer.Answer.policy("version: STSv1\r\nmode: enforce\r\nmx: *.mailpool.test\r\nmax_age: 604800\r\n")));

        Stats st = w.stats();
        String env = "KNOT_PORT=" + knot.port() + "\nDNS_PORT=" + proxy.port() + "\nSMTP_PORT=" + smtpPort + "\nHTTPS_PORT=" + httpsPort
                + "\nDOMAINS=" + st.domains() + "\nNXDOMAIN=" + st.nxdomain() + "\nSLOW=" + st.slow() + "\nDEAD=" + st.dead()
                + "\nMTA_STS=" + st.mtaSts() + "\nTLS_RPT=" + st.tlsRpt() + "\nNULL_MX=" + st.nullMx() + "\nNO_SPF=" + st.noSpf()
                + "\nNO_DMARC=" + st.noDmarc() + "\nMX_HOSTS=" + MX_HOSTS + "\nSMTP_ENDPOINTS=" + (MX_HOSTS + (MX_HOSTS + 7) / 8)
                + "\nSMTP_GOOD=" + setups[0] + "\nSMTP_OLD_TLS=" + setups[1] + "\nSMTP_NO_STARTTLS=" + setups[2] + "\nSMTP_CBC=" + setups[3]
                + "\nSMTP_SILENT=" + setups[4] + "\nSPF_PROVIDERS=" + PROVIDERS + "\nSLOW_DELAY_MS=" + DelayProxy.MIN_DELAY_MS + "-" + DelayProxy.MAX_DELAY_MS + "\n";
        Path tmp = dir.resolve("world.env.tmp");
        Files.writeString(tmp, env);
        Files.move(tmp, dir.resolve("world.env"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.err.println("batch world ready: " + env.replace('\n', ' '));
        // serve until stdin closes (the script keeps a pipe open) or the process is terminated
        while (System.in.read() >= 0) {
            // discard
        }
        System.err.println("batch world: DNS proxy forwarded " + proxy.forwarded() + ", delayed " + proxy.delayed() + ", dropped " + proxy.dropped());
        closeAll(open);
        System.exit(0);
    }

    private static synchronized void closeAll(List<AutoCloseable> open) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // best effort at exit
            }
        }
        open.clear();
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
