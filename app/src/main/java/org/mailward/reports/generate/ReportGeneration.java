package org.mailward.reports.generate;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.mailward.reports.AggregateReport.Schema;
import org.mailward.reports.generate.ReportDestinations.Lookup;

/**
 * The daily report job as a receiver and sender of mail: what would be sent ({@link #plan}) and sending it
 * ({@link #deliver}). For a period it builds the DMARC aggregate reports of every policy domain seen in
 * {@code auth_event} and the TLS reports of every recipient domain in {@code delivery_tls_event}, looks up each
 * domain's destinations now, and renders the mail for the accepted mailto: ones.
 *
 * <pre>
 *   GatewayEventReader (SQL, grouped)
 *     +-- AggregateReportGenerator --> AggregateReportWriter XML --> gzip --+
 *     +-- TlsReportGenerator ---------> RFC 8460 JSON ----------> gzip --+
 *                                                                       v
 *   ReportDestinations (rua, RFC 7489 7.1 check, !size) --> ReportMail --> ReportSender (SMTP to the gateway)
 *                                                                      --> HttpsPoster (TLS-RPT https: rua)
 * </pre>
 */
public final class ReportGeneration {

    /** The kind of report, with the CLI label. */
    public enum Kind {
        DMARC_AGGREGATE("dmarc-aggregate"), TLSRPT("tlsrpt");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One report ready to go.
     *
     * @param rows         gateway event rows in it (messages for DMARC, sessions for TLS-RPT)
     * @param records      DMARC records or TLS-RPT policies in it
     * @param attachment   the gzip attachment / POST body
     * @param destinations every rua found, accepted or refused with the reason
     * @param mail         the mail for the accepted mailto: destinations; empty when there are none
     */
    public record Planned(Kind kind, String domain, String reportId, String fileName, long rows, long records,
                          byte[] attachment, List<Destination> destinations, List<String> notes, byte[] mail,
                          List<SizeError> sizeErrors) {
        public Planned {
            destinations = List.copyOf(destinations);
            notes = List.copyOf(notes);
            sizeErrors = List.copyOf(sizeErrors);
        }

        /** A planned report without size errors (the form before RFC 7489 7.2.2 error reports were added). */
        public Planned(Kind kind, String domain, String reportId, String fileName, long rows, long records,
                       byte[] attachment, List<Destination> destinations, List<String> notes, byte[] mail) {
            this(kind, domain, reportId, fileName, rows, records, attachment, destinations, notes, mail, List.of());
        }

        public List<String> mailRecipients() {
            return destinations.stream().filter(d -> d.accepted() && d.isMailto()).map(Destination::target).toList();
        }
    }

    /**
     * RFC 7489 7.2.2: a mailto: destination that did not get the report because the report mail was over its
     * {@code !size} limit gets this short error report instead.
     *
     * @param destination the refused destination (its reason says by how much)
     * @param reportBytes the size of the report mail that was not sent there (Report-Size)
     * @param mail        the error report mail, addressed to that destination only
     */
    public record SizeError(Destination destination, long reportBytes, byte[] mail) {
    }

    /** The outcome of sending to one destination (or, for mail, to all mailto: recipients at once). */
    public record Delivery(String destination, boolean ok, String detail) {
    }

    private final GatewayEventReader reader;
    private final ReportDestinations destinations;
    private final ReporterIdentity identity;
    private final Schema schema;
    private final Clock clock;

