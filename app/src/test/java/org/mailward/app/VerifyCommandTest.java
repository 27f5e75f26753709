package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailward verify}: the CLI.md JSON contract, batch order and broken input, exit codes. */
class VerifyCommandTest {

    @TempDir
    Path tmp;

    Path zone;
    Path signed;

    static final String MSG = "From: Alice <alice@sender.example>\nTo: bob@receiver.example\nSubject: hello\n"
            + "Date: Mon, 01 Jun 2026 11:59:00 +0000\nMessage-ID: <1@sender.example>\n\nbody\n";

    @BeforeEach
    void setUp() throws Exception {
        JsonNode key = DkimCommandTest.run("dkim", "keygen", "--domain", "sender.example", "--selector", "s1", "--type", "ed25519",
                "--out", tmp.toString(), "--json").json();
        zone = tmp.resolve("zone.txt");
        Files.writeString(zone, key.get("zoneLine").asText() + "\n"
                + "sender.example. IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
                + "_dmarc.sender.example. IN TXT \"v=DMARC1; p=reject\"\n");
        Path in = tmp.resolve("in.eml");
        Files.writeString(in, MSG);
        signed = tmp.resolve("signed.eml");
        DkimCommandTest.Run s = DkimCommandTest.run("dkim", "sign", "--domain", "sender.example", "--selector", "s1",
                "--key", key.get("privateKeyFile").asText(), "--output", signed.toString(), in.toString());
        assertThat(s.code()).as(s.err()).isZero();
    }

