package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mailward.testing.ReportGenerator;

class TlsReportParserTest {

    private final TlsReportParser parser = new TlsReportParser();

    /** The example report of RFC 8460 Appendix B (as printed there, with its 2016 dates). */
    static final String RFC8460_EXAMPLE = """
            {
                 "organization-name": "Company-X",
                 "date-range": {
                   "start-datetime": "2016-04-01T00:00:00Z",
                   "end-datetime": "2016-04-01T23:59:59Z"
                 },
                 "contact-info": "sts-reporting@company-x.example",
                 "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
                 "policies": [{
                   "policy": {
                     "policy-type": "sts",
                     "policy-string": ["version: STSv1","mode: testing",
                           "mx: *.mail.company-y.example","max_age: 86400"],
                     "policy-domain": "company-y.example",
                     "mx-host": ["*.mail.company-y.example"]
                   },
                   "summary": {
                     "total-successful-session-count": 5326,
                     "total-failure-session-count": 303
                   },
                   "failure-details": [{
                     "result-type": "certificate-expired",
                     "sending-mta-ip": "2001:db8:abcd:0012::1",
                     "receiving-mx-hostname": "mx1.mail.company-y.example",
                     "failed-session-count": 100
                   }, {
                     "result-type": "starttls-not-supported",
                     "sending-mta-ip": "2001:db8:abcd:0013::1",
                     "receiving-mx-hostname": "mx2.mail.company-y.example",
                     "receiving-ip": "203.0.113.56",
                     "failed-session-count": 200,
                     "additional-information": "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"
                   }, {
                     "result-type": "validation-failure",
                     "sending-mta-ip": "198.51.100.62",
                     "receiving-ip": "203.0.113.58",
                     "receiving-mx-hostname": "mx-backup.mail.company-y.example",
                     "failed-session-count": 3,
                     "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"
                   }]
                 }]
               }""";

    @Test
    void rfc8460ExampleReport() {
        TlsReport r = ((ParseOutcome.Ok<TlsReport>) parser.parse(RFC8460_EXAMPLE.getBytes(StandardCharsets.UTF_8))).value();
        assertThat(r.orgName()).isEqualTo("Company-X");
        assertThat(r.begin()).isEqualTo(1459468800L);
        assertThat(r.domain()).isEqualTo("company-y.example");
        assertThat(r.successTotal()).isEqualTo(5326);
        assertThat(r.failureTotal()).isEqualTo(303);
        assertThat(r.policies().get(0).failures()).hasSize(3)
                .extracting(TlsReport.FailureDetail::failedSessionCount).containsExactly(100L, 200L, 3L);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void generatedReportsParseToTheirModel() {
        ReportGenerator g = new ReportGenerator(11);
        for (int i = 0; i < 20; i++) {
            var t = g.tls("t" + i + ".example", 1 + i % 4, 20_000 + i);
            TlsReport r = ((ParseOutcome.Ok<TlsReport>) parser.parse(ReportGenerator.utf8(ReportGenerator.json(t)))).value();
            assertThat(r.successTotal() + r.failureTotal()).isEqualTo(t.expected().messages());
            assertThat(r.reportId()).isEqualTo(t.reportId());
            assertThat(r.begin()).isEqualTo(t.begin());
        }
    }

    @Test
    void lenientAboutNumbersAsStringsAndZonelessTimes() {
        String json = "{\"organization-name\":\"o\",\"report-id\":\"r\",\"date-range\":{\"start-datetime\":\"2026-01-01 00:00:00\","
                + "\"end-datetime\":1767311999},\"policies\":[{\"policy\":{\"policy-type\":\"STS\",\"policy-domain\":\"x.example\"},"
                + "\"summary\":{\"total-successful-session-count\":\"12\",\"total-failure-session-count\":0}}]}";
        TlsReport r = ((ParseOutcome.Ok<TlsReport>) parser.parse(json.getBytes(StandardCharsets.UTF_8))).value();
        assertThat(r.successTotal()).isEqualTo(12);
        assertThat(r.begin()).isEqualTo(1767225600L);
        assertThat(r.end()).isEqualTo(1767311999L);
        assertThat(r.warnings()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void rejectsWhatIsNotATlsReport() {
        assertThat(parser.parse("{\"policies\": [".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ParseOutcome.Rejected.class, r -> assertThat(r.reason()).startsWith("malformed JSON"));
        assertThat(parser.parse("[1,2]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(ParseOutcome.Rejected.class);
        assertThat(parser.parse("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(ParseOutcome.Rejected.class);
        String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(parser.parse(deep.getBytes(StandardCharsets.UTF_8))).isInstanceOf(ParseOutcome.Rejected.class);
    }
}
