package org.mailward.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Generates DMARC aggregate reports (both schemas, with deliberate deviations), DMARC failure reports (ARF),
 * TLS-RPT JSON and their gzip/zip/e-mail/mbox wrappers from a seeded {@link Random}, together with the model they
 * were rendered from, so tests compute expected totals from the model rather than from the parser under test.
 */
public final class ReportGenerator {

    /** Ways real reports deviate from the schema; each must be tolerated with a warning. */
    public enum Deviation {
        /** RFC 7489 only: no namespace at all (the most common real-world form). */
        NO_NAMESPACE,
        /** Values in upper case (Pass, NONE). */
        UPPER_CASE_VALUES,
        /** Whitespace and line breaks around values. */
        EXTRA_WHITESPACE,
        /** Optional and some required policy elements missing (pct, fo, sp, adkim, aspf). */
        MISSING_OPTIONAL,
        /** date_range as RFC 3339 timestamps instead of Unix seconds. */
        ISO_DATES,
        /** date_range in milliseconds. */
        MILLISECOND_DATES,
        /** The first record repeated at the end (counted twice, as reported, with a warning). */
        DUPLICATE_RECORD,
        /** An element no schema knows under feedback. */
        UNKNOWN_ELEMENT,
        /** A namespace neither schema uses. */
        ODD_NAMESPACE
    }

    public enum Schema { RFC7489, DMARC_2_0 }

    public record DkimResult(String domain, String selector, String result) {
    }

    public record Row(String ip, long count, String disposition, String dkim, String spf, String headerFrom,
                      String envelopeFrom, List<DkimResult> dkimResults, String spfDomain, String spfResult) {
        public boolean dmarcPass() {
            return dkim.equals("pass") || spf.equals("pass");
        }
    }

    /** An aggregate report as generated: what the parser must find. */
    public record Aggregate(Schema schema, String orgName, String email, String reportId, String domain, long begin,
                            long end, String p, List<Row> rows, Set<Deviation> deviations) {
        /** The rows the XML holds (with the duplicate when {@link Deviation#DUPLICATE_RECORD}). */
        public List<Row> renderedRows() {
            if (!deviations.contains(Deviation.DUPLICATE_RECORD) || rows.isEmpty()) {
                return rows;
            }
            List<Row> out = new ArrayList<>(rows);
            out.add(rows.get(0));
            return out;
        }

        public long messages() {
            return renderedRows().stream().mapToLong(Row::count).sum();
        }

        public Expected expected() {
            // no namespace is how most receivers send RFC 7489 reports: accepted without a warning
            boolean warn = deviations.stream().anyMatch(d -> d != Deviation.NO_NAMESPACE);
            return new Expected("dmarc-aggregate", orgName, reportId, domain, renderedRows().size(), messages(), begin, end, warn);
        }
    }

    public record TlsFailure(String resultType, String sendingMtaIp, String mx, String receivingIp, long sessions) {
    }

    public record TlsPolicy(String type, String domain, String mx, long success, long failure, List<TlsFailure> failures) {
    }

    public record Tls(String orgName, String reportId, long begin, long end, List<TlsPolicy> policies) {
        public Expected expected() {
            long sessions = policies.stream().mapToLong(p -> p.success() + p.failure()).sum();
            return new Expected("tlsrpt", orgName, reportId, policies.get(0).domain(), policies.size(), sessions, begin, end, false);
        }
    }

    public record Failure(String reporterDomain, String messageId, String domain, String sourceIp, long arrival,
                          String authFailure, long incidents) {
        public Expected expected() {
            return new Expected("dmarc-failure", reporterDomain, messageId, domain, 1, incidents, arrival, arrival, false);
        }
    }

    /** What ingest must report for one report: CLI.md's fields. */
    public record Expected(String kind, String orgName, String reportId, String domain, long records, long messages,
                           long begin, long end, boolean expectWarnings) {
        public String key() {
            String prefix = switch (kind) {
                case "dmarc-aggregate" -> "agg:";
                case "tlsrpt" -> "tls:";
                default -> "fail:";
            };
            return prefix + orgName.toLowerCase(Locale.ROOT) + "\n" + reportId;
        }
    }