    @Test
    void jsonHasEveryContractField() throws Exception {
        DkimCommandTest.Run r = DkimCommandTest.run("verify", "--zone", zone.toString(), "--ip", "192.0.2.10", "--helo", "mail.sender.example",
                "--sender", "alice@sender.example", "--authserv-id", "mx.receiver.example", "--json", signed.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        JsonNode j = r.json();
        assertThat(j.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(j.get("spf").get("domain").asText()).isEqualTo("sender.example");
        assertThat(j.get("dkim")).hasSize(1);
        JsonNode d = j.get("dkim").get(0);
        assertThat(d.get("result").asText()).isEqualTo("pass");
        assertThat(d.get("domain").asText()).isEqualTo("sender.example");
        assertThat(d.get("selector").asText()).isEqualTo("s1");
        assertThat(d.get("algorithm").asText()).isEqualTo("ed25519-sha256");
        assertThat(d.get("reason").asText()).isEmpty();
        JsonNode arc = j.get("arc");
        assertThat(arc.get("result").asText()).isEqualTo("none");
        assertThat(arc.get("instances").asInt()).isZero();
        assertThat(arc.has("reason")).isTrue();
        JsonNode dm = j.get("dmarc");
        assertThat(dm.get("result").asText()).isEqualTo("pass");
        assertThat(dm.get("policy").asText()).isEqualTo("reject");
        assertThat(dm.get("disposition").asText()).isEqualTo("none");
        assertThat(dm.get("headerFrom").asText()).isEqualTo("sender.example");
        assertThat(dm.get("alignedSpf").asBoolean()).isTrue();
        assertThat(dm.get("alignedDkim").asBoolean()).isTrue();
        assertThat(dm.get("reason").asText()).isEqualTo("aligned DKIM pass and aligned SPF pass");
        String ar = j.get("authenticationResults").asText();
        assertThat(ar).startsWith("Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=alice@sender.example; dkim=pass (256-bit key) header.d=sender.example")
                .endsWith("; arc=none; dmarc=pass (p=reject dis=none) header.from=sender.example polrec.p=reject")
                .doesNotContain("\n");
    }

    @Test
    void withoutIpSpfIsNotEvaluatedAndTheHumanOutputShowsTheHeader() throws Exception {
        DkimCommandTest.Run r = DkimCommandTest.run("verify", "--zone", zone.toString(), "--authserv-id", "mx.receiver.example", "--json", signed.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode spf = r.json().get("spf");
        assertThat(spf.get("result").asText()).isEqualTo("none");
        assertThat(spf.get("evaluated").asBoolean()).isFalse();
        assertThat(spf.get("reason").asText()).isEqualTo("not evaluated: no client IP address");
        assertThat(r.json().get("authenticationResults").asText()).doesNotContain("spf=");

        DkimCommandTest.Run h = DkimCommandTest.run("verify", "--zone", zone.toString(), "--authserv-id", "mx.receiver.example", signed.toString());
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("spf:   not evaluated (no client IP address)")
                .contains("dkim:  pass d=sender.example s=s1 a=ed25519-sha256")
                .contains("dmarc: pass header.from=sender.example policy=reject")
                .contains("Authentication-Results: mx.receiver.example;\n\tdkim=pass");
    }

    @Test
    void readsStdinWhenNoFileIsGiven() throws Exception {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(signed)));
            DkimCommandTest.Run r = DkimCommandTest.run("verify", "--zone", zone.toString(), "--ip", "203.0.113.5", "--helo", "x.example",
                    "--sender", "alice@sender.example", "--authserv-id", "mx", "--json");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.json().get("spf").get("result").asText()).isEqualTo("fail");
            assertThat(r.json().get("dmarc").get("result").asText()).isEqualTo("pass");
            assertThat(r.json().get("dmarc").get("alignedSpf").asBoolean()).isFalse();
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void batchWritesOneLinePerEmlInNameOrderAndABrokenFileIsALineWithAnError() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("batch"));
        Files.copy(signed, dir.resolve("b-signed.eml"));
        Files.writeString(dir.resolve("a-unsigned.eml"), MSG);
        Files.write(dir.resolve("c-garbage.EML"), new byte[] {0, 1, 2, (byte) 0xff, '\n', ':', '\n', '\n', 0});
        Files.createDirectory(dir.resolve("d-unreadable.eml")); // not a file: cannot be read
        Files.writeString(dir.resolve("e-tampered.eml"), Files.readString(signed, StandardCharsets.ISO_8859_1).replace("body", "bodY"),
                StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("notes.txt"), "not a message");
        DkimCommandTest.Run r = DkimCommandTest.run("verify", "--batch", dir.toString(), "--zone", zone.toString(), "--ip", "192.0.2.10",
                "--sender", "alice@sender.example", "--authserv-id", "mx", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().strip().split("\n")) {
            lines.add(new ObjectMapper().readTree(l));
        }
        assertThat(lines).extracting(l -> l.get("file").asText())
                .containsExactly("a-unsigned.eml", "b-signed.eml", "c-garbage.EML", "d-unreadable.eml", "e-tampered.eml");
        assertThat(lines.get(0).get("dkim")).isEmpty();
        assertThat(lines.get(0).get("dmarc").get("result").asText()).isEqualTo("pass"); // aligned SPF
        assertThat(lines.get(1).get("dkim").get(0).get("result").asText()).isEqualTo("pass");
        assertThat(lines.get(2).has("error")).isFalse();
        assertThat(lines.get(2).get("dmarc").get("result").asText()).isEqualTo("permerror"); // no usable From
        assertThat(lines.get(3).get("error").asText()).startsWith("cannot read:");
        assertThat(lines.get(3).has("dmarc")).isFalse();
        assertThat(lines.get(4).get("dkim").get(0).get("result").asText()).isEqualTo("fail");
        assertThat(lines.get(4).get("dkim").get(0).get("reason").asText()).isEqualTo("body hash mismatch");
        assertThat(r.err()).contains("d-unreadable.eml");
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        assertThat(DkimCommandTest.run("verify", "--ip", "not-an-ip", "--zone", zone.toString(), signed.toString()).code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("verify", "--zone", zone.toString(), tmp.resolve("missing.eml").toString()).code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("verify", "--zone", zone.toString(), "--batch", tmp.resolve("nodir").toString()).code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("verify", "--zone", zone.toString(), "--batch", tmp.toString(), signed.toString()).code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("verify", "--zone", tmp.resolve("nozone").toString(), signed.toString()).code()).isEqualTo(2);
        assertThat(DkimCommandTest.run("verify", "--authserv-id", " ", "--zone", zone.toString(), signed.toString()).code()).isEqualTo(2);
    }

    /** The README demo: the bundled signed message passes everything against demo/demo.zone; the tampered one does not. */
    @Test
    void readmeDemoMessageVerifies() throws Exception {
        Path demo = Path.of("../demo");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(demo.resolve("messages")), "demo/messages not found from " + Path.of("").toAbsolutePath());
        DkimCommandTest.Run r = DkimCommandTest.run("verify", "--zone", demo.resolve("demo.zone").toString(), "--ip", "192.0.2.10",
                "--helo", "mail.example.gov.uk", "--sender", "alice@example.gov.uk", "--json", "--batch", demo.resolve("messages").toString());
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode ok = new ObjectMapper().readTree(lines[0]);
        assertThat(ok.get("file").asText()).isEqualTo("signed.eml");
        assertThat(ok.get("dkim")).extracting(d -> d.get("result").asText()).containsExactly("pass", "pass");
        assertThat(ok.get("dmarc").get("result").asText()).isEqualTo("pass");
        JsonNode bad = new ObjectMapper().readTree(lines[1]);
        assertThat(bad.get("file").asText()).isEqualTo("tampered.eml");
        assertThat(bad.get("dkim")).extracting(d -> d.get("reason").asText()).containsExactly("body hash mismatch", "body hash mismatch");
    }
}
