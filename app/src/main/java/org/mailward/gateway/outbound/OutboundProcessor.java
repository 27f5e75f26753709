package org.mailward.gateway.outbound;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.mailward.auth.dkim.DkimSigner;
import org.mailward.dns.Resolver;
import org.mailward.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound changes to a message, in this order: the sender domain's disclaimer ({@link Footers}), then DKIM
 * signatures (RFC 6376 5) from every enabled definition of the From domain. Signing is the very last change: the
 * caller stores exactly what {@link #process} returns. The DKIM-Signature fields end up first in the header.
 */
public final class OutboundProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundProcessor.class);

    /** What was done to one message. */
    public record Outcome(byte[] message, boolean footerAdded, List<String> signedWith, List<String> notes) {
        public Outcome {
            signedWith = List.copyOf(signedWith);
            notes = List.copyOf(notes);
        }
    }

    private final Map<String, GatewayConfig.Disclaimer> disclaimers;
    private final Map<String, List<DkimSigner>> signers;

    public OutboundProcessor(List<GatewayConfig.Disclaimer> disclaimers, List<DkimDefinitions.Checked> definitions, Clock clock) {
        this.disclaimers = disclaimers.stream().collect(Collectors.toUnmodifiableMap(GatewayConfig.Disclaimer::domain, Function.identity()));
        this.signers = definitions.stream().filter(DkimDefinitions.Checked::enabled).map(DkimDefinitions.Checked::definition)
                .collect(Collectors.groupingBy(GatewayConfig.DkimDefinition::domain, Collectors.mapping(d ->
                        DkimSigner.builder(d.domain(), d.selector(), d.key(), clock).algorithm(d.algorithm()).build(), Collectors.toUnmodifiableList())));
    }

    /** Checks every definition against DNS (logging each verdict) and builds the processor from the enabled ones. */
    public static OutboundProcessor start(GatewayConfig config, Resolver resolver, Clock clock) {
        List<DkimDefinitions.Checked> checked = DkimDefinitions.check(config.dkim(), resolver);
        for (DkimDefinitions.Checked c : checked) {
            GatewayConfig.DkimDefinition d = c.definition();
            if (c.enabled()) {
                LOG.info("dkim definition {}/{} ({}): enabled: {}", d.domain(), d.selector(), d.algorithm().token(), c.reason());
            } else {
                LOG.warn("dkim definition {}/{} ({}): DISABLED: {}", d.domain(), d.selector(), d.algorithm().token(), c.reason());
            }
        }
        return new OutboundProcessor(config.disclaimers(), checked, clock);
    }

    /** Footer first, then signatures; {@code id} is for the log lines. */
    public Outcome process(String id, byte[] message) {
        String m = new String(message, StandardCharsets.ISO_8859_1);
        int end = m.indexOf("\r\n\r\n");
        Optional<String> domain = end < 0 ? Optional.empty() : fromDomain(m.substring(0, end + 2));
        if (domain.isEmpty()) {
            LOG.info("outbound {}: no single From address with a domain: no footer, not signed", id);
            return new Outcome(message, false, List.of(), List.of("no single From domain"));
        }
        byte[] out = message;
        boolean footer = false;
        List<String> notes = List.of();
        GatewayConfig.Disclaimer d = disclaimers.get(domain.get());
        if (d != null) {
            Footers.Result r = Footers.apply(out, d.text(), d.html());
            out = r.message();
            footer = r.changed();
            notes = r.notes();
            for (String n : r.notes()) {
                LOG.info("outbound {}: footer for {}: {}", id, domain.get(), n);
            }
        }
        List<DkimSigner> s = signers.getOrDefault(domain.get(), List.of());
        if (!s.isEmpty()) {
            out = DkimSigner.signAll(out, s); // the very last change (the guidance: sign after every other edit)
        }
        List<String> with = s.stream().map(x -> x.domain() + "/" + x.selector()).toList();
        LOG.info("outbound {}: from domain {} footer={} dkim={}", id, domain.get(), footer, with.isEmpty() ? "none" : String.join(",", with));
        return new Outcome(out, footer, with, notes);
    }

    /** The domain of the one address in the one From field (RFC 5322 3.6.2), lower case; empty otherwise. */
    static Optional<String> fromDomain(String header) {
        Optional<String> from = Footers.field(header, "From");
        if (from.isEmpty()) {
            return Optional.empty();
        }
        String v = from.get().replaceAll("\\([^()]*\\)", " ").replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int lt = v.lastIndexOf('<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            if (gt < 0 || v.indexOf(',') >= 0 && v.indexOf(',') < lt) {
                return Optional.empty();
            }
            v = v.substring(lt + 1, gt);
        } else if (v.indexOf(',') >= 0) {
            return Optional.empty();
        }
        int at = v.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String dom = v.substring(at + 1).trim().toLowerCase(Locale.ROOT);
        if (dom.endsWith(".")) {
            dom = dom.substring(0, dom.length() - 1);
        }
        return dom.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*") ? Optional.of(dom) : Optional.empty();
    }
}
