package org.mailward.reports;

import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.mailward.reports.AggregateReport.AggregateRecord;
import org.mailward.reports.AggregateReport.DkimAuth;
import org.mailward.reports.AggregateReport.PolicyOverride;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.AggregateReport.SpfAuth;

/**
 * Renders an aggregate report as schema-valid XML in either format: RFC 7489 Appendix C (root in
 * {@code http://dmarc.org/dmarc-xml/0.1}, unqualified children, required {@code sp}/{@code pct}/{@code fo} filled
 * with their RFC 7489 6.3 defaults, at least one SPF result, no {@code pass} disposition) or RFC 9990
 * ({@code urn:ietf:params:xml:ns:dmarc-2.0}, qualified). The first piece of receiver-side report generation: the
 * gateway's events will be aggregated into {@link AggregateReport} values and written with this.
 */
public final class AggregateReportWriter {

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private AggregateReportWriter() {
    }

    public static byte[] write(AggregateReport r, Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = FACTORY.createXMLStreamWriter(out, "UTF-8");
            boolean bis = schema == Schema.DMARC_2_0;
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            if (bis) {
                w.writeStartElement("feedback");
                w.writeDefaultNamespace(AggregateReportParser.NS_2_0);
            } else {
                w.writeStartElement("dmarc", "feedback", AggregateReportParser.NS_7489);
                w.writeNamespace("dmarc", AggregateReportParser.NS_7489);
            }
            el(w, "version", "1.0");
            w.writeStartElement("report_metadata");
            el(w, "org_name", r.orgName());
            el(w, "email", r.email());
            opt(w, "extra_contact_info", r.extraContact());
            el(w, "report_id", r.reportId());
            w.writeStartElement("date_range");
            el(w, "begin", Long.toString(r.begin()));
            el(w, "end", Long.toString(r.end()));
            w.writeEndElement();
            if (bis) {
                // RFC 9990 allows one error element
                if (!r.errors().isEmpty()) {
                    el(w, "error", String.join("; ", r.errors()));
                }
                opt(w, "generator", r.generator());
            } else {
                for (String e : r.errors()) {
                    el(w, "error", e);
                }
            }
            w.writeEndElement();

            var p = r.policy();
            String policy = p.p().isEmpty() ? "none" : p.p();
            w.writeStartElement("policy_published");
            el(w, "domain", p.domain());
            opt(w, "adkim", p.adkim());
            opt(w, "aspf", p.aspf());
            el(w, "p", policy);
            if (bis) {
                opt(w, "sp", p.sp());
                opt(w, "np", p.np());
                opt(w, "discovery_method", p.discoveryMethod());
                opt(w, "fo", p.fo());
                opt(w, "testing", p.testing());
            } else {
                // RFC 7489 6.3 defaults for the elements Appendix C requires
                el(w, "sp", p.sp().isEmpty() ? policy : p.sp());
                el(w, "pct", Integer.toString(p.pct().orElse(100)));
                el(w, "fo", p.fo().isEmpty() ? "0" : p.fo());
            }
            w.writeEndElement();

            for (AggregateRecord rec : r.records()) {
                w.writeStartElement("record");
                w.writeStartElement("row");
                el(w, "source_ip", rec.sourceIp());
                el(w, "count", Long.toString(rec.count()));
                w.writeStartElement("policy_evaluated");
                String disposition = rec.disposition().isEmpty() ? "none" : rec.disposition();
                el(w, "disposition", !bis && disposition.equals("pass") ? "none" : disposition);
                el(w, "dkim", rec.dkim().isEmpty() ? "fail" : rec.dkim());
                el(w, "spf", rec.spf().isEmpty() ? "fail" : rec.spf());
                for (PolicyOverride o : rec.reasons()) {
                    w.writeStartElement("reason");
                    el(w, "type", overrideType(o.type(), bis));
                    opt(w, "comment", o.comment());
                    w.writeEndElement();
                }
                w.writeEndElement();
                w.writeEndElement();
                w.writeStartElement("identifiers");
                if (bis) {
                    el(w, "header_from", rec.headerFrom());
                    opt(w, "envelope_from", rec.envelopeFrom());
                    opt(w, "envelope_to", rec.envelopeTo());
                } else {
                    opt(w, "envelope_to", rec.envelopeTo());
                    el(w, "envelope_from", rec.envelopeFrom());
                    el(w, "header_from", rec.headerFrom());
                }
                w.writeEndElement();
                w.writeStartElement("auth_results");
                for (DkimAuth d : rec.dkimResults()) {
                    w.writeStartElement("dkim");
                    el(w, "domain", d.domain());
                    if (bis || !d.selector().isEmpty()) {
                        el(w, "selector", d.selector());
                    }
                    el(w, "result", d.result().isEmpty() ? "none" : d.result());
                    opt(w, "human_result", d.humanResult());
                    w.writeEndElement();
                }
                List<SpfAuth> spfs = rec.spfResults();
                if (spfs.isEmpty() && !bis) {
                    // RFC 7489 Appendix C: "There will always be at least one SPF result"
                    String domain = rec.envelopeFrom().isEmpty() ? rec.headerFrom() : rec.envelopeFrom();
                    spfs = List.of(new SpfAuth(domain, "mfrom", "none", ""));
                }
                for (int i = 0; i < spfs.size() && (!bis || i < 1); i++) {
                    SpfAuth s = spfs.get(i);
                    w.writeStartElement("spf");
                    el(w, "domain", s.domain());
                    String scope = s.scope().isEmpty() ? "mfrom" : s.scope();
                    if (!bis || scope.equals("mfrom")) {
                        el(w, "scope", scope);
                    }
                    String result = s.result().isEmpty() ? "none" : s.result();
                    el(w, "result", !bis && result.equals("policy") ? "neutral" : result);
                    if (bis) {
                        opt(w, "human_result", s.humanResult());
                    }
                    w.writeEndElement();
                }
                w.writeEndElement();
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML to memory", e);
        }
        return out.toByteArray();
    }

    /** The override types differ between the formats (RFC 7489 Appendix C, RFC 9990 Appendix A). */
    static String overrideType(String type, boolean bis) {
        List<String> allowed = bis
                ? List.of("local_policy", "mailing_list", "other", "policy_test_mode", "trusted_forwarder")
                : List.of("forwarded", "sampled_out", "trusted_forwarder", "mailing_list", "local_policy", "other");
        return allowed.contains(type) ? type : "other";
    }

    private static void el(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    private static void opt(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        if (!text.isEmpty()) {
            el(w, name, text);
        }
    }
}
