package org.mailward.auth.spf;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict of one SPF evaluation and the evidence behind it (RFC 7208 2.6), from which logs, the
 * {@code Received-SPF} header (9.1), Authentication-Results and reports are all rendered.
 *
 * @param result      the verdict
 * @param explanation for {@code fail}: the expanded exp= text of the domain (6.2) or the receiver's default
 * @param explanationFromDomain true when {@code explanation} came from the domain's exp= TXT record
 * @param record      the SPF record of {@code domain} (empty when there was none or DNS failed)
 * @param mechanism   the term that decided the verdict (e.g. {@code ip4:192.0.2.0/24}, {@code include:x}); empty when
 *                    no mechanism matched (default neutral) or on errors
 * @param mechanismDomain the domain whose record holds {@code mechanism} (differs from {@code domain} after redirect=)
 * @param dnsLookups  DNS-querying terms counted against the limit of 10 (4.6.4)
 * @param voidLookups lookups that returned no records (4.6.4, limit 2)
 * @param dnsQueries  DNS questions actually asked during this evaluation
 * @param domain      the domain evaluated (the MAIL FROM domain, or the HELO name)
 * @param identity    which identity was checked
 * @param sender      the {@code <sender>} used (postmaster@helo for a null reverse-path)
 * @param helo        the HELO/EHLO name given
 * @param clientIp    the SMTP client address
 * @param receiver    the receiving host's name (Received-SPF receiver=, the %{r} macro)
 * @param problem     for permerror/temperror/none: why (the precise parse or DNS reason)
 */
public record SpfResult(SpfVerdict result, Optional<String> explanation, boolean explanationFromDomain,
                        Optional<String> record, Optional<String> mechanism, Optional<String> mechanismDomain,
                        int dnsLookups, int voidLookups, int dnsQueries, String domain, Identity identity,
                        String sender, String helo, InetAddress clientIp, String receiver, Optional<String> problem) {

    /** RFC 7208 9.1 {@code identity}: which identity was checked. */
    public enum Identity {
        MAILFROM, HELO;

        public String keyword() {
            return this == MAILFROM ? "mailfrom" : "helo";
        }
    }

    public SpfResult {
        Objects.requireNonNull(result);
        Objects.requireNonNull(explanation);
        Objects.requireNonNull(record);
        Objects.requireNonNull(mechanism);
        Objects.requireNonNull(mechanismDomain);
        Objects.requireNonNull(domain);
        Objects.requireNonNull(identity);
        Objects.requireNonNull(sender);
        Objects.requireNonNull(helo);
        Objects.requireNonNull(clientIp);
        Objects.requireNonNull(receiver);
        Objects.requireNonNull(problem);
    }

    /** The client address in text form (dotted quad or RFC 5952 IPv6). */
    public String clientIpText() {
        return IpLiterals.format(clientIp);
    }

    /** The whole header field, {@code Received-SPF: pass (...) client-ip=...; ...}, on one line. */
    public String receivedSpf() {
        return "Received-SPF: " + receivedSpfValue();
    }

    /**
     * RFC 7208 9.1: {@code result FWS [comment FWS] key-value-list}. Keys: client-ip, envelope-from, helo, problem,
     * receiver, identity, mechanism. Untrusted values are quoted and stripped of control characters.
     */
    public String receivedSpfValue() {
        StringBuilder sb = new StringBuilder();
        sb.append(result.keyword()).append(" (").append(commentText(receiver)).append(": ").append(commentText(comment()))
                .append(')');
        sb.append(" client-ip=").append(value(clientIpText()));
        sb.append("; envelope-from=").append(value(sender));
        if (!helo.isEmpty()) {
            sb.append("; helo=").append(value(helo));
        }
        sb.append("; receiver=").append(value(receiver));
        sb.append("; identity=").append(identity.keyword());
        mechanism.ifPresent(m -> sb.append("; mechanism=").append(value(m)));
        problem.filter(p -> result == SpfVerdict.PERMERROR || result == SpfVerdict.TEMPERROR)
                .ifPresent(p -> sb.append("; problem=").append(value(p)));
        return sb.toString();
    }

    /** The human sentence of RFC 7208 9.1's examples for each result. */
    public String comment() {
        String who = "domain of " + sender;
        String ip = clientIpText();
        return switch (result) {
            case PASS -> who + " designates " + ip + " as permitted sender";
            case FAIL -> who + " does not designate " + ip + " as permitted sender";
            case SOFTFAIL -> "domain of transitioning " + sender + " does not designate " + ip + " as permitted sender";
            case NEUTRAL -> ip + " is neither permitted nor denied by " + who;
            case NONE -> who + " does not designate permitted sender hosts";
            case TEMPERROR -> "error in processing during lookup of " + who
                    + problem.map(p -> ": " + p).orElse("");
            case PERMERROR -> "permanent error in processing " + who + problem.map(p -> ": " + p).orElse("");
        };
    }

    /** RFC 5322 dot-atom when possible, else a quoted-string with \\ and " escaped. */
    static String value(String s) {
        String clean = printable(s);
        if (isDotAtom(clean)) {
            return clean;
        }
        return '"' + clean.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+/=?^_`{|}~-.".indexOf(c) >= 0;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    private static String commentText(String s) {
        return printable(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)");
    }

    /** Keeps a header on one line of printable ASCII: other characters become "?", and it is cut at 512. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < s.length() && k < 512; k++) {
            char c = s.charAt(k);
            sb.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return sb.toString();
    }
}
