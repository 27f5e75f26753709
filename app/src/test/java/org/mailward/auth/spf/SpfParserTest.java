package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The record parser: terms, CIDR lengths, modifiers and precise permerror reasons (RFC 7208 4.5, 4.6, 5, 6, 12). */
class SpfParserTest {

    @Test
    void parsesEveryMechanismAndModifier() {
        SpfRecord r = SpfParser.parse("v=spf1 +all -include:_spf.example.com ~a ?a:%{d}/24//64 mx:mx.example.com/28"
                + " ptr ptr:example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.%{v}._spf.%{d}"
                + " redirect=_spf.example.net exp=explain.%{d} foo.bar=baz").value();
        assertThat(r.terms()).hasSize(13);
        assertThat(r.directives()).hasSize(10);
        assertThat(r.directives().get(1).qualifier()).isEqualTo(Qualifier.FAIL);
        assertThat(r.directives().get(3).mechanism()).isEqualTo(new Mechanism.A(
                Optional.of(MacroString.parse("%{d}", false).value()), 24, 64));
        assertThat(r.directives().get(4).mechanism()).isInstanceOfSatisfying(Mechanism.Mx.class, m -> {
            assertThat(m.cidr4()).isEqualTo(28);
            assertThat(m.cidr6()).isEqualTo(128);
        });
        assertThat(r.directives().get(7).mechanism()).isInstanceOfSatisfying(Mechanism.Ip4.class,
                m -> assertThat(m.prefix()).isEqualTo(24));
        assertThat(r.directives().get(8).mechanism()).isInstanceOfSatisfying(Mechanism.Ip6.class,
                m -> assertThat(m.prefix()).isEqualTo(32));
        assertThat(r.redirect()).isPresent();
        assertThat(r.explanation()).isPresent();
        assertThat(r.terms().get(12)).isInstanceOf(SpfTerm.UnknownModifier.class);
    }

    @Test
    void selection() {
        assertThat(SpfParser.isSpfRecord("v=spf1")).isTrue();
        assertThat(SpfParser.isSpfRecord("V=SpF1 -all")).isTrue();
        assertThat(SpfParser.isSpfRecord("v=spf10")).isFalse();
        assertThat(SpfParser.isSpfRecord("v=spf1-all")).isFalse();
        assertThat(SpfParser.isSpfRecord(" v=spf1 -all")).isFalse();
        assertThat(SpfParser.parse("v=spf1   -all   ").value().terms()).hasSize(1);
    }

    @Test
    void unknownModifiersAreIgnoredHoweverOftenTheyAppear() {
        // RFC 7208 6: "Unrecognized modifiers MUST be ignored no matter where, or how often, they appear".
        // (pyspf makes a repeated unknown modifier a permerror; the differential generator avoids the case.)
        assertThat(SpfParser.parse("v=spf1 moo=bar moo=bar -all").isOk()).isTrue();
        assertThat(SpfParser.parse("v=spf1 moo= -all").isOk()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 foo|unknown mechanism",
        "v=spf1 -all:x|all takes no argument",
        "v=spf1 include|needs",
        "v=spf1 exists|needs",
        "v=spf1 a:|expected",
        "v=spf1 mx/33|exceeds 32",
        "v=spf1 a//129|exceeds 128",
        "v=spf1 a/1234|out of range",
        "v=spf1 ip4:192.0.2.300|not an IPv4 address",
        "v=spf1 ip4:192.0.02.1|not an IPv4 address",
        "v=spf1 ip4:192.0.2.1/33|exceeds 32",
        "v=spf1 ip4:192.0.2.1/024|invalid prefix length",
        "v=spf1 ip4:192.0.2.1//64|invalid prefix length",
        "v=spf1 ip6:zz::1|not an IPv6 address",
        "v=spf1 ip6:1::2::3|not an IPv6 address",
        "v=spf1 ip6:2001:db8::/129|exceeds 128",
        "v=spf1 ptr/24|ptr takes only",
        "v=spf1 a:nodot|valid top-level label",
        "v=spf1 a:foo.1|valid top-level label",
        "v=spf1 mx:example.com:25|valid top-level label",
        "v=spf1 +-all|unknown mechanism",
        "v=spf1 -|qualifier without a mechanism",
        "v=spf1 redirect=|empty domain-spec",
        "v=spf1 redirect=a.example redirect=b.example|more than once",
        "v=spf1 exp=a.example exp=b.example|more than once",
        "v=spf1 include:%|lone",
        "v=spf1 a:%{d0}.example.com|must not be zero",
        "v=spf1 exists:%{i.example.com|unterminated",
        "v=spf1 exists:%{c}.example.com|allowed only in exp",
        "v=spf1 moo=%{z}|unknown macro letter",
        "spf1 -all|must start with",
    })
    void rejectsWithPreciseReason(String record, String reason) {
        ParseResult<SpfRecord> r = SpfParser.parse(record);
        assertThat(r.isOk()).as(record).isFalse();
        assertThat(r.reason()).contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1 a:\u00efgarbage.example.net -all", "v=spf1 -all\tmx", "v=spf1 a:ex\u0000ample.com"})
    void rejectsNonAsciiAndControlCharacters(String record) {
        assertThat(SpfParser.parse(record).reason()).contains("printable 7-bit ASCII");
    }

    @Test
    void ipLiterals() {
        assertThat(IpLiterals.parseIp6("::")).isPresent();
        assertThat(IpLiterals.parseIp6("::ffff:192.0.2.1")).isPresent();
        assertThat(IpLiterals.parseIp6("1:2:3:4:5:6:7:8")).isPresent();
        assertThat(IpLiterals.parseIp6("1:2:3:4:5:6:7:8:9")).isEmpty();
        assertThat(IpLiterals.parseIp6("1:2:3:4:5:6:7")).isEmpty();
        assertThat(IpLiterals.parseIp6("1::2:")).isEmpty();
        assertThat(IpLiterals.parseIp6(":1::2")).isEmpty();
        assertThat(IpLiterals.parseClient("::ffff:192.0.2.1").map(IpLiterals::format)).contains("192.0.2.1");
        assertThat(IpLiterals.parseClient("CAFE:BABE::1").map(IpLiterals::format)).contains("cafe:babe::1");
        assertThat(IpLiterals.parseClient("example.com")).isEmpty();
    }
}
