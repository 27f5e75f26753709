package org.mailward.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.mailward.check.probe.CipherClass;
import org.mailward.check.probe.Handshake;
import org.mailward.check.probe.SmtpProbeResult;
import org.mailward.check.probe.SmtpTlsProber;

/**
 * CHECKS.md section 7 (STARTTLS and TLS on each MX address), from the probes of {@link SmtpTlsProber}.
 *
 * <p>Not implemented: TLS-SSL-ENABLED (the prober cannot offer SSL 2/3), TLS-SHA1-SIGNATURE (the key-exchange
 * signature algorithm is not captured yet), TLS-COMPRESSION (the prober offers no compression, so none can be
 * negotiated), the ECDHE-curve part of TLS-WEAK-DH, and client-initiated renegotiation / 0-RTT parts of
 * TLS-RENEGOTIATION.
 */
public final class TlsChecks implements AreaCheck {

    @Override
    public Area area() {
        return Area.TLS;
    }

    @Override
    public List<Finding> check(DomainEvidence ev, List<Finding> earlier) {
        List<Finding> out = new ArrayList<>();
        Map<String, String> profiles = new LinkedHashMap<>();
        for (ProbedAddress p : ev.probes()) {
            SmtpProbeResult r = p.result();
            if (r.reach() != SmtpProbeResult.Reach.GREETED) {
                continue;
            }
            List<Finding> f = checkAddress(ev, p);
            out.addAll(f);
            profiles.put(p.subject(), profile(r));
        }
        if (new TreeSet<>(profiles.values()).size() > 1) {
            out.add(Finding.of(Rule.TLS_INCONSISTENT, ev.domain())
                    .summary("TLS results differ between MX addresses")
                    .detail(profiles.toString())
                    .why("One node of a cluster without STARTTLS or with old settings weakens the whole domain.").build());
        }
        return out;
    }

    private static String profile(SmtpProbeResult r) {
        StringBuilder sb = new StringBuilder(r.starttls() ? "starttls" : "no-starttls");
        for (String v : SmtpTlsProber.VERSIONS) {
            if (r.handshake(v).map(Handshake::completed).orElse(false)) {
                sb.append(' ').append(v);
            }
        }
        return sb.toString();
    }