    public ReportGeneration(GatewayEventReader reader, ReportDestinations destinations, ReporterIdentity identity,
                            Schema schema, Clock clock) {
        this.reader = Objects.requireNonNull(reader);
        this.destinations = Objects.requireNonNull(destinations);
        this.identity = Objects.requireNonNull(identity);
        this.schema = Objects.requireNonNull(schema);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Every report of {@code [begin, end)}: DMARC aggregate first, then TLS-RPT, each ordered by domain. */
    public List<Planned> plan(long begin, long end) throws SQLException {
        List<Planned> out = new ArrayList<>();
        Instant now = clock.instant();
        for (GeneratedAggregate r : new AggregateReportGenerator(reader, identity, schema).generate(begin, end)) {
            Lookup lookup = destinations.dmarc(r.policyDomain());
            Planned p = withMail(Kind.DMARC_AGGREGATE, r.policyDomain(), r.report().reportId(), r.fileName(), r.eventRows(),
                    r.report().records().size(), r.gzip(), lookup, to -> ReportMail.aggregate(identity, r, to, now),
                    (d, size) -> ReportMail.sizeError(identity, r.policyDomain(), r.report().reportId(), size, d.uri(),
                            d.maxBytes().orElse(0L), d.target(), now));
            out.add(p);
        }
        for (GeneratedTlsReport r : new TlsReportGenerator(reader, identity).generate(begin, end)) {
            Lookup lookup = destinations.tlsRpt(r.domain());
            out.add(withMail(Kind.TLSRPT, r.domain(), r.reportId(), r.fileName(), r.sessions(), r.policies(),
                    r.gzip(), lookup, to -> ReportMail.tls(identity, r, to, now), null));
        }
        return out;
    }

    // RFC 7489 6.4 size limits depend on the mail, whose To: depends on who is left: refuse over-limit
    // destinations and render again until nothing changes (at most once per destination). RFC 7489 7.2.2: each
    // destination refused for its limit gets a short error report instead, when errorMail is given (DMARC only:
    // TLS-RPT has no size limits). Destinations refused for other reasons (not authorised, DNS errors) get nothing:
    // we must not mail an unauthorised third party. The error report is not held to the limit itself: it is the
    // notice the limit's owner needs.
    private static Planned withMail(Kind kind, String domain, String id, String file, long rows, long records, byte[] gz,
                                    Lookup lookup, Function<List<String>, byte[]> render,
                                    BiFunction<Destination, Long, byte[]> errorMail) {
        List<Destination> dests = new ArrayList<>(lookup.destinations());
        List<SizeError> errors = new ArrayList<>();
        byte[] mail = new byte[0];
        for (int round = 0; round <= dests.size(); round++) {
            List<String> to = dests.stream().filter(d -> d.accepted() && d.isMailto()).map(Destination::target).distinct().toList();
            if (to.isEmpty()) {
                mail = new byte[0];
                break;
            }
            mail = render.apply(to);
            boolean changed = false;
            for (int i = 0; i < dests.size(); i++) {
                Destination d = dests.get(i);
                if (d.isMailto()) {
                    Destination checked = d.withinLimit(mail.length);
                    if (checked != d) {
                        changed = true;
                        if (errorMail != null) {
                            errors.add(new SizeError(checked, mail.length, errorMail.apply(checked, (long) mail.length)));
                        }
                    }
                    dests.set(i, checked);
                }
            }
            if (!changed) {
                break;
            }
        }
        return new Planned(kind, domain, id, file, rows, records, gz, dests, lookup.notes(), mail, errors);
    }

    /** Sends one planned report's RFC 7489 7.2.2 error reports, one SMTP transaction each. */
    private List<Delivery> deliverSizeErrors(Planned p, ReportSender smtp) {
        List<Delivery> out = new ArrayList<>();
        for (SizeError e : p.sizeErrors()) {
            String dest = "error report to " + e.destination().uri();
            try {
                ReportSender.Sent s = smtp.send(identity.email(), List.of(e.destination().target()), e.mail());
                out.add(new Delivery(dest, s.accepted(), s.detail()));
            } catch (IOException ex) {
                out.add(new Delivery(dest, false, "SMTP: " + ex.getMessage()));
            }
        }
        return out;
    }

    /**
     * Sends one planned report: the mail to all accepted mailto: destinations in one SMTP transaction, a POST of
     * the gzip to each accepted https: destination (TLS-RPT, RFC 8460 5.2), and the RFC 7489 7.2.2 error report to
     * each destination that was over its size limit (one transaction each). A failure is a result, not an
     * exception: the job goes on with the next report.
     */
    public List<Delivery> deliver(Planned p, ReportSender smtp, HttpsPoster https) {
        List<Delivery> out = new ArrayList<>();
        List<String> to = p.mailRecipients().stream().distinct().toList();
        if (!to.isEmpty()) {
            String dest = "mailto:" + String.join(",", to);
            try {
                ReportSender.Sent s = smtp.send(identity.email(), to, p.mail());
                out.add(new Delivery(dest, s.accepted(), s.detail()));
            } catch (IOException e) {
                out.add(new Delivery(dest, false, "SMTP: " + e.getMessage()));
            }
        }
        for (Destination d : p.destinations()) {
            if (!d.accepted() || !d.isHttps()) {
                continue;
            }
            try {
                HttpsPoster.Posted r = https.post(new URI(d.target()), "application/tlsrpt+gzip", p.attachment());
                out.add(new Delivery(d.uri(), r.accepted(), "HTTP " + r.status() + (r.detail().isEmpty() ? "" : ": " + r.detail())));
            } catch (IOException | URISyntaxException e) {
                out.add(new Delivery(d.uri(), false, "HTTPS: " + e.getMessage()));
            }
        }
        out.addAll(deliverSizeErrors(p, smtp));
        return out;
    }
}
