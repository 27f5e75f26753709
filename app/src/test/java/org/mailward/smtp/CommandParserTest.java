package org.mailward.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

    static SmtpCommand ok(String line) {
        CommandParser.Result r = CommandParser.parse(line);
        assertThat(r).as(line).isInstanceOf(CommandParser.Result.Command.class);
        return ((CommandParser.Result.Command) r).command();
    }

    static SmtpReply fail(String line) {
        CommandParser.Result r = CommandParser.parse(line);
        assertThat(r).as(line).isInstanceOf(CommandParser.Result.Failure.class);
        return ((CommandParser.Result.Failure) r).reply();
    }

    @Test
    void mailWithAllParameters() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) ok("mail from:<a@b.example> SIZE=1000 BODY=8BITMIME RET=FULL ENVID=x+2By AUTH=<>");
        assertThat(m.parameters().size()).hasValue(1000);
        assertThat(m.parameters().body()).isEqualTo(MailParameters.Body.EIGHT_BIT_MIME);
        assertThat(m.parameters().ret()).contains(MailParameters.Ret.FULL);
        assertThat(m.parameters().envid()).contains("x+y");
        assertThat(m.parameters().auth()).isEmpty();
        assertThat(((SmtpCommand.Mail) ok("MAIL FROM: <a@b.example>")).reversePath()).isPresent();
    }

    @Test
    void rcptWithDsnParameters() {
        SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) ok("RCPT TO:<x@y.example> NOTIFY=DELAY,FAILURE ORCPT=rfc822;x+40y.example");
        assertThat(r.parameters().notifyOn()).containsExactlyInAnyOrder(RcptParameters.Notify.DELAY, RcptParameters.Notify.FAILURE);
        assertThat(r.parameters().orcpt()).contains("rfc822;x@y.example");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAIL FROM:<a@b.example> SIZE=abc|501 5.5.4",
            "MAIL FROM:<a@b.example> SIZE=1 SIZE=2|501 5.5.4",
            "MAIL FROM:<a@b.example> RET=ALL|501 5.5.4",
            "MAIL FROM:<a@b.example> ENVID=bad+zz|501 5.5.4",
            "MAIL FROM:<a@b.example> XFOO|555 5.5.4",
            "MAIL FROM:<用户@例子.广告>|553 5.6.7",
            "MAIL TO:<a@b.example>|501 5.5.4",
            "RCPT TO:<x@y.example> NOTIFY=NEVER,DELAY|501 5.5.4",
            "RCPT TO:<x@y.example> NOTIFY=SOMETIMES|501 5.5.4",
            "RCPT TO:<x@y.example> ORCPT=x|501 5.5.4",
            "RCPT TO:<>|501 5.1.3",
            "BDAT x|501 5.5.4",
            "BDAT 10 FIRST|501 5.5.4",
            "DATA now|501 5.5.4",
            "EHLO|501 5.5.4",
            "EHLO a b|501 5.5.4",
            "AUTH|501 5.5.4",
            "WHAT|500 5.5.2",
    })
    void errorsAreRepliesWithEnhancedCodes(String line, String expected) {
        SmtpReply r = fail(line);
        assertThat(r.code() + " " + r.enhanced()).isEqualTo(expected);
    }

    @Test
    void mailWithSmtputf8AcceptsUtf8Address() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) ok("MAIL FROM:<用户@例子.广告> SMTPUTF8");
        assertThat(m.parameters().smtpUtf8()).isTrue();
        assertThat(m.reversePath().orElseThrow().utf8()).isTrue();
    }

    @Test
    void fuzzNeverThrows() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        List<String> seeds = List.of("MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME", "RCPT TO:<x@y.example> NOTIFY=SUCCESS ORCPT=rfc822;x+40y",
                "EHLO host.example", "BDAT 100 LAST", "AUTH PLAIN AGFAYg==", "DATA", "HELO [192.0.2.1]", "VRFY x");
        String alphabet = "<>@.:=+;, \"\\aZ09\u0000\t\u00ff用";
        for (int i = 0; i < 20000; i++) {
            StringBuilder s = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
            for (int e = 0; e < 1 + r.nextInt(4); e++) {
                int pos = r.nextInt(s.length() + 1);
                if (r.nextBoolean() || pos == s.length()) {
                    s.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
                } else {
                    s.deleteCharAt(pos);
                }
            }
            try {
                CommandParser.Result res = CommandParser.parse(s.toString());
                if (res instanceof CommandParser.Result.Failure f) {
                    assertThat(f.reply().code()).as("seed %d", seed).isBetween(500, 599);
                }
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + ": parser threw on " + AddressParserTest.escape(s.toString()), ex);
            }
        }
    }
}
