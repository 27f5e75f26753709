package org.mailward.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7208 7.4's examples, escapes, URL escaping, truncation and the size cap. */
class MacroExpanderTest {

    private static final Map<Character, String> V4 = Map.of(
            's', "strong-bad@email.example.com", 'l', "strong-bad", 'o', "email.example.com",
            'd', "email.example.com", 'i', "192.0.2.3", 'v', "in-addr", 'h', "mx.example.org",
            'p', "mx.example.org", 'c', "192.0.2.3", 'r', "receiver.example");

    private static String expand(String text, boolean exp, Map<Character, String> values) {
        MacroString ms = MacroString.parse(text, exp).value();
        return MacroExpander.expand(ms, values::get).value();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
        "%{d1000}|email.example.com",
        "%{l=-+}|strong.bad",
    })
    void rfc7208Section74Examples(String macro, String expected) {
        assertThat(expand(macro, false, V4)).isEqualTo(expected);
    }

    @Test
    void escapesAndExplanationLetters() {
        assertThat(expand("a%%b%_c%-d", false, V4)).isEqualTo("a%b c%20d");
        assertThat(expand("%{c} via %{r}", true, V4)).isEqualTo("192.0.2.3 via receiver.example");
        // RFC 7208 7.3: upper-case letters are URL-escaped (unreserved: ALPHA DIGIT - . _ ~).
        assertThat(expand("%{S}", false, Map.of('s', "~jack&jill=up-a_b3.c@e8.example.com"))).isEqualTo("~jack%26jill%3Dup-a_b3.c%40e8.example.com");
    }

    @Test
    void ipv6NibblesPerSection74() {
        Map<Character, String> v6 = Map.of('i', "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1",
                'v', "ip6", 'd', "email.example.com");
        // The RFC prints the nibbles in lower case; the RFC 7208 test suite expects upper case. DNS names compare
        // without regard to case, so both name the same node.
        assertThat(expand("%{ir}.%{v}._spf.%{d2}", false, v6))
                .isEqualToIgnoringCase("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    }

    @Test
    void longDomainsLoseLabelsOnTheLeft() {
        String label = "a".repeat(60);
        String l = String.join(".", label, label, label, label, label);
        MacroString ms = MacroString.parse("%{l}.example.com", false).value();
        String name = MacroExpander.expandDomain(ms, c -> l).value();
        assertThat(name.length()).isLessThanOrEqualTo(253);
        assertThat(name).endsWith(".example.com").startsWith("a");
        assertThat(MacroExpander.expandDomain(MacroString.parse("%{d}.", false).value(), c -> "x.example").value()).isEqualTo("x.example");
    }

    @Test
    void expansionIsCapped() {
        MacroString ms = MacroString.parse("%{s}".repeat(5000), false).value();
        ParseResult<String> r = MacroExpander.expand(ms, c -> "x".repeat(100));
        assertThat(r.isOk()).isFalse();
        assertThat(r.reason()).contains("exceeds");
    }

    @ParameterizedTest(name = "invalid: {0}")
    @CsvSource(delimiter = '|', value = {
        "%|lone",
        "%{|unterminated",
        "%{}|empty macro",
        "%{x}|unknown macro letter",
        "%{c}|allowed only in exp",
        "%{r}|allowed only in exp",
        "%{t}|allowed only in exp",
        "%{d0}|must not be zero",
        "%{d2x}|invalid delimiter",
        "%a|invalid macro escape",
        "a b|not allowed",
    })
    void rejectsWithReason(String text, String reason) {
        ParseResult<MacroString> r = MacroString.parse(text, false);
        assertThat(r.isOk()).isFalse();
        assertThat(r.reason()).contains(reason);
    }
}
