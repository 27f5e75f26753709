package org.mailward.auth.spf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates SPF test worlds for the differential test: one independent case per index (everything of case i lives
 * under {@code c<i>.example.test}), zone texts for knot, and one query per case. Deterministic for a given Random.
 *
 * <p>Mixes: ip4/ip6 with prefixes, a/mx with dual CIDR, include of good, neutral, missing, non-SPF, looping and
 * broken records, redirect (good, missing, looping), exists with %{i} %{ir} %{l} %{v} macros, ptr (validated and
 * not), void lookups, syntax errors, exp= with macros (missing, duplicate, broken), unknown modifiers, qualifiers.
 */
final class SpfCaseGenerator {

    record Query(String ip, String sender, String helo, int caseIndex) {
        @Override
        public String toString() {
            return "ip=" + ip + " sender=" + sender + " helo=" + helo;
        }
    }

    record Generated(Map<String, String> zones, List<Query> queries, List<String> caseZones) {
        String recordOf(Query q) {
            return caseZones.get(q.caseIndex()).strip().replace("\n", "\n            ");
        }
    }

    static final String APEX = "example.test";
    private static final String[] LOCALS = {"alice", "bob", "x-y", "postmaster", "mail.admin"};
    private static final String[] BAD_TERMS = {"ip4:192.0.2.300", "a:", "foo", "-all:x", "mx/33", "include",
        "ip6:zz::1", "exists:%{c}.example.test", "ip4:192.0.2.1/33", "a:nodot", "a//129", "ip4:192.0.02.1",
        "ptr/24", "+-all", "redirect=", "exists", "ip6:2001:db8::1//64", "include:%", "a:foo.1", "a:%{z}.example.test",
        "ip4:192.0.2.1/024", "mx:example.test:25"};
    // Not generated, because pyspf departs from RFC 7208 there (see SpfParserTest for Mailward's answers):
    // "%{d0}" (7.3: the digit MUST be nonzero; pyspf expands it), an unterminated "%{i" (7.1 syntax error; pyspf
    // takes it literally) and a repeated unknown modifier (6: ignored "no matter ... how often"; pyspf permerror).

    private final Random r;
    private final StringBuilder forward = new StringBuilder();
    private StringBuilder current;

    SpfCaseGenerator(Random random) {
        this.r = random;
    }

