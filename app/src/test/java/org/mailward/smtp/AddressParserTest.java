package org.mailward.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressParserTest {

    static Parsed<AddressParser.PathAndRest> fwd(String s, boolean utf8) {
        return AddressParser.parsePath(s, false, utf8);
    }

    @Test
    void ordinaryPathsParse() {
        AddressParser.PathAndRest p = fwd("<Alice.Smith@Example.GOV.uk> NOTIFY=NEVER", false).value();
        assertThat(p.mailbox().orElseThrow().localPart()).isEqualTo("Alice.Smith");
        assertThat(p.mailbox().orElseThrow().domain()).isEqualTo("example.gov.uk");
        assertThat(p.rest()).isEqualTo("NOTIFY=NEVER");
        assertThat(AddressParser.parsePath("<>", true, false).value().mailbox()).isEmpty();
        assertThat(fwd("<>", false).isOk()).isFalse();
        assertThat(fwd("<postmaster>", false).value().mailbox().orElseThrow().isPostmasterOnly()).isTrue();
    }

    @Test
    void quotedLocalPartsKeepTheirContent() {
        Mailbox m = fwd("<\"a@b%c\\\"d\"@example.org>", false).value().mailbox().orElseThrow();
        assertThat(m.localPart()).isEqualTo("a@b%c\"d");
        assertThat(m.needsQuoting()).isTrue();
        assertThat(m.address()).isEqualTo("\"a@b%c\\\"d\"@example.org");
        assertThat(fwd("<\"a b\"@example.org>", false).value().mailbox().orElseThrow().address()).isEqualTo("\"a b\"@example.org");
    }

    @Test
    void sourceRoutesAreRecordedAndIgnored() {
        Mailbox m = fwd("<@a.example,@B.example:u@c.example>", false).value().mailbox().orElseThrow();
        assertThat(m.sourceRoute()).containsExactly("a.example", "b.example");
        assertThat(m.domain()).isEqualTo("c.example");
        assertThat(m.localPart()).isEqualTo("u");
    }

    @Test
    void addressLiterals() {
        assertThat(fwd("<u@[192.0.2.1]>", false).value().mailbox().orElseThrow().domain()).isEqualTo("[192.0.2.1]");
        assertThat(fwd("<u@[IPv6:2001:db8:0:0::1]>", false).value().mailbox().orElseThrow().domain()).isEqualTo("[IPv6:2001:db8:0:0:0:0:0:1]");
        assertThat(fwd("<u@[192.0.2.256]>", false).isOk()).isFalse();
        assertThat(fwd("<u@[IPv6:zz::1]>", false).isOk()).isFalse();
    }

    @Test
    void smtputf8AddressesNeedUtf8Mode() {
        assertThat(fwd("<用户@例子.广告>", false).isOk()).isFalse();
        Mailbox m = fwd("<用户@例子.广告>", true).value().mailbox().orElseThrow();
        assertThat(m.utf8()).isTrue();
        assertThat(m.domain()).isEqualTo("xn--fsqu00a.xn--4rr70v");
        assertThat(m.localPart()).isEqualTo("用户");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "u@example.org|path must be enclosed in <>",
            "<u@example.org|path has no closing >",
            "<u@example.org.>|domain must not end with a dot",
            "<u@exa mple.org>|not allowed in a domain",
            "<u@-example.org>|hyphen",
            "<u@example..org>|empty label",
            "<.u@example.org>|empty atom",
            "<u..v@example.org>|empty atom",
            "<u v@example.org>|not allowed in an unquoted local part",
            "<a@b@example.org>|not allowed in an unquoted local part",
            "<uexample.org>|missing @",
            "<@a.example:>|empty mailbox",
            "<\"unterminated@example.org>|no closing >",
            "<u@example.org>x|unexpected text after path",
    })
    void malformedPathsGiveClearErrors(String input, String message) {
        Parsed<AddressParser.PathAndRest> p = fwd(input, false);
        assertThat(p.isOk()).as(input).isFalse();
        assertThat(p.errorMessage()).contains(message);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void localPartLimit(int n) {
        assertThat(fwd("<" + "a".repeat(n) + "@example.org>", false).isOk()).isEqualTo(n <= 64);
    }

    /** Fuzz: mutate valid paths and random strings; the parser must never throw, and Ok values must round-trip. */
    @Test
    void fuzzNeverThrowsAndRoundTrips() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        List<String> seeds = List.of("<a@b.example>", "<\"q@x\"@b.example>", "<@r.example:u@c.example> SIZE=1",
                "<u@[192.0.2.1]>", "<u@[IPv6:::1]>", "<>", "<Postmaster>", "<用户@例子.广告>");
        String alphabet = "<>@.\"\\:,[]% !aZ09-\r\n\t\u0000é用";
        for (int i = 0; i < 20000; i++) {
            StringBuilder s = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int pos = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> s.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> { if (pos < s.length()) s.deleteCharAt(pos); }
                    default -> { if (pos < s.length()) s.setCharAt(pos, alphabet.charAt(r.nextInt(alphabet.length()))); }
                }
            }
            String in = s.toString();
            boolean utf8 = r.nextBoolean();
            Parsed<AddressParser.PathAndRest> p;
            try {
                p = AddressParser.parsePath(in, r.nextBoolean(), utf8);
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + ": parser threw on " + escape(in), ex);
            }
            if (p.isOk() && p.value().mailbox().isPresent() && !p.value().mailbox().get().isPostmasterOnly()) {
                Mailbox m = p.value().mailbox().get();
                Parsed<Mailbox> again = AddressParser.parseMailbox(m.address(), true);
                assertThat(again.isOk()).as("seed %d: %s re-parses", seed, escape(m.address())).isTrue();
                assertThat(again.value().localPart()).as("seed %d", seed).isEqualTo(m.localPart());
                assertThat(again.value().domain()).as("seed %d", seed).isEqualTo(m.domain());
            } else if (!p.isOk()) {
                assertThat(p.errorMessage()).as("seed %d", seed).isNotBlank();
            }
        }
    }

    static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    }
}
