package org.mailward.reports.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.reports.FailureReport;
import org.mailward.reports.FailureReportParser;
import org.mailward.reports.MimeReader;
import org.mailward.reports.MimeReader.Part;
import org.mailward.reports.ParseOutcome;

/** Our ARF failure reports, read back with our own ARF parser; redaction leaves nothing of what it hides. */
class FailureReportBuilderTest {

    static final ReporterIdentity ME = new ReporterIdentity("Receiver Test Org", "dmarc-reports@receiver.test", "receiver.test");
    static final Instant ARRIVAL = Instant.ofEpochSecond(1_765_000_000L);
    static final Instant NOW = ARRIVAL.plusSeconds(5);
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static final String ORIGINAL = "Received: from client.spoof.test (client.spoof.test [192.0.2.7])\r\n"
            + "\tby mx.receiver.test for <alice.smith@inside.test>; Sat, 6 Dec 2025 05:46:40 +0000\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=sel1; i=payments@bank.example; h=from; bh=x; b=y\r\n"
            + "From: \"Bank\" <payments@bank.example>\r\n"
            + "To: Alice Smith <alice.smith@inside.test>, \"bob jones\"@inside.test\r\n"
            + "Subject: Your account is locked\r\n"
            + "Message-ID: <msg.42@mailer.spoof.test>\r\n"
            + "\r\n"
            + "Dear alice.smith@inside.test, click here: the secret body text.\r\n";

    static FailureIncident incident(byte[] original) {
        return new FailureIncident("bank.example", "bank.example", ARRIVAL, "192.0.2.7", "bounce-77@spoof.test",
                List.of("alice.smith@inside.test", "bob.jones@inside.test"),
                "mx.receiver.test; spf=fail smtp.mailfrom=bounce-77@spoof.test; dkim=fail (body hash mismatch) header.d=bank.example"
                        + " header.i=payments@bank.example header.s=sel1; dmarc=fail header.from=bank.example",
                "dmarc", "none", "reject", Optional.of(new FailureIncident.Signature("bank.example", "payments@bank.example", "sel1")),
                Optional.of(new FailureIncident.SpfDns("spoof.test", "v=spf1 ip4:198.51.100.0/24 -all")), original);
    }

    static FailureReport parse(byte[] raw) {
        ParseOutcome<Part> p = MimeReader.parse(raw, 100, 10);
        assertThat(p).isInstanceOf(ParseOutcome.Ok.class);
        Part msg = ((ParseOutcome.Ok<Part>) p).value();
        assertThat(FailureReportParser.isArf(msg)).isTrue();
        ParseOutcome<FailureReport> o = new FailureReportParser().parse(msg, raw);
        assertThat(o).isInstanceOf(ParseOutcome.Ok.class);
        return ((ParseOutcome.Ok<FailureReport>) o).value();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theReportParsesWithOurParserWithEveryField() {
        byte[] raw = new FailureReportBuilder(ME, Redaction.headersOnlyDefault())
                .build(incident(ORIGINAL.getBytes(StandardCharsets.US_ASCII)), List.of("ruf@bank.example"), NOW);
        FailureReport r = parse(raw);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.orgName()).isEqualTo("receiver.test");
        assertThat(r.feedbackType()).isEqualTo("auth-failure");
        assertThat(r.userAgent()).isEqualTo("Mailward/1");
        assertThat(r.arrival()).isEqualTo(ARRIVAL.getEpochSecond());
        assertThat(r.sourceIp()).isEqualTo("192.0.2.7");
        assertThat(r.domain()).isEqualTo("bank.example");
        assertThat(r.originalMailFrom()).isEqualTo("<bounce-77@spoof.test>");
        assertThat(r.originalRcptTo()).isEqualTo("<alice.smith@inside.test>");
        assertThat(r.authFailure()).isEqualTo("dmarc");
        assertThat(r.deliveryResult()).isEqualTo("reject");
        assertThat(r.dkimDomain()).isEqualTo("bank.example");
        assertThat(r.dkimSelector()).isEqualTo("sel1");
        assertThat(r.spfDns()).isEqualTo("txt : spoof.test : \"v=spf1 ip4:198.51.100.0/24 -all\"");
        assertThat(r.identityAlignment()).isEqualTo("none");
        assertThat(r.incidents()).isEqualTo(1);
        assertThat(r.headerFrom()).contains("payments@bank.example");
        assertThat(r.subject()).isEqualTo("Your account is locked");
        assertThat(r.messageId()).isEqualTo("<msg.42@mailer.spoof.test>");
        String mail = text(raw);
        assertThat(mail).contains("Content-Type: multipart/report; report-type=feedback-report;", "Version: 1\r\n",
                "Original-Rcpt-To: <bob.jones@inside.test>\r\n", "DKIM-Identity: payments@bank.example\r\n",
                "Reporting-MTA: dns; receiver.test\r\n", "To: ruf@bank.example\r\n", "From: dmarc-reports@receiver.test\r\n",
                "Auto-Submitted: auto-generated\r\n", "Content-Type: text/rfc822-headers");
        // the A-R is one field, folded; unfolded it is what we evaluated
        String ar = mail.substring(mail.indexOf("Authentication-Results: "));
        ar = ar.substring(0, ar.indexOf("\r\nAuth-Failure:")).replace("\r\n\t", " ");
        assertThat(ar).isEqualTo("Authentication-Results: " + incident(new byte[0]).authenticationResults());
        assertThat(mail.lines().mapToInt(String::length).max().orElse(0)).isLessThanOrEqualTo(998);
        assertThat(text(raw).chars().allMatch(c -> c < 128)).isTrue();
    }

