package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimCommandTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static final String MSG = "From: a@example.com\nTo: b@example.net\nSubject: hello\n\nbody\n";

    @Test
    void keygenWritesAPrivateKeyAndPrintsTheRecord() throws Exception {
        Run r = run("dkim", "keygen", "--domain", "Example.com", "--selector", "s1", "--data", tmp.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("domain").asText()).isEqualTo("example.com");
        assertThat(j.get("selector").asText()).isEqualTo("s1");
        assertThat(j.get("recordName").asText()).isEqualTo("s1._domainkey.example.com");
        assertThat(j.get("recordValue").asText()).startsWith("v=DKIM1; k=rsa; p=MIIBIjAN");
        Path key = Path.of(j.get("privateKeyFile").asText());
        assertThat(key).startsWith(tmp.resolve("keys"));
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        for (JsonNode s : j.get("recordStrings")) {
            assertThat(s.asText().length()).isLessThanOrEqualTo(255);
        }
        assertThat(j.get("recordStrings").size()).isEqualTo(2);

        Run again = run("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--data", tmp.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("exists");
    }

    @Test
    void keygenBitsPolicy() throws Exception {
        Run weak = run("dkim", "keygen", "--domain", "example.com", "--selector", "old", "--bits", "1024", "--out", tmp.toString());
        assertThat(weak.code()).isZero();
        assertThat(weak.err()).contains("warning");
        assertThat(weak.out()).contains("old._domainkey.example.com. 3600 IN TXT (");
        Run refused = run("dkim", "keygen", "--domain", "example.com", "--selector", "tiny", "--bits", "512", "--out", tmp.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("RFC 8301");
        Run ed = run("dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--type", "ed25519", "--out", tmp.toString(), "--json");
        assertThat(ed.code()).isZero();
        assertThat(ed.json().get("recordValue").asText()).matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=");
    }

    @Test
    void keygenSignRecordVerifyRoundTrip() throws Exception {
        JsonNode rsa = run("dkim", "keygen", "--domain", "example.com", "--selector", "rsa", "--out", tmp.toString(), "--json").json();
        JsonNode ed = run("dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--type", "ed25519", "--out", tmp.toString(), "--json").json();
        Path zone = tmp.resolve("zone.txt");
        Files.writeString(zone, rsa.get("zoneLine").asText() + "\n" + ed.get("zoneLine").asText() + "\n");

        Run rec = run("dkim", "record", "--domain", "example.com", "--selector", "rsa", "--zone", zone.toString(),
                "--key", rsa.get("privateKeyFile").asText(), "--json");
        assertThat(rec.code()).as(rec.err()).isZero();
        assertThat(rec.json().get("status").asText()).isEqualTo("ok");
        assertThat(rec.json().get("matchesKey").asBoolean()).isTrue();
        assertThat(rec.json().get("keyBits").asInt()).isEqualTo(2048);
        Run wrong = run("dkim", "record", "--domain", "example.com", "--selector", "rsa", "--zone", zone.toString(),
                "--key", ed.get("privateKeyFile").asText(), "--json");
        assertThat(wrong.json().get("matchesKey").asBoolean()).isFalse();
        Run missing = run("dkim", "record", "--domain", "example.com", "--selector", "nope", "--zone", zone.toString(), "--json");
        assertThat(missing.json().get("status").asText()).isEqualTo("notfound");

        Path in = tmp.resolve("in.eml");
        Path out = tmp.resolve("out.eml");
        Files.writeString(in, MSG);
        Run sign = run("dkim", "sign", "--domain", "example.com", "--selector", "rsa", "--key", rsa.get("privateKeyFile").asText(),
                "--selector", "ed", "--key", ed.get("privateKeyFile").asText(), "--output", out.toString(), in.toString());
        assertThat(sign.code()).as(sign.err()).isZero();
        String signed = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertThat(signed).startsWith("DKIM-Signature: v=1; a=rsa-sha256;").contains("DKIM-Signature: v=1; a=ed25519-sha256;").endsWith(MSG);

        Run verify = run("dkim", "verify", "--zone", zone.toString(), "--json", out.toString());
        assertThat(verify.code()).as(verify.err()).isZero();
        JsonNode results = verify.json().get("dkim");
        assertThat(results.size()).isEqualTo(2);
        assertThat(results.get(0).get("result").asText()).isEqualTo("pass");
        assertThat(results.get(0).get("algorithm").asText()).isEqualTo("rsa-sha256");
        assertThat(results.get(1).get("result").asText()).isEqualTo("pass");
        assertThat(results.get(1).get("algorithm").asText()).isEqualTo("ed25519-sha256");

        Files.writeString(out, signed.replace("body", "BODY"), StandardCharsets.ISO_8859_1);
        JsonNode failed = run("dkim", "verify", "--zone", zone.toString(), "--json", out.toString()).json().get("dkim");
        assertThat(failed.get(0).get("result").asText()).isEqualTo("fail");
        assertThat(failed.get(0).get("reason").asText()).isEqualTo("body hash mismatch");

        JsonNode none = run("dkim", "verify", "--zone", zone.toString(), "--json", in.toString()).json().get("dkim");
        assertThat(none.get(0).get("result").asText()).isEqualTo("none");
    }

    @Test
    void signRejectsBadKeys() throws Exception {
        Path bad = tmp.resolve("bad.pem");
        Files.writeString(bad, "not a key");
        Path in = tmp.resolve("in.eml");
        Files.writeString(in, MSG);
        Run r = run("dkim", "sign", "--domain", "example.com", "--selector", "s", "--key", bad.toString(), in.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a private key");
    }
}
