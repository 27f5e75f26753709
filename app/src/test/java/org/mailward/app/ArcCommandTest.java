package org.mailward.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcCommandTest {

    @TempDir
    Path tmp;

    @Test
    void sealThenVerify() throws Exception {
        JsonNode key = DkimCommandTest.run("dkim", "keygen", "--domain", "fwd.example", "--selector", "arc", "--out", tmp.toString(), "--json").json();
        Path zone = tmp.resolve("zone.txt");
        Files.writeString(zone, key.get("zoneLine").asText() + "\n");
        Path in = tmp.resolve("in.eml");
        Files.writeString(in, "Authentication-Results: mx.fwd.example; spf=pass smtp.mailfrom=a@origin.example\n"
                + "From: a@origin.example\nTo: b@fwd.example\nSubject: hi\n\nbody\n");
        Path out = tmp.resolve("out.eml");
        DkimCommandTest.Run seal = DkimCommandTest.run("arc", "seal", "--domain", "fwd.example", "--selector", "arc",
                "--key", key.get("privateKeyFile").asText(), "--authserv-id", "mx.fwd.example", "--zone", zone.toString(),
                "--output", out.toString(), in.toString());
        assertThat(seal.code()).as(seal.err()).isZero();
        String sealed = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertThat(sealed).startsWith("ARC-Seal: a=rsa-sha256;").doesNotContain("\r");
        assertThat(sealed.replace("\n\t", " ")).contains("ARC-Authentication-Results: i=1; mx.fwd.example; spf=pass smtp.mailfrom=a@origin.example");
        DkimCommandTest.Run verify = DkimCommandTest.run("arc", "verify", "--zone", zone.toString(), "--json", out.toString());
        assertThat(verify.code()).isZero();
        JsonNode arc = verify.json().get("arc");
        assertThat(arc.get("result").asText()).isEqualTo("pass");
        assertThat(arc.get("instances").asInt()).isEqualTo(1);
        assertThat(arc.get("sets").get(0).get("sealDomain").asText()).isEqualTo("fwd.example");
        JsonNode none = DkimCommandTest.run("arc", "verify", "--zone", zone.toString(), "--json", in.toString()).json().get("arc");
        assertThat(none.get("result").asText()).isEqualTo("none");
    }
}
