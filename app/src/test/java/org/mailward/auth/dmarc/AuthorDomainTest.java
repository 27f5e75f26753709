package org.mailward.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthorDomainTest {

    private static String domain(String... fields) {
        AuthorDomain.Outcome o = AuthorDomain.of(List.of(fields));
        assertThat(o).as(String.join(" | ", fields)).isInstanceOf(AuthorDomain.Outcome.Found.class);
        return ((AuthorDomain.Outcome.Found) o).domain();
    }

    private static String problem(String... fields) {
        AuthorDomain.Outcome o = AuthorDomain.of(List.of(fields));
        assertThat(o).as(String.join(" | ", fields)).isInstanceOf(AuthorDomain.Outcome.Problem.class);
        return ((AuthorDomain.Outcome.Problem) o).reason();
    }

    @Test
    void mailboxForms() {
        assertThat(domain("user@example.com")).isEqualTo("example.com");
        assertThat(domain(" Joe Q. Public <john.q.public@Example.COM>")).isEqualTo("example.com");
        assertThat(domain("\"Smith, Jane\" <jane@example.org>")).isEqualTo("example.org");
        assertThat(domain("jane@example.org (Jane (the boss) Smith)")).isEqualTo("example.org");
        assertThat(domain("\"a@b\"@example.net")).isEqualTo("example.net");
        assertThat(domain("\"quoted <not@this>\" <real@example.net>")).isEqualTo("example.net");
        assertThat(domain("user@example.com.")).isEqualTo("example.com");
        assertThat(domain("folded\r\n <user@example.com>")).isEqualTo("example.com");
        assertThat(domain("user@bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(domain("a@example.com, b@EXAMPLE.com")).isEqualTo("example.com");
    }

    @Test
    void problemsCiteRfc7489() {
        assertThat(problem()).contains("no From");
        assertThat(problem("a@example.com", "b@example.com")).contains("2 From header fields");
        assertThat(problem("a@example.com, b@example.net")).contains("different domains");
        assertThat(problem("undisclosed-recipients:;")).contains("no mailbox");
        assertThat(problem("user@[192.0.2.1]")).contains("not a valid domain");
        assertThat(problem("<user@example.com")).contains("unterminated angle");
        assertThat(problem("\"unterminated@example.com")).contains("quoted-string");
        assertThat(problem("(comment user@example.com")).contains("comment");
        assertThat(problem("user@exa mple.com")).contains("not a valid domain");
        assertThat(problem("user@")).contains("local-part@domain");
        assertThat(problem("@example.com")).contains("local-part@domain");
    }

    @Test
    void fuzzNeverThrows() {
        long seed = Long.getLong("mailward.fuzz.seed", 20261125L); // fixed for repeatable CI runs; -Dmailward.fuzz.seed=N explores
        Random r = new Random(seed);
        List<String> seeds = List.of("\"Doe, J\" (x) <j@example.com>", "a@b.example, c@b.example", "G: a@x.example;");
        try {
            for (int i = 0; i < 20_000; i++) {
                String s = DmarcRecordParserTest.mutate(seeds.get(r.nextInt(seeds.size())), r);
                assertThat(AuthorDomain.of(List.of(s))).isNotNull();
            }
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("fuzz seed " + seed + ": " + e, e);
        }
    }
}
