package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.Spool;

class QuarantineCommandTest {

    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(rc, out.toString(), err.toString());
    }

    static JsonNode json(String line) throws Exception {
        return Json.MAPPER.readTree(line);
    }

    long arrival = 1_700_000_000_000L;

    String put(Spool spool, String holdReason, String subject) throws Exception {
        Envelope env = new Envelope("", "a@b.example", List.of(new Envelope.Recipient("x@example.gov.uk", "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, arrival += 1000, "192.0.2.1 mail.b.example", 0, 0, "", "");
        Envelope stored = spool.enqueue(env, ("From: A <a@b.example>\r\nSubject: " + subject + "\r\n\tfolded\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
        if (!holdReason.isEmpty()) {
            spool.update(QueueState.ACTIVE, stored.withHoldReason(holdReason));
            spool.move(stored.queueId(), QueueState.ACTIVE, QueueState.HOLD);
        }
        return stored.queueId();
    }

    @Test
    void listShowReleaseDeleteActOnQuarantinedMessagesOnly() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        String q1 = put(spool, Envelope.QUARANTINE_PREFIX + "DMARC fail, p=quarantine for b.example", "first");
        String q2 = put(spool, Envelope.QUARANTINE_PREFIX + "SPF softfail", "second");
        String held = put(spool, "TLS required by policy", "held");
        String active = put(spool, "", "active");
        String d = "--data=" + dir;

        Run list = run("quarantine", "list", "--json", d);
        assertThat(list.rc()).isZero();
        String[] lines = list.out().trim().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = json(lines[0]);
        assertThat(first.get("queueId").asText()).isEqualTo(q1);
        assertThat(first.get("reason").asText()).isEqualTo("DMARC fail, p=quarantine for b.example");
        assertThat(first.get("subject").asText()).isEqualTo("first folded");
        assertThat(first.get("from").asText()).isEqualTo("A <a@b.example>");
        assertThat(first.get("recipients").get(0).asText()).isEqualTo("x@example.gov.uk");
        assertThat(json(lines[1]).get("queueId").asText()).isEqualTo(q2);
        assertThat(run("quarantine", "list", d).out()).contains("reason: SPF softfail", "-- 2 quarantined message(s)");

        JsonNode show = json(run("quarantine", "show", "--json", d, q2).out());
        assertThat(show.get("message").asText()).startsWith("From: A <a@b.example>");
        Run notQuarantined = run("quarantine", "show", "--json", d, held);
        assertThat(notQuarantined.rc()).isEqualTo(ExitCodes.USAGE);
        assertThat(notQuarantined.out()).isEmpty();
        assertThat(notQuarantined.err()).contains("no quarantined message");

        JsonNode rel = json(run("quarantine", "release", "--json", d, q1).out());
        assertThat(rel.get("found").asBoolean()).isTrue();
        assertThat(rel.get("state").asText()).isEqualTo("deferred");
        assertThat(spool.find(q1).orElseThrow().state()).isEqualTo(QueueState.DEFERRED);
        assertThat(spool.find(q1).orElseThrow().envelope().holdReason()).isEmpty();
        assertThat(json(run("quarantine", "release", "--json", d, held).out()).get("found").asBoolean()).isFalse();
        assertThat(spool.find(held).orElseThrow().state()).isEqualTo(QueueState.HOLD);

        assertThat(json(run("quarantine", "delete", "--json", d, active).out()).get("deleted").asBoolean()).isFalse();
        assertThat(spool.find(active)).isPresent();
        assertThat(json(run("quarantine", "delete", "--json", d, q2).out()).get("deleted").asBoolean()).isTrue();
        assertThat(spool.find(q2)).isEmpty();
        assertThat(run("quarantine", "list", "--json", d).out()).isEmpty();
    }

    @Test
    void aMissingSpoolIsAUsageError() {
        Run r = run("quarantine", "list", "--data=" + dir.resolve("nothing"));
        assertThat(r.rc()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no spool");
    }

    @Test
    void headerParsingNeverThrowsOnArbitraryBytes() {
        java.util.Random rnd = new java.util.Random(Long.getLong("mailward.fuzz.seed", 42L));
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                b = ("Subject:" + new String(b, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
            }
            String s = QuarantineCommand.header(b, "Subject");
            assertThat(s).doesNotContain("\r\n");
        }
        assertThat(QuarantineCommand.header("subject: x\r\n\r\nSubject: body".getBytes(StandardCharsets.US_ASCII), "Subject")).isEqualTo("x");
        assertThat(QuarantineCommand.header("X: y\r\n\r\nSubject: body".getBytes(StandardCharsets.US_ASCII), "Subject")).isEmpty();
    }
}
