package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailward.gateway.queue.Envelope;
import org.mailward.gateway.queue.QueueState;
import org.mailward.gateway.queue.Spool;

class QueueCommandTest {

    @TempDir
    Path dir;

    String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }

    static JsonNode json(String line) throws Exception {
        return Json.MAPPER.readTree(line);
    }

    @Test
    void listHoldReleaseRequeueFlushDelete() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        Envelope env = new Envelope("", "a@b.example", List.of(new Envelope.Recipient("x@y.example", "", List.of(), Envelope.Status.PENDING, "")),
                "", "", false, 0, "127.0.0.1", 0, 0, "", "");
        String a = spool.enqueue(env, "Subject: a\r\n\r\n".getBytes()).queueId();
        String b = spool.enqueue(env, "Subject: b\r\n\r\n".getBytes()).queueId();
        spool.move(b, QueueState.ACTIVE, QueueState.DEFERRED);
        String d = "--data=" + dir;

        String[] lines = run("queue", "list", "--json", d).trim().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = json(lines[0]);
        assertThat(first.get("queueId").asText()).isEqualTo(a);
        assertThat(first.get("state").asText()).isEqualTo("active");
        assertThat(first.get("recipients").get(0).get("address").asText()).isEqualTo("x@y.example");

        assertThat(json(run("queue", "hold", "--json", "--reason", "checking", d, a)).get("state").asText()).isEqualTo("hold");
        assertThat(spool.find(a).orElseThrow().envelope().holdReason()).isEqualTo("checking");
        assertThat(run("queue", "list", d)).contains("held: checking");
        assertThat(json(run("queue", "release", "--json", d, a)).get("state").asText()).isEqualTo("deferred");
        assertThat(json(run("queue", "flush", "--json", d)).get("flushed").asInt()).isEqualTo(2);
        assertThat(json(run("queue", "show", "--json", d, b)).get("message").asText()).isEqualTo("Subject: b\r\n\r\n");
        assertThat(json(run("queue", "delete", "--json", d, b)).get("deleted").asBoolean()).isTrue();
        assertThat(json(run("queue", "delete", "--json", d, b)).get("deleted").asBoolean()).isFalse();
        assertThat(run("queue", "list", "--json", d).trim().split("\n")).hasSize(1);
        assertThat(Files.list(spool.dir(QueueState.DEFERRED)).count()).isEqualTo(1);
    }

    @Test
    void summaryGroupsDeferredRecipientsByDomainAndReason() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), Clock.systemUTC());
        Envelope.Recipient refused = new Envelope.Recipient("x@slow.example", "", List.of(), Envelope.Status.PENDING, "451 4.7.1 try later");
        Envelope.Recipient refused2 = new Envelope.Recipient("y@slow.example", "", List.of(), Envelope.Status.PENDING, "451 4.7.1 try later");
        Envelope.Recipient done = new Envelope.Recipient("z@slow.example", "", List.of(), Envelope.Status.DELIVERED, "250 ok");
        Envelope.Recipient dead = new Envelope.Recipient("u@Down.example", "", List.of(), Envelope.Status.PENDING, "");
        String m1 = spool.enqueue(new Envelope("", "a@b.example", List.of(refused, refused2, done, dead), "", "", false, 0, "127.0.0.1", 0, 0,
                "connection refused", ""), "Subject: a\r\n\r\n".getBytes()).queueId();
        String m2 = spool.enqueue(new Envelope("", "a@b.example", List.of(refused), "", "", false, 0, "127.0.0.1", 0, 0, "", ""),
                "Subject: b\r\n\r\n".getBytes()).queueId();
        spool.enqueue(new Envelope("", "a@b.example", List.of(refused), "", "", false, 0, "127.0.0.1", 0, 0, "", ""),
                "Subject: c\r\n\r\n".getBytes()); // active, not deferred: not counted
        spool.move(m1, QueueState.ACTIVE, QueueState.DEFERRED);
        spool.move(m2, QueueState.ACTIVE, QueueState.DEFERRED);
        String[] lines = run("queue", "summary", "--json", "--data=" + dir).trim().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode slow = json(lines[0]);
        assertThat(slow.get("domain").asText()).isEqualTo("slow.example");
        assertThat(slow.get("reason").asText()).isEqualTo("451 4.7.1 try later");
        assertThat(slow.get("recipients").asInt()).isEqualTo(3);
        assertThat(slow.get("messages").asInt()).isEqualTo(2);
        JsonNode down = json(lines[1]);
        assertThat(down.get("domain").asText()).isEqualTo("down.example");
        assertThat(down.get("reason").asText()).isEqualTo("connection refused"); // no reply of its own: the message's last error
        assertThat(down.get("recipients").asInt()).isEqualTo(1);
        assertThat(run("queue", "summary", "--data=" + dir)).contains("-- 4 deferred recipient(s) in 2 group(s)");
    }

    @Test
    void configCheckJsonContract() throws Exception {
        Path f = dir.resolve("m.yml");
        Files.writeString(f, "hostname: mx.example.org\nlisteners: [{name: in, port: 70000}]\n");
        JsonNode o = json(run("config", "check", "--json", f.toString()));
        assertThat(o.get("valid").asBoolean()).isFalse();
        JsonNode e = o.get("errors").get(0);
        assertThat(e.get("line").asInt()).isEqualTo(2);
        assertThat(e.get("column").asInt()).isGreaterThan(1);
        assertThat(e.get("message").asText()).contains("port");
    }
}