    Generated generate(int cases) {
        List<Query> queries = new ArrayList<>();
        List<String> caseZones = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            current = new StringBuilder();
            queries.add(generateCase(i));
            caseZones.add(current.toString());
            forward.append(current);
        }
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put(APEX, forward.toString());
        StringBuilder rev4 = new StringBuilder();
        StringBuilder rev6 = new StringBuilder();
        StringBuilder ptrHosts = new StringBuilder();
        for (int x = 1; x <= 20; x++) {
            rev4.append(x).append(".2.0.192.in-addr.arpa. 300 IN PTR p").append(x).append(".ptr.example.test.\n");
            // Two thirds validate (forward A matches), one third does not.
            ptrHosts.append("p").append(x).append(".ptr.example.test. 300 IN A 192.0.2.").append(x % 3 == 0 ? x + 1 : x).append('\n');
            if (x % 4 == 0) {
                rev4.append(x).append(".2.0.192.in-addr.arpa. 300 IN PTR mail.c").append(x).append(".example.test.\n");
            }
        }
        for (int x = 1; x <= 2; x++) {
            String nibbles = Integer.toHexString(x) + ".0.0.0" + ".0.0.0.0".repeat(6) + ".0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.";
            rev6.append(nibbles).append(" 300 IN PTR p6-").append(x).append(".ptr.example.test.\n");
            ptrHosts.append("p6-").append(x).append(".ptr.example.test. 300 IN AAAA 2001:db8::").append(x).append('\n');
        }
        zones.put(APEX, forward + ptrHosts.toString());
        zones.put("2.0.192.in-addr.arpa", rev4.toString());
        zones.put("8.b.d.0.1.0.0.2.ip6.arpa", rev6.toString());
        return new Generated(zones, queries, caseZones);
    }

    private Query generateCase(int i) {
        String p = "c" + i + "." + APEX;
        List<String> terms = new ArrayList<>();
        int n = 1 + r.nextInt(6);
        boolean redirect = false;
        boolean exp = false;
        for (int k = 0; k < n; k++) {
            int kind = r.nextInt(100);
            if (kind < 10) {
                terms.add(qualifier() + "ip4:" + ip4() + (r.nextBoolean() ? "" : "/" + (24 + r.nextInt(9))));
            } else if (kind < 16) {
                terms.add(qualifier() + "ip6:" + ip6() + (r.nextBoolean() ? "" : "/" + (112 + r.nextInt(17))));
            } else if (kind < 28) {
                terms.add(qualifier() + aTerm(p, k));
            } else if (kind < 38) {
                terms.add(qualifier() + mxTerm(p, k));
            } else if (kind < 52) {
                terms.add(qualifier() + "include:" + includeTarget(p, "i" + k));
            } else if (kind < 62) {
                terms.add(qualifier() + existsTerm(p, k));
            } else if (kind < 68) {
                terms.add(qualifier() + switch (r.nextInt(3)) {
                    case 0 -> "ptr";
                    case 1 -> "ptr:ptr.example.test";
                    default -> "ptr:" + p;
                });
            } else if (kind < 72) {
                terms.add(qualifier() + (r.nextBoolean() ? "a:void" + k + "." + p : "mx:void" + k + "." + p));
            } else if (kind < 75) {
                terms.add(BAD_TERMS[r.nextInt(BAD_TERMS.length)]);
            } else if (kind < 86 && !redirect) {
                redirect = true;
                terms.add("redirect=" + redirectTarget(p, k));
            } else if (kind < 94 && !exp) {
                exp = true;
                terms.add("exp=" + expTarget(p, k));
            } else {
                terms.add(r.nextBoolean() ? "moo" + k + "=bar" : "x.y-z_" + k + "=%{d}.%{l}");
            }
        }
        if (r.nextInt(100) < 65) {
            terms.add(qualifier() + "all");
        }
        if (r.nextInt(100) < 4) {
            terms.add("exp=" + expTarget(p, 99)); // possibly a duplicate exp=: permerror
        }
        String domain = p;
        String record = "v=spf1 " + String.join(" ", terms);
        txt(domain, record);
        if (r.nextInt(100) < 3) {
            txt(domain, "v=spf1 -all"); // two SPF records: permerror
        }
        if (r.nextInt(100) < 20) {
            txt(domain, "google-site-verification=abc"); // an unrelated TXT record is ignored
        }
        if (r.nextBoolean()) {
            addresses(domain);
        }
        String ip = r.nextInt(100) < 80 ? ip4() : ip6();
        String local = LOCALS[r.nextInt(LOCALS.length)];
        String sender = local + "@" + domain;
        String helo = "helo." + p;
        if (r.nextInt(100) < 5) {
            sender = ""; // null reverse-path: postmaster@helo, domain = helo
            helo = domain;
        }
        return new Query(ip, sender, helo, i);
    }

    private String aTerm(String p, int k) {
        String cidr = switch (r.nextInt(5)) {
            case 0 -> "/24";
            case 1 -> "//120";
            case 2 -> "/30//126";
            default -> "";
        };
        int v = r.nextInt(10);
        if (v < 3) {
            return "a" + cidr; // the domain itself (has addresses half the time)
        }
        if (v < 5) {
            String host = "%{l}.am" + k + "." + p;
            for (String l : LOCALS) {
                if (r.nextBoolean()) {
                    addresses(l + ".am" + k + "." + p);
                }
            }
            return "a:" + host + cidr;
        }
        String host = "h" + k + "." + p;
        if (r.nextInt(10) < 7) {
            addresses(host);
        }
        return "a:" + host + cidr;
    }

    private String mxTerm(String p, int k) {
        String name = r.nextBoolean() ? p : "m" + k + "." + p;
        int count = r.nextInt(100) < 4 ? 11 : 1 + r.nextInt(3);
        for (int j = 0; j < count; j++) {
            String host = "mx" + k + "-" + j + "." + p;
            line(name + ". 300 IN MX " + (10 * (j + 1)) + " " + host + ".");
            if (r.nextInt(10) < 7) {
                addresses(host);
            }
        }
        String cidr = r.nextInt(4) == 0 ? "/28" : "";
        return (name.equals(p) && r.nextBoolean() ? "mx" : "mx:" + name) + cidr;
    }

    private String existsTerm(String p, int k) {
        String zone = "e" + k + "." + p;
        return switch (r.nextInt(4)) {
            case 0 -> {
                for (int x = 1; x <= 20; x++) {
                    if (r.nextInt(3) == 0) {
                        line("192.0.2." + x + "." + zone + ". 300 IN A 127.0.0.2");
                    }
                }
                yield "exists:%{i}." + zone;
            }
            case 1 -> {
                for (int x = 1; x <= 20; x++) {
                    if (r.nextInt(3) == 0) {
                        line(x + ".2.0.192.in-addr." + zone + ". 300 IN A 127.0.0.2");
                    }
                }
                yield "exists:%{ir}.%{v}." + zone;
            }
            case 2 -> {
                for (String l : LOCALS) {
                    if (r.nextBoolean()) {
                        line(l + "." + zone + ". 300 IN A 127.0.0.2");
                    }
                }
                yield "exists:%{l}." + zone;
            }
            default -> {
                line("admin.mail." + zone + ". 300 IN A 127.0.0.2");
                yield "exists:%{l1r-}.%{l}." + zone; // r transformer and "-" delimiter on the local-part
            }
        };
    }

    private String includeTarget(String p, String label) {
        String t = label + "." + p;
        int roll = r.nextInt(16);
        int kind = roll <= 2 ? 0 : roll <= 4 ? 1 : roll <= 6 ? 2 : roll <= 10 ? roll - 4 : roll <= 12 ? 7 : roll - 5;
        switch (kind) {
            case 0 -> txt(t, "v=spf1 ip4:" + ip4() + "/30 -all");
            case 1 -> txt(t, "v=spf1 ?all");
            case 2 -> {
                txt(t, "v=spf1 a:ia." + t + " ~all");
                addresses("ia." + t);
            }
            case 3 -> { } // no record: permerror
            case 4 -> txt(t, "not an spf record");
            case 5 -> txt(t, "v=spf1 include:" + p); // loop back: the lookup limit ends it
            case 6 -> txt(t, "v=spf1 ip4:192.0.2 -all"); // syntax error
            case 7 -> txt(t, "v=spf1 ip6:" + ip6() + "/120 -all");
            case 8 -> {
                txt(t, "v=spf1 exists:%{i}.ie." + t + " -all");
                for (int x = 1; x <= 20; x += 2) {
                    line("192.0.2." + x + ".ie." + t + ". 300 IN A 127.0.0.2");
                }
            }
            case 9 -> {
                txt(t, "v=spf1 redirect=r2." + t);
                txt("r2." + t, "v=spf1 ip4:192.0.2.0/28 -all");
            }
            default -> txt(t, "v=spf1 a:void." + t + " a:void2." + t + " mx:void3." + t + " +all"); // 3 void lookups
        }
        return t;
    }

    private String redirectTarget(String p, int k) {
        return switch (r.nextInt(5)) {
            case 0 -> p; // redirect to itself: the lookup limit ends it
            case 1 -> "missing" + k + "." + p; // no record: permerror
            default -> includeTarget(p, "r" + k);
        };
    }

    private String expTarget(String p, int k) {
        String t = "exp" + k + "." + p;
        switch (r.nextInt(8)) {
            case 0 -> txt(t, "%{s} is not allowed from %{c} via %{d}");
            case 1 -> txt(t, "See http://example.test/why?s=%{S}&i=%{I}&r=%{r}");
            case 2 -> txt(t, "%{l} at %{o} (helo %{h}, %{v}) -%_%%-%-");
            case 3 -> txt(t, "bad macro %{z} here"); // syntax error: default explanation
            case 4 -> {
                txt(t, "one");
                txt(t, "two"); // two records: default explanation
            }
            case 5 -> { } // missing
            case 6 -> txt(t, "%{ir}.%{v}.arpa %{d2} %{l-}");
            default -> txt(t, "Not authorised.");
        }
        return t;
    }

    private void addresses(String host) {
        int a = r.nextInt(3);
        for (int j = 0; j < a; j++) {
            line(host + ". 300 IN A " + ip4());
        }
        if (r.nextInt(3) == 0) {
            line(host + ". 300 IN AAAA " + ip6());
        }
    }

    private void txt(String name, String text) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < text.length(); s += 200) {
            sb.append(" \"").append(text, s, Math.min(text.length(), s + 200)).append('"');
        }
        line(name + ". 300 IN TXT" + sb);
    }

    private void line(String l) {
        current.append(l).append('\n');
    }

    private String qualifier() {
        int q = r.nextInt(10);
        return q < 5 ? "" : q < 6 ? "+" : q < 8 ? "-" : q < 9 ? "~" : "?";
    }

    private String ip4() {
        return "192.0.2." + (1 + r.nextInt(20));
    }

    private String ip6() {
        return "2001:db8::" + (1 + r.nextInt(5));
    }
}