    private static final String[] ORGS = {"google.com", "Outlook.com", "Yahoo", "Mail.Ru", "example-isp.net", "Fastmail Pty Ltd"};
    private static final String[] DISPOSITIONS_7489 = {"none", "quarantine", "reject"};

    private final Random random;
    private int serial;

    public ReportGenerator(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** A random aggregate report; day is the report's day number since the epoch. */
    public Aggregate aggregate(Schema schema, String domain, int rows, long day, Set<Deviation> deviations) {
        String org = ORGS[random.nextInt(ORGS.length)];
        String id = Long.toUnsignedString(random.nextLong(), 36) + "-" + (++serial);
        long begin = day * 86_400L;
        long end = begin + 86_399;
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(row(schema, domain));
        }
        String p = DISPOSITIONS_7489[random.nextInt(3)];
        return new Aggregate(schema, org, "noreply-dmarc@" + org.toLowerCase(Locale.ROOT).replace(' ', '-'), id, domain,
                begin, end, p, list, deviations.isEmpty() ? Set.of() : EnumSet.copyOf(deviations));
    }

    private Row row(Schema schema, String domain) {
        String ip;
        int kind = random.nextInt(10);
        if (kind < 7) {
            String[] nets = {"192.0.2.", "198.51.100.", "203.0.113."};
            ip = nets[random.nextInt(3)] + (1 + random.nextInt(254));
        } else {
            ip = "2001:db8:0:0:0:0:" + Integer.toHexString(random.nextInt(0x10000)) + ":" + Integer.toHexString(1 + random.nextInt(0xfffe));
        }
        boolean dkimPass = random.nextInt(4) != 0;
        boolean spfPass = random.nextInt(3) != 0;
        boolean pass = dkimPass || spfPass;
        String disposition = pass ? (schema == Schema.DMARC_2_0 && random.nextBoolean() ? "pass" : "none")
                : DISPOSITIONS_7489[random.nextInt(3)];
        long count = 1 + (random.nextInt(5) == 0 ? random.nextInt(5000) : random.nextInt(20));
        String envFrom = random.nextInt(5) == 0 ? "bounce." + domain : domain;
        List<DkimResult> dkims = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            dkims.add(new DkimResult(i == 0 ? domain : "esp" + random.nextInt(9) + ".example", "s" + random.nextInt(100),
                    i == 0 && dkimPass ? "pass" : random.nextBoolean() ? "fail" : "none"));
        }
        return new Row(ip, count, disposition, dkimPass ? "pass" : "fail", spfPass ? "pass" : "fail", domain, envFrom,
                dkims, envFrom, spfPass ? "pass" : random.nextBoolean() ? "softfail" : "fail");
    }

    /** Renders the report as XML, applying its deviations. */
    public static String xml(Aggregate a) {
        Set<Deviation> d = a.deviations();
        boolean bis = a.schema() == Schema.DMARC_2_0;
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String p = "";
        if (d.contains(Deviation.ODD_NAMESPACE)) {
            x.append("<feedback xmlns=\"http://dmarc.example/unknown-ns\">\n");
        } else if (bis) {
            x.append("<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n");
        } else if (d.contains(Deviation.NO_NAMESPACE)) {
            x.append("<feedback>\n");
        } else {
            // RFC 7489's schema has unqualified local elements: only the root is in the namespace.
            x.append("<dmarc:feedback xmlns:dmarc=\"http://dmarc.org/dmarc-xml/0.1\">\n");
            p = "dmarc:";
        }
        x.append(bis ? "  <version>1.0</version>\n" : "  <version>1.0</version>\n");
        x.append("  <report_metadata>\n");
        el(x, 4, "org_name", a.orgName(), d);
        el(x, 4, "email", a.email(), d);
        el(x, 4, "report_id", a.reportId(), d);
        x.append("    <date_range>\n");
        el(x, 6, "begin", date(a.begin(), d), d);
        el(x, 6, "end", date(a.end(), d), d);
        x.append("    </date_range>\n");
        if (bis) {
            el(x, 4, "generator", "Mailward test generator", d);
        }
        x.append("  </report_metadata>\n  <policy_published>\n");
        el(x, 4, "domain", a.domain(), d);
        boolean missing = d.contains(Deviation.MISSING_OPTIONAL);
        if (!missing) {
            el(x, 4, "adkim", "r", d);
            el(x, 4, "aspf", "r", d);
        }
        el(x, 4, "p", value(a.p(), d), d);
        if (!missing) {
            el(x, 4, "sp", value(a.p(), d), d);
        }
        if (bis) {
            el(x, 4, "np", value("reject", d), d);
            el(x, 4, "discovery_method", "treewalk", d);
            el(x, 4, "testing", "n", d);
        } else if (!missing) {
            el(x, 4, "pct", "100", d);
            el(x, 4, "fo", "0", d);
        }
        x.append("  </policy_published>\n");
        if (d.contains(Deviation.UNKNOWN_ELEMENT)) {
            x.append("  <vendor_data><note>not in any schema</note></vendor_data>\n");
        }
        for (Row r : a.renderedRows()) {
            x.append("  <record>\n    <row>\n");
            el(x, 6, "source_ip", r.ip(), d);
            el(x, 6, "count", Long.toString(r.count()), d);
            x.append("      <policy_evaluated>\n");
            el(x, 8, "disposition", value(r.disposition(), d), d);
            el(x, 8, "dkim", value(r.dkim(), d), d);
            el(x, 8, "spf", value(r.spf(), d), d);
            x.append("      </policy_evaluated>\n    </row>\n    <identifiers>\n");
            if (bis) {
                el(x, 6, "header_from", r.headerFrom(), d);
                el(x, 6, "envelope_from", r.envelopeFrom(), d);
            } else {
                el(x, 6, "envelope_from", r.envelopeFrom(), d);
                el(x, 6, "header_from", r.headerFrom(), d);
            }
            x.append("    </identifiers>\n    <auth_results>\n");
            for (DkimResult k : r.dkimResults()) {
                x.append("      <dkim>\n");
                el(x, 8, "domain", k.domain(), d);
                el(x, 8, "selector", k.selector(), d);
                el(x, 8, "result", value(k.result(), d), d);
                x.append("      </dkim>\n");
            }
            x.append("      <spf>\n");
            el(x, 8, "domain", r.spfDomain(), d);
            el(x, 8, "scope", "mfrom", d);
            el(x, 8, "result", value(r.spfResult(), d), d);
            x.append("      </spf>\n    </auth_results>\n  </record>\n");
        }
        x.append("</").append(p).append("feedback>\n");
        return x.toString();
    }

    private static String date(long t, Set<Deviation> d) {
        if (d.contains(Deviation.ISO_DATES)) {
            return java.time.Instant.ofEpochSecond(t).toString();
        }
        if (d.contains(Deviation.MILLISECOND_DATES)) {
            return Long.toString(t * 1000);
        }
        return Long.toString(t);
    }

    private static String value(String v, Set<Deviation> d) {
        return d.contains(Deviation.UPPER_CASE_VALUES) ? v.toUpperCase(Locale.ROOT) : v;
    }

    private static void el(StringBuilder x, int indent, String name, String value, Set<Deviation> d) {
        x.append(" ".repeat(indent)).append('<').append(name).append('>');
        if (d.contains(Deviation.EXTRA_WHITESPACE)) {
            x.append("\n   ").append(escape(value)).append("  \n").append(" ".repeat(indent));
        } else {
            x.append(escape(value));
        }
        x.append("</").append(name).append(">\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A random TLS report (RFC 8460 4.4). */
    public Tls tls(String domain, int policies, long day) {
        String org = ORGS[random.nextInt(ORGS.length)];
        List<TlsPolicy> list = new ArrayList<>();
        for (int i = 0; i < policies; i++) {
            List<TlsFailure> failures = new ArrayList<>();
            long failed = 0;
            int nf = random.nextInt(3);
            for (int k = 0; k < nf; k++) {
                long s = 1 + random.nextInt(50);
                failed += s;
                String[] types = {"starttls-not-supported", "certificate-expired", "validation-failure", "sts-policy-fetch-error"};
                failures.add(new TlsFailure(types[random.nextInt(types.length)], "198.51.100." + (1 + random.nextInt(250)),
                        "mx" + (1 + k) + "." + domain, "203.0.113." + (1 + random.nextInt(250)), s));
            }
            list.add(new TlsPolicy(i == 0 ? "sts" : random.nextBoolean() ? "tlsa" : "no-policy-found", domain,
                    "mx1." + domain, random.nextInt(10_000), failed, failures));
        }
        long begin = day * 86_400L;
        return new Tls(org, java.time.LocalDate.ofEpochDay(day) + "T00:00:00Z_" + domain + "_" + (++serial), begin,
                begin + 86_399, list);
    }

    public static String json(Tls t) {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"organization-name\": \"").append(t.orgName()).append("\",\n");
        j.append("  \"date-range\": {\"start-datetime\": \"").append(java.time.Instant.ofEpochSecond(t.begin()))
                .append("\", \"end-datetime\": \"").append(java.time.Instant.ofEpochSecond(t.end())).append("\"},\n");
        j.append("  \"contact-info\": \"smtp-tls-reporting@").append(t.orgName().toLowerCase(Locale.ROOT).replace(' ', '-')).append("\",\n");
        j.append("  \"report-id\": \"").append(t.reportId()).append("\",\n  \"policies\": [");
        for (int i = 0; i < t.policies().size(); i++) {
            TlsPolicy p = t.policies().get(i);
            j.append(i == 0 ? "\n" : ",\n");
            j.append("    {\"policy\": {\"policy-type\": \"").append(p.type()).append("\", \"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: ")
                    .append(p.mx()).append("\", \"max_age: 86400\"], \"policy-domain\": \"").append(p.domain())
                    .append("\", \"mx-host\": [\"").append(p.mx()).append("\"]},\n");
            j.append("     \"summary\": {\"total-successful-session-count\": ").append(p.success())
                    .append(", \"total-failure-session-count\": ").append(p.failure()).append("},\n");
            j.append("     \"failure-details\": [");
            for (int k = 0; k < p.failures().size(); k++) {
                TlsFailure f = p.failures().get(k);
                j.append(k == 0 ? "" : ", ").append("{\"result-type\": \"").append(f.resultType())
                        .append("\", \"sending-mta-ip\": \"").append(f.sendingMtaIp())
                        .append("\", \"receiving-mx-hostname\": \"").append(f.mx())
                        .append("\", \"receiving-ip\": \"").append(f.receivingIp())
                        .append("\", \"failed-session-count\": ").append(f.sessions()).append("}");
            }
            j.append("]}");
        }
        j.append("\n  ]\n}\n");
        return j.toString();
    }

    /** A random DMARC failure report. */
    public Failure failure(String domain, long arrival) {
        String reporter = "reports.example-isp.net";
        return new Failure(reporter, "arf-" + Long.toUnsignedString(random.nextLong(), 36) + "@" + reporter, domain,
                "192.0.2." + (1 + random.nextInt(254)), arrival, random.nextBoolean() ? "dmarc" : "spf", 1 + random.nextInt(3));
    }

    /** RFC 5965 / RFC 6591 ARF message for a failure report. */
    public static String arf(Failure f) {
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochSecond(f.arrival()).atZone(java.time.ZoneOffset.UTC));
        String b = "=_arf_" + Integer.toHexString(f.messageId().hashCode());
        return "From: DMARC failure reports <dmarc-failures@" + f.reporterDomain() + ">\r\n"
                + "To: dmarc-ruf@" + f.domain() + "\r\n"
                + "Subject: FW: DMARC failure report for " + f.domain() + "\r\n"
                + "Date: " + date + "\r\n"
                + "Message-ID: <" + f.messageId() + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary=\"" + b + "\"\r\n"
                + "\r\n"
                + "--" + b + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "This is an authentication failure report for an email message received from IP " + f.sourceIp() + ".\r\n\r\n"
                + "--" + b + "\r\n"
                + "Content-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: auth-failure\r\n"
                + "User-Agent: Mailward-Test/1.0\r\n"
                + "Version: 1\r\n"
                + "Original-Mail-From: <bounce@" + f.domain() + ">\r\n"
                + "Original-Rcpt-To: <user@" + f.reporterDomain() + ">\r\n"
                + "Arrival-Date: " + date + "\r\n"
                + "Reporting-MTA: dns; mx." + f.reporterDomain() + "\r\n"
                + "Source-IP: " + f.sourceIp() + "\r\n"
                + "Incidents: " + f.incidents() + "\r\n"
                + "Authentication-Results: mx." + f.reporterDomain() + "; dmarc=fail header.from=" + f.domain() + "\r\n"
                + "Auth-Failure: " + f.authFailure() + "\r\n"
                + "Delivery-Result: reject\r\n"
                + "Reported-Domain: " + f.domain() + "\r\n"
                + "Identity-Alignment: none\r\n\r\n"
                + "--" + b + "\r\n"
                + "Content-Type: text/rfc822-headers\r\n\r\n"
                + "From: Someone <someone@" + f.domain() + ">\r\n"
                + "To: user@" + f.reporterDomain() + "\r\n"
                + "Subject: Invoice overdue\r\n"
                + "Message-ID: <orig-" + f.messageId() + ">\r\n\r\n"
                + "--" + b + "--\r\n";
    }

    public static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A zip with the entries in order (fixed entry times so output does not depend on the clock). */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(1_700_000_000_000L);
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public record Attachment(String filename, String contentType, byte[] content) {
    }

    /** A report e-mail (RFC 7489 7.2.1.1 style) with base64 attachments. */
    public static byte[] eml(String from, String subject, String messageId, List<Attachment> attachments) {
        String b = "=_mw_" + Integer.toHexString(messageId.hashCode());
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n")
                .append("To: dmarc-rua@reports.example\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n")
                .append("Message-ID: <").append(messageId).append(">\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/mixed;\r\n boundary=\"").append(b).append("\"\r\n\r\n")
                .append("This is a multi-part message in MIME format.\r\n\r\n")
                .append("--").append(b).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                .append("This is an aggregate report.\r\n");
        for (Attachment a : attachments) {
            m.append("--").append(b).append("\r\n")
                    .append("Content-Type: ").append(a.contentType()).append("; name=\"").append(a.filename()).append("\"\r\n")
                    .append("Content-Disposition: attachment;\r\n filename=\"").append(a.filename()).append("\"\r\n")
                    .append("Content-Transfer-Encoding: base64\r\n\r\n");
            String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(a.content());
            m.append(b64).append("\r\n");
        }
        m.append("--").append(b).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An mboxrd file of the messages (">From " quoting of body lines). */
    public static byte[] mbox(List<byte[]> messages) {
        StringBuilder m = new StringBuilder();
        for (byte[] msg : messages) {
            m.append("From MAILER-DAEMON Mon Nov  2 10:00:00 2026\n");
            String text = new String(msg, StandardCharsets.UTF_8).replace("\r\n", "\n");
            for (String line : text.split("\n", -1)) {
                m.append(line.matches(">*From .*") ? ">" + line : line).append('\n');
            }
            m.append('\n');
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