    /** The rules of one greeted address (package-private for tests). */
    List<Finding> checkAddress(DomainEvidence ev, ProbedAddress p) {
        List<Finding> out = new ArrayList<>();
        SmtpProbeResult r = p.result();
        String s = p.subject();
        Instant now = ev.config().clock().instant();
        List<Evidence> ehloEv = List.of(new Evidence("smtp " + r.address() + " EHLO", r.starttls() ? "STARTTLS offered" : "no STARTTLS",
                r.ehlo(), r.address(), now));
        List<String> plain = r.authBeforeTls().stream().filter(m -> m.equals("PLAIN") || m.equals("LOGIN")).toList();
        if (!plain.isEmpty()) {
            out.add(Finding.of(Rule.TLS_AUTH_BEFORE_STARTTLS, s)
                    .summary("AUTH " + String.join(" ", plain) + " offered before STARTTLS on port " + ev.config().smtpPort())
                    .why("Clients may send passwords in clear text.").evidence(ehloEv).build());
        }
        if (!r.starttls() || !r.starttlsAccepted()) {
            boolean busy = r.starttls() && r.problem().matches("STARTTLS answered 4\\d\\d");
            out.add(Finding.of(Rule.TLS_NO_STARTTLS, s).severity(busy ? Severity.INCONCLUSIVE : Severity.ERROR)
                    .summary(!r.starttls() ? "MX " + s + " does not offer STARTTLS" : "MX " + s + " refuses the STARTTLS command (" + r.problem() + ")")
                    .why("Mail to this host travels unencrypted; with MTA-STS enforce, senders will not deliver.")
                    .evidence(ehloEv).build());
            return out;
        }
        Optional<Handshake> def = r.handshake(SmtpTlsProber.DEFAULT);
        if (def.isEmpty() || !def.get().completed()) {
            out.add(Finding.of(Rule.TLS_HANDSHAKE_FAILS, s).summary("STARTTLS accepted but no TLS handshake succeeds on " + s)
                    .detail(def.map(Handshake::error).orElse("no handshake"))
                    .why("Senders fall back to plain text or, with MTA-STS/DANE, do not deliver.").build());
            return out;
        }
        if (r.interrupted()) {
            out.add(Finding.of(Rule.TLS_NO_TLS12, s).severity(Severity.INCONCLUSIVE)
                    .summary("TLS probing of " + s + " was interrupted (421, reset or silence on a later connection)")
                    .detail("completed tests: " + r.handshakes().keySet())
                    .why("Version and cipher rules for this address could not be evaluated; this is not a failure.").build());
            return out;
        }
        List<Evidence> hsEv = new ArrayList<>();
        for (Handshake h : r.handshakes().values()) {
            hsEv.add(new Evidence("smtp " + r.address() + " STARTTLS offer " + h.offered(), h.completed() ? "completed" : "failed",
                    h.completed() ? List.of(h.protocol() + " " + h.cipherSuite()) : List.of(h.error()), r.address(), now));
        }
        hsEv.sort((x, y) -> x.query().compareTo(y.query()));
        boolean v12 = ok(r, "TLSv1.2");
        boolean v13 = ok(r, "TLSv1.3");
        if (!v12 && !v13) {
            out.add(Finding.of(Rule.TLS_NO_TLS12, s).summary("Neither TLS 1.2 nor TLS 1.3 can be negotiated with " + s)
                    .detail("default handshake: " + def.get().protocol() + " " + def.get().cipherSuite())
                    .why("The UK baseline requires TLS 1.2 or later.").evidence(hsEv).build());
        }
        List<String> old = new ArrayList<>();
        if (ok(r, "TLSv1")) {
            old.add("TLS 1.0");
        }
        if (ok(r, "TLSv1.1")) {
            old.add("TLS 1.1");
        }
        if (!old.isEmpty()) {
            out.add(Finding.of(Rule.TLS_OLD_VERSIONS, s).summary(String.join(" and ", old) + " accepted by " + s)
                    .why("Deprecated by RFC 8996; senders that fall back to them get weak protection.").evidence(hsEv).build());
        }
        if (!v13) {
            out.add(Finding.of(Rule.TLS_NO_TLS13, s).summary("TLS 1.3 not supported by " + s)
                    .why("TLS 1.3 removes legacy algorithms and is faster.").build());
        }
        r.handshake(SmtpTlsProber.INSECURE).filter(Handshake::completed).ifPresent(h -> out.add(Finding.of(Rule.TLS_INSECURE_CIPHER, s)
                .summary("Insecure cipher suite accepted by " + s + ": " + h.cipherSuite())
                .detail("offered only insecure-class suites (NULL, anonymous, EXPORT, DES, RC4, MD5); the server chose " + h.cipherSuite() + " with " + h.protocol())
                .why("These suites give no or breakable encryption.").evidence(hsEv).build()));
        r.handshake(SmtpTlsProber.WEAK).filter(Handshake::completed).ifPresent(h -> out.add(Finding.of(Rule.TLS_WEAK_CIPHER, s)
                .summary("Weak cipher suite accepted by " + s + ": " + h.cipherSuite())
                .detail("offered only weak-class suites (static RSA, CBC-SHA1, 3DES); the server chose " + h.cipherSuite() + " with " + h.protocol())
                .why("No forward secrecy, SHA-1 MACs or 3DES weaken the protection of recorded traffic.").evidence(hsEv).build()));
        if (v12 && !ok(r, SmtpTlsProber.GOOD)) {
            out.add(Finding.of(Rule.TLS_NO_GOOD_CIPHER, s).summary("TLS 1.2 on " + s + " offers no ECDHE/DHE + AES-GCM/ChaCha20 suite")
                    .detail(r.handshake(SmtpTlsProber.GOOD).map(Handshake::error).orElse(""))
                    .why("Only legacy or weak suites are available for TLS 1.2 clients.").evidence(hsEv).build());
        }
        Optional<Handshake> fwd = r.handshake(SmtpTlsProber.ORDER_FORWARD).filter(Handshake::completed);
        Optional<Handshake> rev = r.handshake(SmtpTlsProber.ORDER_REVERSE).filter(Handshake::completed);
        boolean goodAvailable = ok(r, SmtpTlsProber.GOOD);
        boolean followsClient = fwd.isPresent() && rev.isPresent()
                && CipherClass.of(rev.get().cipherSuite()).ordinal() > CipherClass.of(fwd.get().cipherSuite()).ordinal();
        boolean prefersWeak = fwd.isPresent() && goodAvailable && CipherClass.of(fwd.get().cipherSuite()) != CipherClass.GOOD;
        if (followsClient || prefersWeak) {
            out.add(Finding.of(Rule.TLS_NO_SERVER_PREFERENCE, s)
                    .summary(followsClient ? s + " follows the client's order: offered weak-first it picks " + rev.get().cipherSuite()
                            : s + " prefers " + fwd.get().cipherSuite() + " although good suites are available")
                    // the weak-first handshake may have failed (e.g. timed out): prefersWeak needs only the good-first one
                    .detail("good-first offer: " + fwd.get().cipherSuite() + "; weak-first offer: "
                            + rev.map(Handshake::cipherSuite).orElse("not completed"))
                    .why("Clients with poor preferences get a weak suite although a good one is available.").evidence(hsEv).build());
        }
        int dh = r.handshakes().values().stream().filter(Handshake::completed).mapToInt(h -> h.dhBits().orElse(Integer.MAX_VALUE)).min().orElse(Integer.MAX_VALUE);
        if (dh != Integer.MAX_VALUE) {
            Severity sev = dh <= 1024 ? Severity.ERROR : dh < 2048 ? Severity.WARN : dh == 2048 ? Severity.INFO : null;
            if (sev != null) {
                out.add(Finding.of(Rule.TLS_WEAK_DH, s).severity(sev).summary(s + " uses a " + dh + "-bit finite-field DH group")
                        .why("Small DH groups can be broken (Logjam); 2048 bits is being phased out.").build());
            }
        }
        Optional<Handshake> t12 = r.handshake("TLSv1.2").filter(Handshake::completed);
        if (t12.isPresent()) {
            if (!t12.get().secureRenegotiation()) {
                out.add(Finding.of(Rule.TLS_RENEGOTIATION, s).severity(Severity.WARN)
                        .summary(s + " does not support secure renegotiation (RFC 5746)")
                        .why("Without RFC 5746 a renegotiation can be spliced by an attacker.").build());
            } else if (!t12.get().extendedMasterSecret()) {
                out.add(Finding.of(Rule.TLS_RENEGOTIATION, s).severity(Severity.INFO)
                        .summary(s + " does not negotiate Extended Master Secret (RFC 7627) on TLS 1.2")
                        .why("Without EMS, TLS 1.2 sessions are open to triple-handshake attacks.").build());
            }
        }
        return out;
    }

    private static boolean ok(SmtpProbeResult r, String name) {
        return r.handshake(name).map(Handshake::completed).orElse(false);
    }
}
