package org.mailward.auth.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthenticationResultsTest {

    private static AuthenticationResults parsed(String value) {
        AuthenticationResultsParse p = AuthenticationResults.parse(value);
        assertThat(p).as(value).isInstanceOf(AuthenticationResultsParse.Parsed.class);
        return ((AuthenticationResultsParse.Parsed) p).results();
    }

    private static AuthenticationResultsParse.Malformed malformed(String value) {
        AuthenticationResultsParse p = AuthenticationResults.parse(value);
        assertThat(p).as(value).isInstanceOf(AuthenticationResultsParse.Malformed.class);
        return (AuthenticationResultsParse.Malformed) p;
    }

    private static AuthenticationResults sample() {
        return new AuthenticationResults("mx.mailward.example", List.of(
                ResultInfo.of("spf", "pass").withProperty("smtp", "mailfrom", "bounce+id=1@example.com"),
                ResultInfo.of("dkim", "pass").withComment("2048-bit key")
                        .withProperty("header", "d", "example.com").withProperty("header", "s", "sel1")
                        .withProperty("header", "i", "@example.com")
                        .withHeaderB("AbCdEfGh/+IjKlMnOp=="),
                ResultInfo.of("dkim", "fail").withReason("body hash mismatch").withProperty("header", "d", "example.net"),
                ResultInfo.of("dmarc", "pass").withComment("p=reject dis=none").withProperty("header", "from", "example.com"),
                ResultInfo.of("arc", "pass").withProperty("smtp", "remote-ip", "192.0.2.1"),
                ResultInfo.of("spf", "none").withProperty("smtp", "helo", "mx.example.com").withProperty("policy", "local", "x y")));
    }

    @Test
    void rendersQuotedAndFolded() {
        AuthenticationResults ar = sample();
        String field = ar.headerField();
        assertThat(field).isEqualTo("""
                Authentication-Results: mx.mailward.example;\r
                \tspf=pass smtp.mailfrom=bounce+id=1@example.com;\r
                \tdkim=pass (2048-bit key) header.d=example.com header.s=sel1\r
                \theader.i=@example.com header.b="AbCdEfGh/+Ij";\r
                \tdkim=fail reason="body hash mismatch" header.d=example.net;\r
                \tdmarc=pass (p=reject dis=none) header.from=example.com;\r
                \tarc=pass smtp.remote-ip=192.0.2.1;\r
                \tspf=none smtp.helo=mx.example.com policy.local="x y\"""");
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void renderThenParseRoundTrips() {
        AuthenticationResults ar = sample();
        assertThat(parsed(ar.value())).isEqualTo(ar);
        String folded = ar.headerField().substring((AuthenticationResults.FIELD_NAME + ":").length());
        assertThat(parsed(folded)).isEqualTo(ar);
    }

    @Test
    void noResultRendersNone() {
        AuthenticationResults none = new AuthenticationResults("mx.example.org", Optional.of(1), List.of());
        assertThat(none.value()).isEqualTo("mx.example.org 1; none");
        assertThat(parsed("mx.example.org 1; none")).isEqualTo(none);
        assertThat(parsed("example.org; none").results()).isEmpty();
    }

    @Test
    void parsesRfc8601AppendixStyleExamples() {
        // RFC 8601 Appendix B.3-style: comments, version, several methods
        AuthenticationResults a = parsed("""
                example.com 1;
                          spf=pass smtp.mailfrom=example.net (this (nested) comment)
                  ; dkim=pass (good signature) header.i=@mail-router.example.net
                  ; dkim=fail (bad signature) header.i=@newyork.example.com""");
        assertThat(a.authservId()).isEqualTo("example.com");
        assertThat(a.version()).contains(1);
        assertThat(a.results()).extracting(ResultInfo::method).containsExactly("spf", "dkim", "dkim");
        assertThat(a.results().get(0).property("smtp.mailfrom")).contains("example.net");
        assertThat(a.results().get(0).comment()).contains("this (nested) comment");
        assertThat(a.results().get(2).result()).isEqualTo("fail");
        assertThat(a.results().get(2).property("header.i")).contains("@newyork.example.com");

        AuthenticationResults q = parsed("\"quoted id\" ; auth=pass (cram-md5) smtp.auth=sender@example.net; x-unknown/2 = Weird "
                + "reason = \"a \\\"quoted\\\" reason\" ptype.prop=\"v;1\"");
        assertThat(q.authservId()).isEqualTo("quoted id");
        assertThat(q.results().get(0).property("smtp.auth")).contains("sender@example.net");
        ResultInfo unknown = q.results().get(1);
        assertThat(unknown.method()).isEqualTo("x-unknown");
        assertThat(unknown.result()).isEqualTo("weird");
        assertThat(unknown.reason()).contains("a \"quoted\" reason");
        assertThat(unknown.property("ptype.prop")).contains("v;1");

        // unquoted base64 header.b as senders write it
        AuthenticationResults b = parsed("mx.google.example; dkim=pass header.i=@example.com header.s=20230601 header.b=Ab/cD+e=");
        assertThat(b.results().get(0).property("header.b")).contains("Ab/cD+e=");
    }

    @Test
    void malformedFieldsSayWhere() {
        assertThat(malformed("").error()).contains("authserv-id");
        assertThat(malformed("example.org").error()).contains("no result");
        assertThat(malformed("example.org; spf").error()).contains("'=' after method spf");
        assertThat(malformed("example.org; spf=pass smtp").error()).contains("'.' after ptype smtp");
        assertThat(malformed("example.org; spf=pass (unclosed").error()).contains("unterminated comment");
        assertThat(malformed("example.org; spf=pass reason=\"open").error()).contains("unterminated quoted-string");
        assertThat(malformed("example.org; none; spf=pass").error()).contains("after 'none'");
        AuthenticationResultsParse.Malformed m = malformed("example.org; spf=pass smtp.mailfrom=");
        assertThat(m.error()).contains("property value");
        assertThat(m.position()).isEqualTo("example.org; spf=pass smtp.mailfrom=".length());
    }

    @Test
    void claimsOurAuthservIdForRemoval() {
        assertThat(AuthenticationResults.claims(" MX.Mailward.Example; spf=pass smtp.mailfrom=x", "mx.mailward.example")).isTrue();
        assertThat(AuthenticationResults.claims("(c) mx.mailward.example 1; none", "mx.mailward.example")).isTrue();
        assertThat(AuthenticationResults.claims("\"mx.mailward.example\"; dkim=pass", "mx.mailward.example")).isTrue();
        assertThat(AuthenticationResults.claims("mx.mailward.example; spf=", "mx.mailward.example")).isTrue(); // malformed, still ours
        assertThat(AuthenticationResults.claims("mx.mailward.example.evil; spf=pass", "mx.mailward.example")).isFalse();
        assertThat(AuthenticationResults.claims("other.example; spf=pass", "mx.mailward.example")).isFalse();
        assertThat(AuthenticationResults.claims("", "mx.mailward.example")).isFalse();
        assertThat(AuthenticationResults.claims("(unterminated", "mx.mailward.example")).isFalse();
    }

    @Test
    void arcAuthenticationResults() {
        ArcAuthenticationResults.Parse p = ArcAuthenticationResults.parse(
                " i=2; lists.example.org;\r\n spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com");
        assertThat(p).isInstanceOf(ArcAuthenticationResults.Parse.Parsed.class);
        ArcAuthenticationResults aar = ((ArcAuthenticationResults.Parse.Parsed) p).aar();
        assertThat(aar.instance()).isEqualTo(2);
        assertThat(aar.results().authservId()).isEqualTo("lists.example.org");
        assertThat(aar.results().results()).extracting(ResultInfo::method).containsExactly("spf", "dkim");
        assertThat(aar.value()).isEqualTo("i=2; lists.example.org; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com");
        assertThat(ArcAuthenticationResults.parse(aar.value())).isEqualTo(p);
        assertThat(ArcAuthenticationResults.parse("i=0; a.example; none")).isInstanceOf(ArcAuthenticationResults.Parse.Malformed.class);
        assertThat(ArcAuthenticationResults.parse("i=51; a.example; none")).isInstanceOf(ArcAuthenticationResults.Parse.Malformed.class);
        assertThat(ArcAuthenticationResults.parse("a.example; none")).isInstanceOf(ArcAuthenticationResults.Parse.Malformed.class);
        assertThat(ArcAuthenticationResults.parse("i=1 a.example; none")).isInstanceOf(ArcAuthenticationResults.Parse.Malformed.class);
    }

    @Test
    void fuzzParserNeverThrows() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random r = new Random(seed);
        List<String> seeds = List.of(sample().value(), sample().headerField(),
                "example.com 1; spf=pass smtp.mailfrom=example.net (a (b) c); dkim/1=fail reason=\"x\" header.b=\"Ab/+\"",
                "\"id\" ; none");
        String alphabet = "();=.\"\\ \t\r\n@/abcnone1";
        int ok = 0;
        try {
            for (int i = 0; i < 20_000; i++) {
                String s;
                if (r.nextInt(5) == 0) {
                    StringBuilder sb = new StringBuilder();
                    for (int k = r.nextInt(80); k > 0; k--) {
                        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                    s = sb.toString();
                } else {
                    s = mutate(seeds.get(r.nextInt(seeds.size())), r);
                }
                AuthenticationResultsParse p = AuthenticationResults.parse(s);
                AuthenticationResults.claims(s, "example.com");
                ArcAuthenticationResults.parse(s);
                ArcAuthenticationResults.parse("i=1; " + s);
                if (p instanceof AuthenticationResultsParse.Parsed parsed) {
                    ok++;
                    // whatever parses renders to a field that parses back to the same value
                    AuthenticationResults again = ((AuthenticationResultsParse.Parsed) AuthenticationResults.parse(parsed.results().value())).results();
                    assertThat(again.results()).hasSameSizeAs(parsed.results().results());
                } else {
                    AuthenticationResultsParse.Malformed m = (AuthenticationResultsParse.Malformed) p;
                    assertThat(m.position()).isBetween(0, s.length());
                }
            }
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("fuzz seed " + seed + ": " + e, e);
        }
        assertThat(ok).as("seed " + seed).isPositive();
    }

    private static String mutate(String s, Random r) {
        StringBuilder sb = new StringBuilder(s);
        for (int e = 1 + r.nextInt(4); e > 0 && !sb.isEmpty(); e--) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, (char) r.nextInt(0x180));
                case 2 -> sb.setCharAt(at, "();=.\"\\ ".charAt(r.nextInt(8)));
                case 3 -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + r.nextInt(30))));
                case 4 -> sb.setLength(at);
                default -> sb.insert(at, "(" + "(".repeat(r.nextInt(3)));
            }
        }
        return sb.toString();
    }
}
