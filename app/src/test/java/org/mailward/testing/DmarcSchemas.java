package org.mailward.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.mailward.reports.AggregateReport.Schema;

/**
 * Validators for the two DMARC aggregate schemas of the shared testdata (skips the calling test when absent). The
 * published RFC 7489 schema needs its target namespace as default namespace to resolve its own type references
 * (used by the writer and generator tests).
 */
public final class DmarcSchemas {

    private DmarcSchemas() {
    }

    public static Validator validator(Schema schema) throws Exception {
        Path xsd = schema == Schema.RFC7489 ? SharedTestdata.file("dmarc/rfc7489/rua-schema.xsd")
                : SharedTestdata.file("dmarc/dmarcbis-aggregate-reporting/dmarc-xml-0.2.xsd");
        String text = Files.readString(xsd);
        if (schema == Schema.RFC7489) {
            text = text.replaceFirst("targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\"",
                    "targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\" xmlns=\"http://dmarc.org/dmarc-xml/0.1\"");
        }
        return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(new StreamSource(new java.io.StringReader(text))).newValidator();
    }
}
