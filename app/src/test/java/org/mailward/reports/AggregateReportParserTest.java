package org.mailward.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailward.testing.ReportGenerator;
import org.mailward.testing.ReportGenerator.Aggregate;
import org.mailward.testing.ReportGenerator.Deviation;
import org.mailward.testing.ReportGenerator.Row;
import org.mailward.testing.ReportGenerator.Schema;
import org.mailward.testing.SharedTestdata;
import org.xml.sax.SAXException;

class AggregateReportParserTest {

    private final AggregateReportParser parser = new AggregateReportParser();

    private AggregateReport ok(byte[] xml) {
        ParseOutcome<AggregateReport> o = parser.parse(xml);
        assertThat(o).as("outcome").isInstanceOf(ParseOutcome.Ok.class);
        return ((ParseOutcome.Ok<AggregateReport>) o).value();
    }

    private String rejected(String xml) {
        ParseOutcome<AggregateReport> o = parser.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(o).as("outcome").isInstanceOf(ParseOutcome.Rejected.class);
        return ((ParseOutcome.Rejected<AggregateReport>) o).reason();
    }

    @Test
    void dmarcbisSampleFromTheDraft() throws IOException {
        Path sample = SharedTestdata.file("dmarc/dmarcbis-aggregate-reporting/dmarc-xml-0.2.xml");
        AggregateReport r = ok(Files.readAllBytes(sample));
        assertThat(r.schema()).isEqualTo(AggregateReport.Schema.DMARC_2_0);
        assertThat(r.orgName()).isEqualTo("Sample Reporter");
        assertThat(r.reportId()).isEqualTo("3v98abbp8ya9n3va8yr8oa3ya");
        assertThat(r.begin()).isEqualTo(302832000L);
        assertThat(r.end()).isEqualTo(302918399L);
        assertThat(r.policy().domain()).isEqualTo("example.com");
        assertThat(r.policy().np()).isEqualTo("none");
        assertThat(r.policy().discoveryMethod()).isEqualTo("treewalk");
        assertThat(r.records()).singleElement().satisfies(rec -> {
            assertThat(rec.sourceIp()).isEqualTo("192.0.2.123");
            assertThat(rec.count()).isEqualTo(123);
            assertThat(rec.disposition()).isEqualTo("pass");
            assertThat(rec.dkimResults()).singleElement().satisfies(d -> assertThat(d.selector()).isEqualTo("abc123"));
            assertThat(rec.dmarcPass()).isTrue();
        });
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void alternativeSampleWithAnOddNamespaceAndExtensionsIsAcceptedWithAWarning() throws IOException {
        Path sample = SharedTestdata.file("dmarc/dmarcbis-aggregate-reporting/dmarc-xmlalt-0.2.xml");
        AggregateReport r = ok(Files.readAllBytes(sample));
        assertThat(r.schema()).isEqualTo(AggregateReport.Schema.DMARC_2_0);
        assertThat(r.messages()).isEqualTo(123);
        assertThat(r.warnings()).anyMatch(w -> w.contains("unexpected namespace http://dmarc.org/dmarc-xml/0.2"));
    }

    /** Generated reports without deviations are valid against the schema of their format, and parse to the model. */
    @ParameterizedTest
    @EnumSource(Schema.class)
    void generatedReportsValidateAgainstTheXsdAndParseToTheModel(Schema schema) throws Exception {
        Path xsd = schema == Schema.RFC7489 ? SharedTestdata.file("dmarc/rfc7489/rua-schema.xsd")
                : SharedTestdata.file("dmarc/dmarcbis-aggregate-reporting/dmarc-xml-0.2.xsd");
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        String text = Files.readString(xsd);
        if (schema == Schema.RFC7489) {
            // The RFC 7489 Appendix C schema refers to its own types without a prefix but declares no default
            // namespace, so no XSD processor can compile it as published. Declaring the target namespace as the
            // default (in memory; the file is untouched) is the minimal fix; element rules are unchanged.
            text = text.replaceFirst("targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\"",
                    "targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\" xmlns=\"http://dmarc.org/dmarc-xml/0.1\"");
        }
        Validator validator = sf.newSchema(new StreamSource(new java.io.StringReader(text))).newValidator();
        ReportGenerator g = new ReportGenerator(schema.ordinal() + 100);
        for (int i = 0; i < 25; i++) {
            Aggregate a = g.aggregate(schema, "valid" + i + ".example", 1 + g.random().nextInt(40), 20_000 + i, Set.of());
            String xml = ReportGenerator.xml(a);
            try {
                validator.validate(new StreamSource(new java.io.StringReader(xml)));
            } catch (SAXException e) {
                throw new AssertionError("generated " + schema + " report does not validate: " + e.getMessage() + "\n" + xml, e);
            }
            AggregateReport r = ok(xml.getBytes(StandardCharsets.UTF_8));
            assertThat(r.warnings()).isEmpty();
            assertThat(r.schema().name()).isEqualTo(schema.name());
            assertThat(r.records()).hasSize(a.rows().size());
            for (int k = 0; k < a.rows().size(); k++) {
                Row m = a.rows().get(k);
                var p = r.records().get(k);
                assertThat(List.of(p.sourceIp(), p.disposition(), p.dkim(), p.spf(), p.headerFrom(), p.envelopeFrom()))
                        .containsExactly(m.ip(), m.disposition(), m.dkim(), m.spf(), m.headerFrom(), m.envelopeFrom());
                assertThat(p.count()).isEqualTo(m.count());
                assertThat(p.dkimResults()).hasSize(m.dkimResults().size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Deviation.class)
    void eachDeviationIsToleratedAndTotalsStayRight(Deviation d) {
        ReportGenerator g = new ReportGenerator(d.ordinal());
        Schema s = d == Deviation.NO_NAMESPACE || d == Deviation.MISSING_OPTIONAL ? Schema.RFC7489 : Schema.DMARC_2_0;
        Aggregate a = g.aggregate(s, "dev.example", 7, 20_500, EnumSet.of(d));
        AggregateReport r = ok(ReportGenerator.utf8(ReportGenerator.xml(a)));
        assertThat(r.messages()).isEqualTo(a.messages());
        assertThat(r.records()).hasSize(a.renderedRows().size());
        assertThat(r.begin()).isEqualTo(a.begin());
        assertThat(r.end()).isEqualTo(a.end());
        assertThat(r.policy().domain()).isEqualTo("dev.example");
        if (d == Deviation.NO_NAMESPACE) {
            assertThat(r.warnings()).isEmpty();
        } else {
            assertThat(r.warnings()).as(d.name()).isNotEmpty();
        }
        if (d == Deviation.UPPER_CASE_VALUES) {
            assertThat(r.records()).allSatisfy(x -> assertThat(x.dkim()).isIn("pass", "fail"));
        }
    }

    @Test
    void dtdsAreRefusedBeforeAnyEntityIsExpanded() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>""";
        assertThat(rejected(xxe)).contains("DTD").contains("not allowed");
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i < 10; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
        }
        laughs.append("]>\n<feedback>&lol9;</feedback>");
        long t0 = System.nanoTime();
        assertThat(rejected(laughs.toString())).contains("DTD");
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
        String external = "<?xml version=\"1.0\"?><!DOCTYPE feedback SYSTEM \"http://127.0.0.1:9/x.dtd\"><feedback/>";
        assertThat(rejected(external)).contains("DTD");
    }

    @Test
    void rejectsOnlyWhatCannotBeUnderstood() {
        assertThat(rejected("<feedback><report_metadata>")).startsWith("malformed XML");
        assertThat(rejected("<html><body>hi</body></html>")).contains("root element is <html>");
        assertThat(rejected("<feedback><policy_published><domain>x.example</domain></policy_published></feedback>"))
                .contains("report_metadata");
        assertThat(rejected("<feedback><report_metadata><org_name>o</org_name><report_id>1</report_id></report_metadata></feedback>"))
                .contains("no policy domain");
    }

    @Test
    void datesInOtherFormsAreConvertedWithWarnings() {
        String xml = """
                <feedback><report_metadata><org_name>o</org_name><email>a@o.example</email><report_id>r1</report_id>
                <date_range><begin>2025-11-01T00:00:00Z</begin><end>1762041599000</end></date_range></report_metadata>
                <policy_published><domain>D.example</domain><p>none</p><sp>none</sp><pct>100</pct><fo>0</fo></policy_published>
                <record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated><disposition>none</disposition>
                <dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>d.example</header_from></identifiers>
                <auth_results><spf><domain>d.example</domain><result>fail</result></spf></auth_results></record>
                <record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated><disposition>none</disposition>
                <dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>d.example</header_from></identifiers>
                <auth_results><spf><domain>d.example</domain><result>fail</result></spf></auth_results></record>
                </feedback>""";
        AggregateReport r = ok(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(r.begin()).isEqualTo(1761955200L);
        assertThat(r.end()).isEqualTo(1762041599L);
        assertThat(r.policy().domain()).isEqualTo("d.example");
        assertThat(r.messages()).isEqualTo(6);
        assertThat(r.warnings()).anyMatch(w -> w.contains("timestamp")).anyMatch(w -> w.contains("milliseconds"))
                .anyMatch(w -> w.contains("record 2 duplicates record 1"));
    }

    @Test
    void latin1BytesDeclaredAsUtf8AreReadWithAWarning() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feedback><report_metadata><org_name>Org\u00e9</org_name>"
                + "<email>a@o.example</email><report_id>r</report_id><date_range><begin>1</begin><end>2</end></date_range>"
                + "</report_metadata><policy_published><domain>l.example</domain><p>none</p><sp>none</sp><pct>100</pct><fo>0</fo>"
                + "</policy_published></feedback>";
        AggregateReport r = ok(xml.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.orgName()).isEqualTo("Org\u00e9");
        assertThat(r.warnings()).anyMatch(w -> w.contains("not in the declared encoding"));
    }
}
