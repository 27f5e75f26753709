package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailward.reports.MimeReader.Part;
import org.mailward.testing.ReportGenerator;

class MimeAndFailureReportTest {

    private static Part parse(String s) {
        ParseOutcome<Part> o = MimeReader.parse(s.getBytes(StandardCharsets.UTF_8), 100, 10);
        assertThat(o).isInstanceOf(ParseOutcome.Ok.class);
        return ((ParseOutcome.Ok<Part>) o).value();
    }

    @Test
    void readsFoldedHeadersParametersAndEncodings() {
        Part p = parse("Subject: a\r\n b\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"XX\"\r\n\r\npreamble\r\n"
                + "--XX\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsoft=\r\nbreak =41\r\n"
                + "--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''r%C3%A9port.xml\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nPGE+\r\nPC9hPg==\r\n--XX--\r\n");
        assertThat(p.header("subject")).hasValue("a b");
        assertThat(p.children()).hasSize(2);
        assertThat(new String(p.children().get(0).content(), StandardCharsets.UTF_8)).isEqualTo("softbreak A");
        assertThat(p.children().get(1).filename()).isEqualTo("r\u00e9port.xml");
        assertThat(new String(p.children().get(1).content(), StandardCharsets.UTF_8)).isEqualTo("<a></a>");
    }

    @Test
    void toleratesMissingCloseDelimiterAndBareLf() {
        Part p = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/xml\n\n<x/>\n--b\n\n<y/>\n");
        assertThat(p.children()).hasSize(2);
        assertThat(new String(p.children().get(1).content(), StandardCharsets.UTF_8)).isEqualTo("<y/>\n");
    }

    @Test
    void refusesTooManyParts() {
        StringBuilder s = new StringBuilder("Content-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 200; i++) {
            s.append("--b\n\nx\n");
        }
        ParseOutcome<Part> o = MimeReader.parse(s.toString().getBytes(StandardCharsets.UTF_8), 100, 10);
        assertThat(o).isInstanceOfSatisfying(ParseOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("more than 100 MIME parts"));
    }

    @Test
    void mboxSplitsAndUnquotesFromLines() {
        byte[] mbox = ("From a@b Mon Nov  2 10:00:00 2026\nSubject: one\n\n>From here\n\n"
                + "From c@d Mon Nov  2 10:00:00 2026\nSubject: two\n\nbody\n").getBytes(StandardCharsets.UTF_8);
        List<byte[]> m = MimeReader.splitMbox(mbox);
        assertThat(m).hasSize(2);
        assertThat(new String(m.get(0), StandardCharsets.UTF_8)).contains("\nFrom here").doesNotContain(">From");
    }

    @Test
    void arfFailureReportIsParsed() {
        ReportGenerator g = new ReportGenerator(9);
        var f = g.failure("fail.example", 1_762_000_000L);
        byte[] raw = ReportGenerator.utf8(ReportGenerator.arf(f));
        Part msg = ((ParseOutcome.Ok<Part>) MimeReader.parse(raw, 100, 10)).value();
        assertThat(FailureReportParser.isArf(msg)).isTrue();
        ParseOutcome<FailureReport> o = new FailureReportParser().parse(msg, raw);
        FailureReport r = ((ParseOutcome.Ok<FailureReport>) o).value();
        assertThat(r.domain()).isEqualTo("fail.example");
        assertThat(r.arrival()).isEqualTo(1_762_000_000L);
        assertThat(r.sourceIp()).isEqualTo(f.sourceIp());
        assertThat(r.incidents()).isEqualTo(f.incidents());
        assertThat(r.authFailure()).isEqualTo(f.authFailure());
        assertThat(r.feedbackType()).isEqualTo("auth-failure");
        assertThat(r.reportId()).isEqualTo(f.messageId());
        assertThat(r.subject()).isEqualTo("Invoice overdue");
        assertThat(r.headerFrom()).contains("someone@fail.example");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void arfWithoutFeedbackPartIsRejected() {
        String s = "From: x@y.example\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=q\r\n\r\n"
                + "--q\r\nContent-Type: text/plain\r\n\r\nhello\r\n--q--\r\n";
        Part msg = parse(s);
        assertThat(new FailureReportParser().parse(msg, s.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ParseOutcome.Rejected.class, r -> assertThat(r.reason()).contains("feedback-report"));
    }
}
