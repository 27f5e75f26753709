package org.mailward.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mailward.auth.dkim.DkimKeys;
import org.mailward.auth.dkim.TagList;
import org.mailward.auth.message.HeaderField;
import org.mailward.auth.message.MessageReader;
import org.mailward.dns.Resolver;
import org.mailward.testing.SharedTestdata;

/**
 * Every case of the ValiMail ARC signing suite (testdata/arc/arc-draft-sign-tests.yml), one dynamic test per case.
 * The incoming chain is validated with {@link ArcVerifier} (and must agree with the arc= result the suite stamped
 * into the message's Authentication-Results, when there is one); the message is sealed with the case's key, t=,
 * header list and authserv-id; then:
 * <ul>
 *   <li>the produced ARC-Seal and ARC-Message-Signature must carry exactly the expected b= and bh= values (RSA
 *       PKCS#1 v1.5 is deterministic and relaxed canonicalisation makes our folding irrelevant, so byte equality of
 *       the signatures proves the same hash input), and the expected i=, cv=, d=, s=, t=, h= tags;</li>
 *   <li>the AAR must equal the expected one with white space runs collapsed (the suite's consolidation rule: every
 *       Authentication-Results of the authserv-id, results in order, joined with "; ");</li>
 *   <li>the sealed message must validate with {@link ArcVerifier};</li>
 *   <li>where the suite expects no new set (empty AS/AMS/AAR), the sealer must refuse.</li>
 * </ul>
 * The byte comparison uses the sealer's unfolded "standardised format" ({@code folded(false)}), the format the suite's
 * README prescribes; Mailward's default folded format legitimately gives another ARC-Seal b= (the seal covers the AMS
 * including its folded b= value), so for it the produced seal is verified instead.
 */
class ArcSignSuiteTest {

