package org.mailward.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.mailward.check.probe.CipherClass;
import org.mailward.check.probe.ClientRenegotiation;
import org.mailward.check.probe.Handshake;
import org.mailward.check.probe.RawHandshake;
import org.mailward.check.probe.ServerFlight;
import org.mailward.check.probe.SmtpProbeResult;
import org.mailward.check.probe.SmtpTlsProber;

/**
 * CHECKS.md section 7 (STARTTLS and TLS on each MX address), from the probes of {@link SmtpTlsProber}.
 *
 * <p>TLS-SSL-ENABLED, TLS-COMPRESSION and TLS-SHA1-SIGNATURE, the DH prime size of a DHE-only offer (TLS-WEAK-DH)
 * and the missing renegotiation_info answer (TLS-RENEGOTIATION) come from hand-built ClientHellos
 * ({@link org.mailward.check.probe.RawClientHello}): the evidence is the server's own ServerHello and
 * ServerKeyExchange, not a completed handshake. A SHA-1/MD5 signature counts only when it verifies with the leaf's key.
 *
 * <p>Client-initiated renegotiation (TLS-RENEGOTIATION, WARN) is tested on its own connection with the JDK's JSSE
 * client ({@link ClientRenegotiation}): a TLS 1.2 handshake, then a second ClientHello; only a completed second
 * handshake counts, a refusal or silence does not.
 *
 * <p>The ECDHE-curve part of TLS-WEAK-DH is read from the ServerKeyExchange answering the hand-built TLS 1.2 hello,
 * whose supported_groups lists the allowed curves first and secp256k1, secp224r1, secp192r1 last: only a server that
 * picks one of those (its own preference or its only curve) is reported.
 *
 * <p>Not implemented: the 0-RTT part of TLS-RENEGOTIATION.
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
        Optional<Handshake> onlyInsecure = r.handshake(SmtpTlsProber.INSECURE).filter(Handshake::completed);
        if ((def.isEmpty() || !def.get().completed()) && onlyInsecure.isPresent()) {
            Handshake h = onlyInsecure.get();
            out.add(Finding.of(Rule.TLS_INSECURE_CIPHER, s)
                    .summary(s + " completes a handshake only with an insecure cipher suite: " + h.cipherSuite())
                    .detail("refused every secure, legacy and weak suite (" + def.map(Handshake::error).orElse("no handshake")
                            + "); offered insecure-class suites it chose " + h.cipherSuite() + " with " + h.protocol())
                    .why("These suites give no or breakable encryption (anonymous suites: no server authentication at all).").build());
            return out;
        }
        if (def.isEmpty() || !def.get().completed()) {
            out.add(Finding.of(Rule.TLS_HANDSHAKE_FAILS, s).summary("STARTTLS accepted but no TLS handshake succeeds on " + s)
                    .detail(def.map(Handshake::error).orElse("no handshake"))
                    .why("Senders fall back to plain text or, with MTA-STS/DANE, do not deliver.").build());
            sslEnabled(r, s, rawEvidence(r, now)).ifPresent(out::add);
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
        List<Evidence> rawEv = rawEvidence(r, now);
        int dh = r.handshakes().values().stream().filter(Handshake::completed).mapToInt(h -> h.dhBits().orElse(Integer.MAX_VALUE)).min().orElse(Integer.MAX_VALUE);
        String dhSource = "a completed handshake";
        for (String name : List.of(SmtpTlsProber.RAW_DHE, SmtpTlsProber.RAW_TLS12)) {
            Optional<ServerFlight.KeyExchange> kx = r.raw(name).flatMap(RawHandshake::hello).flatMap(ServerFlight::keyExchange)
                    .filter(k -> k.dhBits() > 0);
            if (kx.isPresent() && kx.get().dhBits() < dh) {
                dh = kx.get().dhBits();
                dhSource = "the ServerKeyExchange answering " + name;
            }
        }
        if (dh != Integer.MAX_VALUE) {
            Severity sev = dh <= 1024 ? Severity.ERROR : dh < 2048 ? Severity.WARN : dh == 2048 ? Severity.INFO : null;
            if (sev != null) {
                out.add(Finding.of(Rule.TLS_WEAK_DH, s).severity(sev).summary(s + " uses a " + dh + "-bit finite-field DH group")
                        .detail("seen in " + dhSource)
                        .why("Small DH groups can be broken (Logjam); 2048 bits is being phased out.").evidence(rawEv).build());
            }
        }
        for (String name : List.of(SmtpTlsProber.RAW_TLS12, SmtpTlsProber.RAW_DHE)) {
            Optional<ServerFlight.KeyExchange> kx = r.raw(name).flatMap(RawHandshake::hello).flatMap(ServerFlight::keyExchange)
                    .filter(k -> k.namedCurve() >= 0 && !ALLOWED_CURVES.contains(k.namedCurve()));
            if (kx.isPresent()) {
                out.add(Finding.of(Rule.TLS_WEAK_DH, s).severity(Severity.WARN)
                        .summary(s + " uses ECDHE on " + curveName(kx.get().namedCurve()))
                        .detail("the ServerKeyExchange answering " + name + " names curve " + kx.get().namedCurve()
                                + "; X25519, secp256r1 and the other allowed curves were offered before it")
                        .why("Only X25519, X448, NIST P-256/384/521 and brainpoolP256/384/512r1 are on the NCSC list; smaller or "
                                + "non-standard curves give less protection.").evidence(rawEv).build());
                break;
            }
        }
        sslEnabled(r, s, rawEv).ifPresent(out::add);
        Optional<ServerFlight> hello12 = r.raw(SmtpTlsProber.RAW_TLS12).flatMap(RawHandshake::hello);
        hello12.filter(f -> f.compression() > 0).ifPresent(f -> out.add(Finding.of(Rule.TLS_COMPRESSION, s)
                .summary(s + " negotiates TLS compression (method " + f.compression() + (f.compression() == 1 ? ", DEFLATE" : "") + ")")
                .detail("offered compression methods DEFLATE and null; the ServerHello selected " + f.compression())
                .why("Compression before encryption leaks secrets through the ciphertext length (CRIME).").evidence(rawEv).build()));
        for (String name : List.of(SmtpTlsProber.RAW_TLS12, SmtpTlsProber.RAW_DHE)) {
            Optional<RawHandshake> rh = r.raw(name).filter(x -> x.weakSignatureValid().orElse(false));
            Optional<ServerFlight.KeyExchange> kx = rh.flatMap(RawHandshake::hello).flatMap(ServerFlight::keyExchange);
            if (kx.isPresent()) {
                out.add(Finding.of(Rule.TLS_SHA1_SIGNATURE, s)
                        .summary(s + " signs its key exchange with " + kx.get().signatureName() + " although SHA-2 was offered")
                        .detail("signature_algorithms offered SHA-256/384/512 first, then SHA-1 and MD5; the ServerKeyExchange answering "
                                + name + " is signed with " + kx.get().signatureName() + " (signature verified with the certificate's key)")
                        .why("SHA-1 and MD5 signatures can be forged (SLOTH); the key exchange can then be impersonated.").evidence(rawEv).build());
                break;
            }
        }
        Optional<Handshake> t12 = r.handshake("TLSv1.2").filter(Handshake::completed);
        // RFC 5746 3.6: a server that supports secure renegotiation answers the SCSV with renegotiation_info (a TLS 1.3
        // ServerHello, marked by supported_versions (43), has none by design: not counted).
        boolean noRenegInfo = hello12.filter(f -> !f.hasExtension(43) && !f.hasExtension(ServerFlight.EXT_RENEGOTIATION_INFO)).isPresent();
        Optional<ClientRenegotiation> clientReneg = r.renegotiation().filter(x -> x.outcome() == ClientRenegotiation.Outcome.ACCEPTED);
        List<Evidence> renegEv = r.renegotiation().map(x -> List.of(new Evidence("smtp " + r.address() + " STARTTLS TLS 1.2 then client renegotiation",
                x.outcome().name().toLowerCase(java.util.Locale.ROOT), List.of(x.detail()), r.address(), now))).orElse(List.of());
        if (t12.isPresent() || noRenegInfo) {
            if (noRenegInfo || !t12.get().secureRenegotiation()) {
                out.add(Finding.of(Rule.TLS_RENEGOTIATION, s).severity(Severity.WARN)
                        .summary(s + " does not support secure renegotiation (RFC 5746)")
                        .detail(noRenegInfo ? "the ServerHello answering a ClientHello with TLS_EMPTY_RENEGOTIATION_INFO_SCSV carries no renegotiation_info"
                                : "the TLS 1.2 handshake did not negotiate renegotiation_info")
                        .why("Without RFC 5746 a renegotiation can be spliced by an attacker.").evidence(rawEv).build());
            } else if (clientReneg.isPresent()) {
                // RFC 5746 4.4 lets a server refuse; accepting lets one client make the server redo expensive
                // public-key operations on a single connection (renegotiation DoS).
                out.add(Finding.of(Rule.TLS_RENEGOTIATION, s).severity(Severity.WARN)
                        .summary(s + " accepts client-initiated renegotiation")
                        .detail(clientReneg.get().detail() + (t12.get().extendedMasterSecret() ? ""
                                : "; Extended Master Secret (RFC 7627) is not negotiated either"))
                        .why("Each renegotiation costs the server a full key exchange: one client can tie up its CPU.").evidence(renegEv).build());
            } else if (!t12.get().extendedMasterSecret()) {
                out.add(Finding.of(Rule.TLS_RENEGOTIATION, s).severity(Severity.INFO)
                        .summary(s + " does not negotiate Extended Master Secret (RFC 7627) on TLS 1.2")
                        .detail("the TLS 1.2 handshake completed without the extended_master_secret extension")
                        .why("Without EMS, TLS 1.2 sessions are open to triple-handshake attacks.").build());
            }
        }
        return out;
    }

    /** TLS-SSL-ENABLED: the server agreed to SSL 3.0 in its ServerHello, or answered SSL 2.0 with a SERVER-HELLO. */
    private static Optional<Finding> sslEnabled(SmtpProbeResult r, String s, List<Evidence> rawEv) {
        Optional<ServerFlight> ssl3 = r.raw(SmtpTlsProber.RAW_SSL3).flatMap(RawHandshake::hello).filter(f -> f.version() == 0x0300);
        Optional<ServerFlight> ssl2 = r.raw(SmtpTlsProber.RAW_SSL2).flatMap(RawHandshake::flight)
                .filter(f -> f.kind() == ServerFlight.Kind.SSL2_HELLO && f.version() == 0x0002 && f.cipherSuite() >= 0);
        if (ssl3.isEmpty() && ssl2.isEmpty()) {
            return Optional.empty();
        }
        List<String> seen = new ArrayList<>();
        ssl2.ifPresent(f -> seen.add(String.format("SSL 2.0 (SERVER-HELLO with cipher kind %06x)", f.cipherSuite())));
        ssl3.ifPresent(f -> seen.add("SSL 3.0 (ServerHello version 3.0 choosing " + SmtpTlsProber.suiteName(f.cipherSuite()) + ")"));
        return Optional.of(Finding.of(Rule.TLS_SSL_ENABLED, s).summary(String.join(" and ", seen) + " accepted by " + s)
                .detail("the server answered a hand-built " + (ssl2.isPresent() ? "SSL 2.0 CLIENT-HELLO" : "SSL 3.0 ClientHello")
                        + " by agreeing to that version")
                .why("SSL 2.0 (RFC 6176) and SSL 3.0 (RFC 7568, POODLE) are broken and prohibited.").evidence(rawEv).build());
    }

    /** What the server answered to each hand-built hello. */
    private static List<Evidence> rawEvidence(SmtpProbeResult r, Instant now) {
        List<Evidence> ev = new ArrayList<>();
        for (RawHandshake h : r.rawHandshakes().values()) {
            String answer;
            if (h.flight().isEmpty()) {
                answer = h.error();
            } else {
                ServerFlight f = h.flight().get();
                answer = switch (f.kind()) {
                    case CLOSED -> "connection closed";
                    case ALERT -> "alert " + f.alert();
                    case SSL2_HELLO -> String.format("SSL 2.0 SERVER-HELLO version %04x", f.version());
                    case HELLO -> String.format("ServerHello version %04x suite %s compression %d%s%s", f.version(),
                            SmtpTlsProber.suiteName(f.cipherSuite()), f.compression(),
                            f.hasExtension(ServerFlight.EXT_RENEGOTIATION_INFO) ? " renegotiation_info" : "",
                            f.keyExchange().map(k -> (k.dhBits() > 0 ? "; DH " + k.dhBits() + " bits" : "; curve " + k.namedCurve())
                                    + "; signed " + k.signatureName()).orElse(""));
                };
            }
            ev.add(new Evidence("smtp " + r.address() + " STARTTLS hand-built " + h.offered(), h.flight().isPresent() ? "answered" : "no answer",
                    List.of(answer), r.address(), now));
        }
        ev.sort((x, y) -> x.query().compareTo(y.query()));
        return ev;
    }

    /**
     * CHECKS.md TLS-WEAK-DH: X25519 (29), X448 (30), secp256r1/384r1/521r1 (23-25), brainpoolP256/384/512r1 (RFC 7027
     * ids 26-28, RFC 8734 TLS 1.3 ids 31-33).
     */
    private static final java.util.Set<Integer> ALLOWED_CURVES = java.util.Set.of(29, 30, 23, 24, 25, 26, 27, 28, 31, 32, 33);

    /** RFC 8422 5.1.1 names of the curves a server might still pick. */
    static String curveName(int id) {
        return switch (id) {
            case 15 -> "secp160k1";
            case 16 -> "secp160r1";
            case 17 -> "secp160r2";
            case 18 -> "secp192k1";
            case 19 -> "secp192r1";
            case 20 -> "secp224k1";
            case 21 -> "secp224r1";
            case 22 -> "secp256k1";
            default -> id >= 1 && id <= 14 ? "a binary curve (sect*, id " + id + ")" : "curve " + id;
        };
    }

    private static boolean ok(SmtpProbeResult r, String name) {
        return r.handshake(name).map(Handshake::completed).orElse(false);
    }
}
