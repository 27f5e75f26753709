package org.mailward.check.rpki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RpkiParsersTest {

    @Test
    void vrpsInBothAsnForms() {
        Vrps v = Vrps.parse("{\"metadata\":{},\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS64496\",\"ta\":\"x\"},"
                + "{\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"asn\":64497}]}");
        assertThat(v.entries()).hasSize(2);
        assertThat(v.entries().get(0).asn()).isEqualTo(64496);
        assertThat(v.entries().get(1).prefix().toString()).isEqualTo("2001:db8:0:0:0:0:0:0/32");
    }

    @Test
    void malformedVrpsAreRejectedWithTheEntry() {
        assertThatThrownBy(() -> Vrps.parse("[]")).hasMessageContaining("\"roas\" array");
        assertThatThrownBy(() -> Vrps.parse("{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":16,\"asn\":1}]}"))
                .hasMessageContaining("roas[0]").hasMessageContaining("maxLength 16");
        assertThatThrownBy(() -> Vrps.parse("{\"roas\":[{\"prefix\":\"192.0.2.1/24\",\"maxLength\":24,\"asn\":1}]}")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> Vrps.parse("{\"roas\":[{\"prefix\":\"example.test/24\",\"maxLength\":24,\"asn\":1}]}")).hasMessageContaining("numeric");
        assertThatThrownBy(() -> Vrps.parse("{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"ASX\"}]}")).hasMessageContaining("AS number");
        assertThatThrownBy(() -> Vrps.parse("{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":4294967296}]}")).hasMessageContaining("range");
        assertThatThrownBy(() -> Vrps.parse("{")).hasMessageContaining("not JSON");
    }

    @Test
    void routesAndTheirErrors() {
        Routes r = Routes.parse("# comment\n192.0.2.0/24 AS64496\n\n192.0.2.128/25 64497 # more specific\n192.0.2.128/25 64498\n");
        assertThat(r.entries()).hasSize(3);
        assertThatThrownBy(() -> Routes.parse("192.0.2.0/24\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Routes.parse("ok\n\n192.0.2.0/33 1")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Routes.parse("192.0.2.0/24 1\n192.0.2.0/33 1")).hasMessageContaining("line 2").hasMessageContaining("length over 32");
    }

    @Test
    void rfc6811OriginValidation() throws Exception {
        Vrps v = Vrps.parse("{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":64496},"
                + "{\"prefix\":\"198.51.100.0/24\",\"maxLength\":24,\"asn\":0}]}");
        Routes r = Routes.parse("192.0.2.0/24 64496\n192.0.2.128/25 64496\n198.51.100.0/24 64496\n203.0.113.0/24 64496\n10.0.0.0/8 64499\n10.0.0.0/8 64496");
        OriginValidation ov = new OriginValidation(v, r);
        assertThat(ov.validate(InetAddress.getByName("192.0.2.1"))).singleElement()
                .matches(x -> x.state() == OriginValidation.State.VALID);
        // more specific than maxLength: invalid, and only the most specific announcement is used
        assertThat(ov.validate(InetAddress.getByName("192.0.2.200"))).singleElement()
                .matches(x -> x.state() == OriginValidation.State.INVALID && x.route().prefix().length() == 25);
        // AS0 ROA: never valid
        assertThat(ov.validate(InetAddress.getByName("198.51.100.7"))).singleElement().matches(x -> x.state() == OriginValidation.State.INVALID);
        assertThat(ov.validate(InetAddress.getByName("203.0.113.9"))).singleElement().matches(x -> x.state() == OriginValidation.State.NOT_FOUND);
        assertThat(ov.validate(InetAddress.getByName("10.1.2.3"))).hasSize(2); // MOAS: both origins
        assertThat(ov.validate(InetAddress.getByName("192.168.1.1"))).isEmpty();
        assertThat(ov.validate(InetAddress.getByName("2001:db8::1"))).isEmpty();
    }

    /** Property: random input either parses or fails with IllegalArgumentException, never anything else. */
    @Test
    void fuzzParsersRejectCleanly() {
        Random rnd = new Random(6811L);
        String[] routeBits = {"192.0.2.0/24", "2001:db8::/32", "AS64496", "64496", " ", "\t", "\n", "#", "/", "::", "999", "1.2.3.4", "/33", "as"};
        String[] jsonBits = {"{", "}", "[", "]", "\"roas\"", ":", ",", "\"prefix\"", "\"192.0.2.0/24\"", "\"maxLength\"", "24", "\"asn\"", "64496",
                "\"AS1\"", "null", "true", "-1", "1e99", "\"2001:db8::/32\""};
        for (int i = 0; i < 20_000; i++) {
            String routes = random(rnd, routeBits);
            try {
                Routes r = Routes.parse(routes);
                r.entries().forEach(e -> assertThat(e.prefix().length()).isBetween(0, e.prefix().bits()));
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            String json = i % 3 == 0 ? "{\"roas\":[" + random(rnd, jsonBits) + "]}" : random(rnd, jsonBits);
            try {
                Vrps v = Vrps.parse(json);
                v.entries().forEach(e -> assertThat(e.maxLength()).isBetween(e.prefix().length(), e.prefix().bits()));
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static String random(Random rnd, String[] bits) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int j = 0; j < n; j++) {
            sb.append(rnd.nextInt(6) == 0 ? String.valueOf((char) rnd.nextInt(128)) : bits[rnd.nextInt(bits.length)]);
        }
        return sb.toString();
    }
}