    @TestFactory
    Stream<DynamicTest> signSuite() throws IOException {
        Path file = SharedTestdata.file("arc/arc-draft-sign-tests.yml");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode doc : ArcValidationSuiteTest.documents(file)) {
            Resolver resolver = ArcValidationSuiteTest.resolver(doc);
            PrivateKey key = DkimKeys.readPrivateKey(doc.get("privatekey").asText()).orElseThrow();
            String domain = doc.get("domain").asText();
            String selector = doc.get("sel").asText();
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("tests").fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                JsonNode t = e.getValue();
                tests.add(DynamicTest.dynamicTest(name, () -> check(name, t, resolver, key, domain, selector)));
            }
        }
        assertThat(tests).hasSize(17);
        return tests.stream();
    }

    static void check(String name, JsonNode t, Resolver resolver, PrivateKey key, String domain, String selector) {
        byte[] message = t.get("message").asText().getBytes(StandardCharsets.UTF_8);
        long ts = t.get("t").asLong();
        String srvId = t.get("srv-id").asText().strip();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(ts), ZoneOffset.UTC);
        ArcResult incoming = new ArcVerifier(resolver, clock).verify(message);
        var headers = MessageReader.headers(message);
        String stamped = stampedArcResult(headers.fields(), srvId);
        if (!stamped.isEmpty()) {
            assertThat(incoming.cv().token()).as("%s: our validation of the incoming chain vs the suite's stamp: %s", name, incoming).isEqualTo(stamped);
        }
        List<String> sigHeaders = List.of(t.get("sig-headers").asText().strip().split(":"));
        ArcSealer sealer = ArcSealer.builder(domain, selector, key, clock).headers(sigHeaders).folded(false).build();
        ArcSealer.Outcome out = sealer.seal(message, srvId, consolidate(headers.fields(), srvId), incoming.cv());
        String expectedAs = t.get("AS").asText().strip();
        if (expectedAs.isEmpty()) {
            assertThat(out).as(name).isInstanceOf(ArcSealer.NotSealed.class);
            assertThat(t.get("AMS").asText().strip()).isEmpty();
            return;
        }
        assertThat(out).as(name).isInstanceOf(ArcSealer.Sealed.class);
        ArcSealer.Sealed s = (ArcSealer.Sealed) out;
        assertThat(collapse(HeaderField.of(s.authenticationResults()).rawValue())).as(name + " AAR").isEqualTo(collapse(t.get("AAR").asText()));
        TagList wantAms = tags(t.get("AMS").asText().strip());
        TagList gotAms = tags(HeaderField.of(s.messageSignature()).rawValue());
        for (String tag : List.of("a", "b", "bh", "c", "d", "h", "i", "s", "t")) {
            assertThat(TagList.removeFws(gotAms.get(tag).orElse(""))).as("%s AMS %s=", name, tag).isEqualTo(TagList.removeFws(wantAms.get(tag).orElse("")));
        }
        TagList wantAs = tags(expectedAs);
        TagList gotAs = tags(HeaderField.of(s.seal()).rawValue());
        for (String tag : List.of("a", "b", "cv", "d", "i", "s", "t")) {
            assertThat(TagList.removeFws(gotAs.get(tag).orElse(""))).as("%s AS %s=", name, tag).isEqualTo(TagList.removeFws(wantAs.get(tag).orElse("")));
        }
        ArcResult sealed = new ArcVerifier(resolver, clock).verify(s.applyTo(message, true));
        assertThat(sealed.instances()).isEqualTo(s.instance());
        assertThat(sealed.cv()).as("%s: validation of our sealed message: %s", name, sealed)
                .isEqualTo(s.cv() == ArcStatus.FAIL ? ArcStatus.FAIL : ArcStatus.PASS);
        // Mailward's default, folded format cannot match the expected AS bytes (the seal covers the AMS b= with its
        // folding, see ArcSealer.Builder#folded): there the produced seal is verified instead
        ArcSealer.Outcome folded = ArcSealer.builder(domain, selector, key, clock).headers(sigHeaders).build()
                .seal(message, srvId, consolidate(headers.fields(), srvId), incoming.cv());
        ArcSealer.Sealed fs = (ArcSealer.Sealed) folded;
        for (String line : String.join("", fs.fields()).split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
        ArcResult foldedResult = new ArcVerifier(resolver, clock).verify(fs.applyTo(message, true));
        assertThat(foldedResult.cv()).as("%s folded: %s", name, foldedResult).isEqualTo(sealed.cv());
    }

    static TagList tags(String value) {
        TagList.Parsed p = TagList.parse(value.replace("\r\n", "\n").replace("\n", "\r\n "));
        if (p instanceof TagList.Invalid inv) {
            throw new AssertionError("cannot parse " + value + ": " + inv);
        }
        return ((TagList.Ok) p).list();
    }

    static String collapse(String s) {
        return s.replaceAll("[ \\t\\r\\n]+", " ").strip();
    }

    /** The README's consolidation: results of every Authentication-Results whose authserv-id is srvId, in order. */
    static String consolidate(List<HeaderField> fields, String srvId) {
        List<String> parts = new ArrayList<>();
        for (HeaderField f : fields) {
            if (!f.is("Authentication-Results")) {
                continue;
            }
            String v = collapse(f.rawValue());
            int semi = v.indexOf(';');
            String id = (semi < 0 ? v : v.substring(0, semi)).strip();
            if (id.equalsIgnoreCase(srvId) && semi >= 0) {
                String rest = v.substring(semi + 1).strip();
                while (rest.endsWith(";")) {
                    rest = rest.substring(0, rest.length() - 1).strip();
                }
                if (!rest.isEmpty()) {
                    parts.add(rest);
                }
            }
        }
        return String.join("; ", parts);
    }

    /** The arc= value the suite stamped into the first Authentication-Results of srvId, or "". */
    static String stampedArcResult(List<HeaderField> fields, String srvId) {
        for (HeaderField f : fields) {
            if (f.is("Authentication-Results")) {
                var m = java.util.regex.Pattern.compile("\\barc=(none|pass|fail)\\b").matcher(f.rawValue());
                if (collapse(f.rawValue()).startsWith(srvId) && m.find()) {
                    return m.group(1);
                }
            }
        }
        return "";
    }
}
