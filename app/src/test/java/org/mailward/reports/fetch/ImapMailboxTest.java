package org.mailward.reports.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailward.reports.ParseOutcome;

class ImapMailboxTest {

    static ImapMailbox ok(String url) {
        ParseOutcome<ImapMailbox> o = ImapMailbox.parse(url);
        assertThat(o).as(url).isInstanceOf(ParseOutcome.Ok.class);
        return ((ParseOutcome.Ok<ImapMailbox>) o).value();
    }

    static String rejected(String url) {
        ParseOutcome<ImapMailbox> o = ImapMailbox.parse(url);
        assertThat(o).as(url).isInstanceOf(ParseOutcome.Rejected.class);
        return ((ParseOutcome.Rejected<ImapMailbox>) o).reason();
    }

    @Test
    void implicitTlsWithPortAndFolder() {
        ImapMailbox m = ok("imaps://dmarc@mail.example.gov.uk:9993/Reports/DMARC");
        assertThat(m).isEqualTo(new ImapMailbox(true, "dmarc", "mail.example.gov.uk", 9993, "Reports/DMARC"));
    }

    @Test
    void defaultsPortsAndInbox() {
        assertThat(ok("imaps://u@host.example")).isEqualTo(new ImapMailbox(true, "u", "host.example", 993, "INBOX"));
        assertThat(ok("IMAP://u@Host.Example/")).isEqualTo(new ImapMailbox(false, "u", "host.example", 143, "INBOX"));
    }

    @Test
    void percentEncodedUserAndFolder() {
        ImapMailbox m = ok("imaps://dmarc-reports%40example.gov.uk@127.0.0.1:993/Sent%20Items");
        assertThat(m.user()).isEqualTo("dmarc-reports@example.gov.uk");
        assertThat(m.folder()).isEqualTo("Sent Items");
        assertThat(m.url()).isEqualTo("imaps://dmarc-reports%40example.gov.uk@127.0.0.1:993/Sent%20Items");
        assertThat(ok(m.url())).isEqualTo(m);
    }

    @Test
    void ipv6Literal() {
        ImapMailbox m = ok("imaps://u@[::1]:10993/INBOX");
        assertThat(m.host()).isEqualTo("::1");
        assertThat(m.port()).isEqualTo(10993);
        assertThat(m.url()).isEqualTo("imaps://u@[::1]:10993/INBOX");
    }

    @Test
    void malformedUrlsAreRejectedWithAReason() {
        assertThat(rejected("")).contains("empty");
        assertThat(rejected("host.example")).contains("not an IMAP URL");
        assertThat(rejected("pop3://u@h")).contains("unsupported scheme");
        assertThat(rejected("imaps://host.example/INBOX")).contains("user name");
        assertThat(rejected("imaps://u:secret@host.example")).contains("no password in the URL");
        assertThat(rejected("imaps://a@b@host.example")).contains("%40");
        assertThat(rejected("imaps://u;AUTH=GSSAPI@host.example")).contains("AUTH");
        assertThat(rejected("imaps://u@host.example:0")).contains("port");
        assertThat(rejected("imaps://u@host.example:65536")).contains("port");
        assertThat(rejected("imaps://u@host.example:")).contains("empty port");
        assertThat(rejected("imaps://u@host.example:99x")).contains("port");
        assertThat(rejected("imaps://u@-bad-.example")).contains("host name");
        assertThat(rejected("imaps://u@[::1")).contains("unterminated");
        assertThat(rejected("imaps://u@[zz]")).contains("IPv6");
        assertThat(rejected("imaps://u@h/INBOX;UID=3")).contains("not supported");
        assertThat(rejected("imaps://u@h/INBOX?SUBJECT")).contains("query");
        assertThat(rejected("imaps://u@h/%zz")).contains("percent");
        assertThat(rejected("imaps://u@h/%ff")).contains("UTF-8");
        assertThat(rejected("imaps://u@h/a%0Ab")).contains("control");
        assertThat(rejected("imaps://u@h/a b")).contains("space");
        assertThat(rejected("imaps://%@h")).contains("percent");
        assertThat(rejected("imaps://u@h/a//b")).contains("hierarchy");
        assertThat(rejected("imaps://u@h/a%2F")).contains("hierarchy");
    }

    @Test
    void afterActions() {
        assertThat(AfterFetch.parse("seen")).isEqualTo(ParseOutcome.ok(new AfterFetch.Seen()));
        assertThat(AfterFetch.parse("DELETE")).isEqualTo(ParseOutcome.ok(new AfterFetch.Delete()));
        assertThat(AfterFetch.parse("move:Reports/Done")).isEqualTo(ParseOutcome.ok(new AfterFetch.Move("Reports/Done")));
        assertThat(AfterFetch.parse("move:")).isInstanceOf(ParseOutcome.Rejected.class);
        assertThat(AfterFetch.parse("archive")).isInstanceOf(ParseOutcome.Rejected.class);
        assertThat(AfterFetch.parse("")).isInstanceOf(ParseOutcome.Rejected.class);
        assertThat(AfterFetch.parse("move:a\u0000b")).isInstanceOf(ParseOutcome.Rejected.class);
    }

    /** Property: random mutations of valid URLs never throw, and whatever is accepted round-trips through url(). */
    @Test
    void fuzzNeverThrowsAndAcceptedUrlsRoundTrip() {
        Random random = new Random(5092L);
        String[] seeds = {"imaps://dmarc%40example.gov.uk@mail.example.gov.uk:993/Reports/DMARC", "imap://u@[2001:db8::1]:143/INBOX",
            "imaps://u@127.0.0.1", "imap://rua@h.example/Sent%20Items/"};
        String alphabet = "imaps:/@[]%;?#.-_09azAZ \u0000\u00e9:";
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = b.isEmpty() ? 0 : random.nextInt(b.length());
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (!b.isEmpty()) {
                            b.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (!b.isEmpty()) {
                            b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            ParseOutcome<ImapMailbox> o = ImapMailbox.parse(b.toString());
            if (o instanceof ParseOutcome.Ok<ImapMailbox> ok) {
                accepted++;
                ImapMailbox m = ok.value();
                assertThat(m.port()).isBetween(1, 65535);
                assertThat(m.user()).isNotEmpty();
                assertThat(m.folder()).isNotEmpty();
                assertThat(ImapMailbox.parse(m.url())).as("round trip of " + b).isEqualTo(ParseOutcome.ok(m));
            } else {
                assertThat(((ParseOutcome.Rejected<ImapMailbox>) o).reason()).isNotBlank();
            }
        }
        assertThat(accepted).as("some mutations stay valid").isGreaterThan(100);
    }
}