    @Test
    void headersOnlyByDefaultTheBodyNeverLeaves() {
        String mail = text(new FailureReportBuilder(ME, Redaction.headersOnlyDefault())
                .build(incident(ORIGINAL.getBytes(StandardCharsets.US_ASCII)), List.of("ruf@bank.example"), NOW));
        assertThat(mail).doesNotContain("secret body text").doesNotContain("message/rfc822")
                .contains("Subject: Your account is locked\r\n");
        assertThat(mail.replace("\r\n", " ")).contains("Only its header section is attached");
    }

    @Test
    void wholeMessageWhenAllowedAndStillParsable() {
        byte[] raw = new FailureReportBuilder(ME, new Redaction(false, false, new byte[0]))
                .build(incident(ORIGINAL.replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII)), List.of("ruf@bank.example"), NOW);
        String mail = text(raw);
        assertThat(mail).contains("Content-Type: message/rfc822\r\n", "the secret body text.\r\n").doesNotContain("text/rfc822-headers");
        assertThat(mail.replace("\r\n", "")).doesNotContain("\n"); // bare LF of the original became CRLF
        assertThat(parse(raw).subject()).isEqualTo("Your account is locked");
        // an original over the limit is reduced to its header section
        byte[] big = (ORIGINAL + "x".repeat(FailureReportBuilder.MAX_ORIGINAL)).getBytes(StandardCharsets.US_ASCII);
        String reduced = text(new FailureReportBuilder(ME, new Redaction(false, false, new byte[0])).build(incident(big), List.of("r@bank.example"), NOW));
        assertThat(reduced).contains("text/rfc822-headers").doesNotContain("xxxxxxxx");
        assertThat(reduced.replace("\r\n", " ")).contains("too large to attach");
    }

    @Test
    void localPartsAreRedactedEverywhereButMessageIdsStay() {
        for (boolean headersOnly : new boolean[] {true, false}) {
            Redaction red = new Redaction(headersOnly, true, KEY);
            byte[] raw = new FailureReportBuilder(ME, red).build(incident(ORIGINAL.getBytes(StandardCharsets.US_ASCII)),
                    List.of("ruf@bank.example"), NOW);
            String mail = text(raw);
            for (String local : List.of("alice.smith", "bob jones", "bob.jones", "payments", "bounce-77")) {
                assertThat(mail).as("headersOnly=" + headersOnly + ": " + local).doesNotContainIgnoringCase(local);
            }
            assertThat(mail).contains(red.token("alice.smith") + "@inside.test", red.token("bounce-77") + "@spoof.test",
                    "smtp.mailfrom=" + red.token("bounce-77") + "@spoof.test", "i=" + red.token("payments") + "@bank.example",
                    "Message-ID: <msg.42@mailer.spoof.test>");
            assertThat(mail.replace("\r\n", " ")).contains("Local parts of addresses are replaced by keyed hashes");
            // the domains stay: the owner must see who was spoofed and where it came from
            assertThat(mail).contains("@bank.example", "@inside.test", "Source-IP: 192.0.2.7");
            FailureReport r = parse(raw);
            assertThat(r.originalMailFrom()).isEqualTo("<" + red.token("bounce-77") + "@spoof.test>");
            assertThat(r.domain()).isEqualTo("bank.example");
        }
        // the token is keyed: another key, another token; the same key and address (any case), the same token
        Redaction a = new Redaction(true, true, KEY);
        Redaction b = new Redaction(true, true, "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        assertThat(a.token("Alice")).isEqualTo(a.token("alice")).isNotEqualTo(b.token("alice")).matches("redacted-[0-9a-f]{12}");
    }

    @Test
    void eightBitHeadersGoBase64AndStillParse() {
        String original = "From: =?utf-8?q?Bank?= <payments@bank.example>\r\nSubject: Caf\u00e9 gr\u00fc\u00dfe\r\n\r\nbody\r\n";
        byte[] raw = new FailureReportBuilder(ME, Redaction.headersOnlyDefault())
                .build(incident(original.getBytes(StandardCharsets.UTF_8)), List.of("ruf@bank.example"), NOW);
        assertThat(text(raw).chars().allMatch(c -> c < 128)).isTrue(); // the report itself stays 7-bit
        assertThat(text(raw)).contains("Content-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: base64");
        assertThat(parse(raw).subject()).isEqualTo("Caf\u00e9 gr\u00fc\u00dfe");
    }

    /** Property: whatever text surrounds them, no generated address's local part survives redaction. */
    @Test
    void redactionPropertyNoLocalPartSurvives() {
        Random rnd = new Random(20261207);
        String atext = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
        String[] around = {" ", "<", ">", ", ", "; ", "(", ")", "\r\n\t", " for <", "mailto:", "=", "\"", ""};
        Redaction red = new Redaction(true, true, KEY);
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            List<String> locals = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int j = 0; j < n; j++) {
                StringBuilder local = new StringBuilder("Q"); // a marker that never appears in a token
                int len = 4 + rnd.nextInt(12);
                for (int k = 0; k < len; k++) {
                    local.append(atext.charAt(rnd.nextInt(atext.length())));
                    if (k > 0 && k < len - 1 && rnd.nextInt(8) == 0) {
                        local.append('.');
                    }
                }
                String l = local.toString().replace("..", ".");
                if (l.endsWith(".")) {
                    l = l + "z";
                }
                locals.add(l);
                // addresses are separated by at least one character that cannot be part of a domain
                text.append(around[rnd.nextInt(around.length)]).append(l).append('@').append(rnd.nextBoolean() ? "example.org" : "sub.example.net")
                        .append(around[rnd.nextInt(around.length)]).append(' ');
            }
            String out = red.addresses(text.toString());
            for (String l : locals) {
                // a leading "tag=" part may stay (DKIM i=, smtp.mailfrom=); nothing after the first '=' does
                String secret = l.contains("=") ? l.substring(l.indexOf('=') + 1) : l;
                if (secret.length() >= 3) {
                    assertThat(out).as("case %d: %s -> %s", i, text, out).doesNotContain(secret + "@");
                }
            }
            assertThat(out).as("case %d", i).doesNotContain("Q" + locals.get(0).substring(1, Math.min(4, locals.get(0).length())) + "@");
        }
    }
}
