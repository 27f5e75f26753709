package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Validator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.Unpacker.Payload;
import org.mailward.testing.ReportCorpus;
import org.mailward.testing.ReportCorpus.Sample;
import org.xml.sax.SAXException;

/**
 * Every aggregate report of the sample corpus (deviations included), once parsed, is written back in each format;
 * the output validates against that format's XSD and parses again to the same rows without warnings.
 */
class AggregateReportWriterTest {

    static Validator validator(Schema schema) throws Exception {
        return org.mailward.testing.DmarcSchemas.validator(schema);
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void corpusReportsRoundTripThroughTheWriter(Schema target) throws Exception {
        Validator validator = validator(target);
        AggregateReportParser parser = new AggregateReportParser();
        int checked = 0;
        for (Sample s : ReportCorpus.build(ReportCorpus.SEED)) {
            for (Payload p : Unpacker.unpack(s.name(), s.bytes(), IngestLimits.defaults())) {
                if (!(p instanceof Payload.AggregateXml x) || !(parser.parse(x.bytes()) instanceof ParseOutcome.Ok<AggregateReport> ok)) {
                    continue;
                }
                AggregateReport original = ok.value();
                byte[] xml = AggregateReportWriter.write(original, target);
                try {
                    validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
                } catch (SAXException e) {
                    throw new AssertionError(s.name() + " written as " + target + " is not valid: " + e.getMessage()
                            + "\n" + new String(xml, java.nio.charset.StandardCharsets.UTF_8), e);
                }
                AggregateReport again = ((ParseOutcome.Ok<AggregateReport>) parser.parse(xml)).value();
                // the writer keeps rows as they are, so a duplicated record is still reported as one
                assertThat(again.warnings()).as(s.name()).allMatch(w -> w.contains("duplicates record"));
                assertThat(again.schema()).isEqualTo(target);
                assertThat(again.key()).isEqualTo(original.key());
                assertThat(again.messages()).isEqualTo(original.messages());
                assertThat(again.begin()).isEqualTo(original.begin());
                assertThat(rows(again)).isEqualTo(rows(original));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(15);
    }

    private static List<String> rows(AggregateReport r) {
        return r.records().stream().map((AggregateRecord r2) -> r2.sourceIp() + " " + r2.count() + " " + r2.dkim() + " "
                + r2.spf() + " " + r2.headerFrom() + " " + r2.dkimResults().size()).toList();
    }
}
