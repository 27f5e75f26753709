package org.mailward.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailward.gateway.inbound.Cidr;
import org.mailward.smtp.AddressParser;
import org.mailward.smtp.Parsed;
import org.mailward.smtp.tls.TlsProfile;

/**
 * Reads mailward.yml: YAML into positioned nodes, then every key checked; all errors are collected (not just the
 * first), each with line and column. Unknown keys are errors (a typo must not silently fall back to a default).
 * Relative paths are resolved against the configuration file's directory.
 */
public final class ConfigReader {

    /** Either a configuration or the list of its errors. */
    public record Result(Optional<GatewayConfig> config, List<ConfigError> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean valid() {
            return errors.isEmpty() && config.isPresent();
        }
    }

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    public static final List<GatewayConfig.SecureDeliveryRule> GUIDANCE_RULES = List.of(
            new GatewayConfig.SecureDeliveryRule("*.gsi.gov.uk", "enforced-strict"),
            new GatewayConfig.SecureDeliveryRule("*.gsx.gov.uk", "enforced-strict"),
            new GatewayConfig.SecureDeliveryRule("*.gse.gov.uk", "enforced-strict"),
            new GatewayConfig.SecureDeliveryRule("*.gcsx.gov.uk", "enforced-strict"));

    private final List<ConfigError> errors = new ArrayList<>();
    private final Path baseDir;

    private ConfigReader(Path baseDir) {
        this.baseDir = baseDir;
    }

    public static Result read(String yaml, Path baseDir) {
        ConfigReader r = new ConfigReader(baseDir);
        YamlNode root;
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Result(Optional.empty(), List.of(new ConfigError(1, 1, "the configuration file is empty")));
            }
            root = node(p);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            return new Result(Optional.empty(), List.of(new ConfigError(l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                    "YAML syntax: " + e.getOriginalMessage())));
        } catch (IOException e) {
            return new Result(Optional.empty(), List.of(new ConfigError(0, 0, "cannot read: " + e.getMessage())));
        }
        GatewayConfig c = r.config(root);
        return new Result(r.errors.isEmpty() ? Optional.of(c) : Optional.empty(), r.errors);
    }

    private static YamlNode node(JsonParser p) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        int line = l.getLineNr();
        int col = l.getColumnNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, YamlNode> m = new LinkedHashMap<>();
            Map<String, int[]> pos = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonLocation kl = p.currentTokenLocation();
                p.nextToken();
                if (m.containsKey(k)) {
                    throw new JsonProcessingException("duplicate key '" + k + "'", kl) { private static final long serialVersionUID = 1L; };
                }
                pos.put(k, new int[] {kl.getLineNr(), kl.getColumnNr()});
                m.put(k, node(p));
            }
            return new YamlNode.Map_(m, pos, line, col);
        }
        if (t == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(node(p));
            }
            return new YamlNode.Seq(items, line, col);
        }
        return new YamlNode.Scalar(t == JsonToken.VALUE_NULL ? "" : p.getText(), t == JsonToken.VALUE_NULL, line, col);
    }

    private void error(YamlNode n, String message) {
        errors.add(new ConfigError(n.line(), n.column(), message));
    }

    private Optional<YamlNode.Map_> map(YamlNode n, String what, Set<String> keys) {
        if (!(n instanceof YamlNode.Map_ m)) {
            error(n, what + " must be a mapping, not " + n.kind());
            return Optional.empty();
        }
        for (Map.Entry<String, int[]> e : m.keyPositions().entrySet()) {
            if (!keys.contains(e.getKey())) {
                errors.add(new ConfigError(e.getValue()[0], e.getValue()[1], "unknown key '" + e.getKey() + "' in " + what
                        + " (known: " + String.join(", ", keys.stream().sorted().toList()) + ")"));
            }
        }
        return Optional.of(m);
    }

    private Optional<String> string(YamlNode.Map_ m, String key, String what) {
        YamlNode n = m.entries().get(key);
        if (n == null || (n instanceof YamlNode.Scalar s && s.isNull())) {
            return Optional.empty();
        }
        if (!(n instanceof YamlNode.Scalar s)) {
            error(n, what + "." + key + " must be a scalar, not " + n.kind());
            return Optional.empty();
        }
        return Optional.of(s.text());
    }

    private YamlNode at(YamlNode.Map_ m, String key) {
        YamlNode n = m.entries().get(key);
        return n == null ? m : n;
    }

    private long number(YamlNode.Map_ m, String key, String what, long def, long min, long max) {
        Optional<String> s = string(m, key, what);
        if (s.isEmpty()) {
            return def;
        }
        String t = s.get().trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1024;
        } else if (t.endsWith("M")) {
            mult = 1024 * 1024;
        }
        if (mult > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t) * mult;
            if (v < min || v > max) {
                error(at(m, key), what + "." + key + " must be between " + min + " and " + max);
                return def;
            }
            return v;
        } catch (NumberFormatException e) {
            error(at(m, key), what + "." + key + " must be a number, not '" + s.get() + "'");
            return def;
        }
    }

    private Duration duration(YamlNode.Map_ m, String key, String what, Duration def) {
        Optional<String> s = string(m, key, what);
        if (s.isEmpty()) {
            return def;
        }
        Matcher x = DURATION.matcher(s.get().trim());
        if (!x.matches()) {
            error(at(m, key), what + "." + key + ": '" + s.get() + "' is not a duration (e.g. 300s, 5m, 1h, 5d, 500ms)");
            return def;
        }
        String unit = x.group(2) == null ? "s" : x.group(2);
        try {
            long v = Long.parseLong(x.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(v);
                case "m" -> Duration.ofMinutes(v);
                case "h" -> Duration.ofHours(v);
                case "d" -> Duration.ofDays(v);
                default -> Duration.ofSeconds(v);
            };
        } catch (NumberFormatException | ArithmeticException e) { // more digits than a duration can hold
            error(at(m, key), what + "." + key + ": '" + s.get() + "' is too large");
            return def;
        }
    }

    private List<YamlNode> list(YamlNode.Map_ m, String key, String what) {
        YamlNode n = m.entries().get(key);
        if (n == null || (n instanceof YamlNode.Scalar s && s.isNull())) {
            return List.of();
        }
        if (!(n instanceof YamlNode.Seq s)) {
            error(n, what + "." + key + " must be a list, not " + n.kind());
            return List.of();
        }
        return s.items();
    }

    private Optional<String> domain(YamlNode n, String text, String what) {
        Parsed<String> d = AddressParser.parseDomain(text.trim(), true);
        if (!d.isOk()) {
            error(n, what + ": '" + text + "' is not a domain: " + d.errorMessage());
            return Optional.empty();
        }
        return Optional.of(d.value());
    }

    private GatewayConfig config(YamlNode root) {
        Optional<YamlNode.Map_> om = map(root, "the configuration", Set.of("hostname", "dataDir", "tls", "listeners",
                "localDomains", "relayNetworks", "users", "limits", "delivery", "dkim", "disclaimers", "authentication", "database",
                "metrics", "failureReports", "doctor", "dashboard", "reportGeneration", "reflector", "reports"));
        if (om.isEmpty()) {
            return null;
        }
        YamlNode.Map_ m = om.get();
        String hostname = string(m, "hostname", "config").orElse("");
        if (hostname.isEmpty()) {
            error(m, "hostname is required (our name in the SMTP greeting, EHLO and Received headers)");
        } else {
            domain(at(m, "hostname"), hostname, "hostname");
        }
        Optional<Path> dataDir = string(m, "dataDir", "config").map(baseDir::resolve);
        GatewayConfig.Tls tls = tls(m.entries().get("tls"));
        List<GatewayConfig.Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode n : list(m, "listeners", "config")) {
            listener(n, tls).ifPresent(l -> {
                if (!names.add(l.name())) {
                    error(n, "listener name '" + l.name() + "' used twice");
                }
                listeners.add(l);
            });
        }
        if (listeners.isEmpty() && !m.entries().containsKey("listeners")) {
            error(m, "listeners: at least one listener is required");
        }
        List<GatewayConfig.LocalDomain> locals = new ArrayList<>();
        for (YamlNode n : list(m, "localDomains", "config")) {
            map(n, "localDomains[]", Set.of("domain", "route")).ifPresent(d -> {
                Optional<String> dom = string(d, "domain", "localDomains[]").flatMap(x -> domain(at(d, "domain"), x, "localDomains[].domain"));
                Optional<String> route = string(d, "route", "localDomains[]");
                if (route.isEmpty()) {
                    error(d, "localDomains[].route is required: the internal server as host:port");
                    return;
                }
                int colon = route.get().lastIndexOf(':');
                if (colon <= 0) {
                    error(at(d, "route"), "localDomains[].route must be host:port, not '" + route.get() + "'");
                    return;
                }
                String host = route.get().substring(0, colon).replaceAll("^\\[|\\]$", "");
                int port;
                try {
                    port = Integer.parseInt(route.get().substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    error(at(d, "route"), "localDomains[].route port must be 1-65535");
                    return;
                }
                dom.ifPresent(x -> locals.add(new GatewayConfig.LocalDomain(x, host, port)));
            });
        }
        List<Cidr> nets = new ArrayList<>();
        for (YamlNode n : list(m, "relayNetworks", "config")) {
            if (!(n instanceof YamlNode.Scalar s) || Cidr.parse(s.text()).isEmpty()) {
                error(n, "relayNetworks: not an address or CIDR block (e.g. 192.0.2.0/24, 2001:db8::/32)");
            } else {
                nets.add(Cidr.parse(s.text()).get());
            }
        }
        List<GatewayConfig.User> users = new ArrayList<>();
        for (YamlNode n : list(m, "users", "config")) {
            map(n, "users[]", Set.of("name", "passwordHash")).ifPresent(u -> {
                Optional<String> name = string(u, "name", "users[]");
                Optional<String> hash = string(u, "passwordHash", "users[]");
                if (name.isEmpty() || hash.isEmpty()) {
                    error(u, "users[] needs name and passwordHash");
                } else if (!PasswordHash.wellFormed(hash.get())) {
                    error(at(u, "passwordHash"), "users[].passwordHash must be pbkdf2-sha256$ITERATIONS$SALT$HASH (mailward config hash-password)");
                } else {
                    users.add(new GatewayConfig.User(name.get(), hash.get()));
                }
            });
        }
        if (users.isEmpty()) {
            for (YamlNode n : list(m, "listeners", "config")) {
                if (n instanceof YamlNode.Map_ lm && string(lm, "kind", "listeners[]").orElse("").equals("submission")) {
                    error(at(lm, "kind"), "a submission listener accepts mail only after AUTH: define users (mailward config hash-password)");
                }
            }
        }
        GatewayConfig.Limits limits = limits(m.entries().get("limits"));
        GatewayConfig.Delivery delivery = delivery(m.entries().get("delivery"));
        List<GatewayConfig.DkimDefinition> dkim = dkim(m);
        List<GatewayConfig.Disclaimer> disclaimers = disclaimers(m);
        GatewayConfig.Authentication authentication = authentication(m.entries().get("authentication"));
        Optional<String> database = string(m, "database", "config");
        if (database.isPresent() && !database.get().startsWith("jdbc:h2:") && !database.get().startsWith("jdbc:postgresql:")) {
            error(at(m, "database"), "database must be a JDBC URL starting jdbc:postgresql: or jdbc:h2: (default: H2 under the data directory)");
        }
        Optional<GatewayConfig.MetricsEndpoint> metrics = metrics(m.entries().get("metrics"));
        GatewayConfig.FailureReports failureReports = failureReports(m.entries().get("failureReports"));
        GatewayConfig.Serve serve = new GatewayConfig.Serve(doctorSchedule(m.entries().get("doctor")),
                dashboard(m.entries().get("dashboard")), reportSchedule(m.entries().get("reportGeneration")));
        GatewayConfig.Reflector reflector = reflector(m.entries().get("reflector"), locals);
        GatewayConfig.Reports reports = reports(m.entries().get("reports"));
        return new GatewayConfig(hostname, dataDir, tls, listeners, locals, nets, users, limits, delivery, dkim, disclaimers,
                authentication, database, metrics, failureReports, serve, reflector, reports);
    }

    /** {@code failureReports}: DMARC failure reports about inbound mail (off by default; privacy). */
    private GatewayConfig.FailureReports failureReports(YamlNode n) {
        GatewayConfig.FailureReports def = GatewayConfig.FailureReports.defaults();
        if (n == null) {
            return def;
        }
        Optional<YamlNode.Map_> om = map(n, "failureReports", Set.of("enabled", "redact", "maxPerDomainPerHour", "reporter", "envelopeSender"));
        if (om.isEmpty()) {
            return def;
        }
        YamlNode.Map_ m = om.get();
        boolean enabled = bool(m, "enabled", "failureReports", def.enabled());
        boolean headersOnly = def.headersOnly();
        boolean localParts = def.redactLocalParts();
        YamlNode r = m.entries().get("redact");
        if (r != null && !(r instanceof YamlNode.Scalar rs && rs.isNull())) {
            List<YamlNode> items = r instanceof YamlNode.Seq seq ? seq.items() : List.of(r);
            Set<String> seen = new HashSet<>();
            for (YamlNode item : items) {
                if (!(item instanceof YamlNode.Scalar sc)) {
                    error(item, "failureReports.redact: expected none, headers-only or localparts, not " + item.kind());
                    continue;
                }
                String v = sc.text().trim();
                if (!Set.of("none", "headers-only", "localparts").contains(v)) {
                    error(item, "failureReports.redact: '" + v + "' is not one of none, headers-only, localparts");
                } else {
                    seen.add(v);
                }
            }
            if (seen.contains("none") && seen.size() > 1) {
                error(r, "failureReports.redact: none cannot be combined with headers-only or localparts");
            }
            if (!seen.isEmpty()) {
                headersOnly = seen.contains("headers-only");
                localParts = seen.contains("localparts");
            }
        }
        int max = (int) number(m, "maxPerDomainPerHour", "failureReports", def.maxPerDomainPerHour(), 0, 100_000);
        Optional<String> orgName = Optional.empty();
        Optional<String> email = Optional.empty();
        YamlNode rep = m.entries().get("reporter");
        if (rep != null) {
            Optional<YamlNode.Map_> rm = map(rep, "failureReports.reporter", Set.of("orgName", "email"));
            if (rm.isPresent()) {
                orgName = string(rm.get(), "orgName", "failureReports.reporter").filter(x -> !x.isBlank());
                email = string(rm.get(), "email", "failureReports.reporter");
                if (email.isPresent()) {
                    Parsed<org.mailward.smtp.Mailbox> p = AddressParser.parseMailbox(email.get().trim(), false);
                    if (!p.isOk()) {
                        error(at(rm.get(), "email"), "failureReports.reporter.email: '" + email.get() + "' is not an address: " + p.errorMessage());
                        email = Optional.empty();
                    } else {
                        email = Optional.of(email.get().trim());
                    }
                }
            }
        }
        String sender = string(m, "envelopeSender", "failureReports").orElse("reporter").trim();
        if (!sender.equals("reporter") && !sender.equals("null")) {
            error(at(m, "envelopeSender"), "failureReports.envelopeSender must be reporter or null, not '" + sender + "'");
        }
        return new GatewayConfig.FailureReports(enabled, headersOnly, localParts, max, orgName, email, sender.equals("null"));
    }

    /** {@code reports: {addresses: [...], relay: false}}: report addresses whose mail goes to report ingest. */
    private GatewayConfig.Reports reports(YamlNode n) {
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return GatewayConfig.Reports.none();
        }
        Optional<YamlNode.Map_> om = map(n, "reports", Set.of("addresses", "relay"));
        if (om.isEmpty()) {
            return GatewayConfig.Reports.none();
        }
        List<String> addresses = new ArrayList<>();
        for (YamlNode x : list(om.get(), "addresses", "reports")) {
            if (!(x instanceof YamlNode.Scalar sc) || sc.isNull()) {
                error(x, "reports.addresses: an e-mail address (local-part@domain), not " + x.kind());
                continue;
            }
            Parsed<org.mailward.smtp.Mailbox> mb = AddressParser.parseMailbox(sc.text().trim(), true);
            if (!mb.isOk() || mb.value().isPostmasterOnly()) {
                error(x, "reports.addresses: '" + sc.text() + "' is not an address (local-part@domain)"
                        + (mb.isOk() ? "" : ": " + mb.errorMessage()));
                continue;
            }
            String a = mb.value().address().toLowerCase(Locale.ROOT);
            if (addresses.contains(a)) {
                error(x, "reports.addresses: '" + sc.text() + "' is listed twice");
                continue;
            }
            addresses.add(a);
        }
        if (addresses.isEmpty() && om.get().entries().containsKey("addresses")) {
            error(at(om.get(), "addresses"), "reports.addresses: list at least one address (or remove reports)");
        }
        return new GatewayConfig.Reports(addresses, flag(om.get(), "relay", "reports", false));
    }

    private static final Set<String> ACTION_KEYS = Set.of("spfFail", "spfSoftfail", "dkimFail", "dmarcFail", "honourDmarcPolicy");

    /** {@code authentication}: inbound DNS Authentication actions, defaults the UK baseline (honour DMARC). */
    private GatewayConfig.Authentication authentication(YamlNode n) {
        GatewayConfig.Authentication def = GatewayConfig.Authentication.defaults();
        if (n == null) {
            return def;
        }
        Set<String> keys = new HashSet<>(ACTION_KEYS);
        keys.addAll(Set.of("enabled", "subjectTag", "tagHeader", "overrides", "trustedArcSealers"));
        Optional<YamlNode.Map_> om = map(n, "authentication", keys);
        if (om.isEmpty()) {
            return def;
        }
        YamlNode.Map_ m = om.get();
        boolean enabled = bool(m, "enabled", "authentication", true);
        GatewayConfig.AuthActions actions = actions(m, "authentication", def.actions());
        String subjectTag = string(m, "subjectTag", "authentication").orElse(def.subjectTag());
        if (subjectTag.indexOf('\r') >= 0 || subjectTag.indexOf('\n') >= 0) {
            error(at(m, "subjectTag"), "authentication.subjectTag must be one line");
            subjectTag = def.subjectTag();
        }
        String tagHeader = string(m, "tagHeader", "authentication").orElse(def.tagHeader());
        if (!tagHeader.matches("[A-Za-z0-9-]+")) {
            error(at(m, "tagHeader"), "authentication.tagHeader must be a header field name (letters, digits, hyphens), not '" + tagHeader + "'");
            tagHeader = def.tagHeader();
        }
        List<String> sealers = new ArrayList<>();
        for (YamlNode x : list(m, "trustedArcSealers", "authentication")) {
            if (x instanceof YamlNode.Scalar sc) {
                domain(x, sc.text(), "authentication.trustedArcSealers").ifPresent(sealers::add);
            } else {
                error(x, "authentication.trustedArcSealers: a domain name, not " + x.kind());
            }
        }
        List<GatewayConfig.AuthOverride> overrides = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode x : list(m, "overrides", "authentication")) {
            Set<String> ok = new HashSet<>(ACTION_KEYS);
            ok.addAll(Set.of("name", "senderDomains", "networks", "allow"));
            map(x, "authentication.overrides[]", ok).ifPresent(o -> {
                String what = "authentication.overrides[]";
                String name = string(o, "name", what).orElse("");
                if (name.isEmpty()) {
                    error(o, what + ".name is required (it is logged when the override changes an action)");
                } else if (!names.add(name)) {
                    error(at(o, "name"), what + ": name '" + name + "' used twice");
                }
                List<String> domains = new ArrayList<>();
                for (YamlNode d : list(o, "senderDomains", what)) {
                    String t = d instanceof YamlNode.Scalar sc ? sc.text().trim() : "";
                    String bare = t.startsWith("*.") ? t.substring(2) : t;
                    domain(d, bare, what + ".senderDomains").ifPresent(v -> domains.add(t.startsWith("*.") ? "*." + v : v));
                }
                List<Cidr> nets = new ArrayList<>();
                for (YamlNode c : list(o, "networks", what)) {
                    Optional<Cidr> cidr = c instanceof YamlNode.Scalar sc ? Cidr.parse(sc.text().trim()) : Optional.empty();
                    if (cidr.isEmpty()) {
                        error(c, what + ".networks: not an address or CIDR block (e.g. 192.0.2.0/24, 2001:db8::/32)");
                    } else {
                        nets.add(cidr.get());
                    }
                }
                if (list(o, "senderDomains", what).isEmpty() && list(o, "networks", what).isEmpty()) {
                    error(o, what + " needs senderDomains or networks (or both): an override for everything is the default actions");
                }
                boolean allow = bool(o, "allow", what, false);
                boolean hasAction = ACTION_KEYS.stream().anyMatch(k -> o.entries().containsKey(k));
                if (allow && hasAction) {
                    error(o, what + ": allow: true sets every action to none; do not give actions as well");
                }
                GatewayConfig.AuthActions a = allow ? GatewayConfig.AuthActions.allowed() : actions(o, what, actions);
                overrides.add(new GatewayConfig.AuthOverride(name, domains, nets, a, allow));
            });
        }
        return new GatewayConfig.Authentication(enabled, actions, subjectTag, tagHeader, overrides, sealers);
    }

    private GatewayConfig.AuthActions actions(YamlNode.Map_ m, String what, GatewayConfig.AuthActions base) {
        return new GatewayConfig.AuthActions(
                action(m, "spfFail", what, base.spfFail()),
                action(m, "spfSoftfail", what, base.spfSoftfail()),
                action(m, "dkimFail", what, base.dkimFail()),
                action(m, "dmarcFail", what, base.dmarcFail()),
                bool(m, "honourDmarcPolicy", what, base.honourDmarcPolicy()));
    }

    private GatewayConfig.AuthAction action(YamlNode.Map_ m, String key, String what, GatewayConfig.AuthAction def) {
        Optional<String> s = string(m, key, what);
        if (s.isEmpty()) {
            return def;
        }
        for (GatewayConfig.AuthAction a : GatewayConfig.AuthAction.values()) {
            if (a.keyword().equals(s.get().trim())) {
                return a;
            }
        }
        error(at(m, key), what + "." + key + " must be none, tag, quarantine or reject, not '" + s.get() + "'");
        return def;
    }

    private boolean bool(YamlNode.Map_ m, String key, String what, boolean def) {
        Optional<String> s = string(m, key, what);
        if (s.isEmpty()) {
            return def;
        }
        return switch (s.get().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error(at(m, key), what + "." + key + " must be true or false, not '" + s.get() + "'");
                yield def;
            }
        };
    }

    /** {@code dkim[]}: signing definitions; the key file is read and checked against the algorithm here. */
    private List<GatewayConfig.DkimDefinition> dkim(YamlNode.Map_ root) {
        List<GatewayConfig.DkimDefinition> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode n : list(root, "dkim", "config")) {
            map(n, "dkim[]", Set.of("domain", "selector", "keyFile", "algorithm")).ifPresent(d -> {
                Optional<String> dom = string(d, "domain", "dkim[]");
                Optional<String> sel = string(d, "selector", "dkim[]");
                Optional<String> file = string(d, "keyFile", "dkim[]");
                String algText = string(d, "algorithm", "dkim[]").orElse("rsa-sha256");
                if (dom.isEmpty() || sel.isEmpty() || file.isEmpty()) {
                    error(d, "dkim[] needs domain, selector and keyFile");
                    return;
                }
                Optional<String> domain = domain(at(d, "domain"), dom.get(), "dkim[].domain");
                String selector = sel.get().trim().toLowerCase(Locale.ROOT);
                if (!org.mailward.auth.dkim.DomainNames.isValidSelector(selector)) {
                    error(at(d, "selector"), "dkim[].selector: '" + sel.get() + "' is not a valid selector (dot-separated labels)");
                    return;
                }
                Optional<org.mailward.auth.dkim.DkimAlgorithm> alg = org.mailward.auth.dkim.DkimAlgorithm.fromToken(algText.trim().toLowerCase(Locale.ROOT))
                        .filter(a -> a != org.mailward.auth.dkim.DkimAlgorithm.RSA_SHA1);
                if (alg.isEmpty()) {
                    error(at(d, "algorithm"), "dkim[].algorithm must be rsa-sha256 or ed25519-sha256, not '" + algText + "'");
                    return;
                }
                Path keyFile = baseDir.resolve(file.get());
                String pem;
                try {
                    pem = java.nio.file.Files.readString(keyFile, java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (IOException | RuntimeException e) {
                    error(at(d, "keyFile"), "dkim[].keyFile: cannot read " + file.get() + ": " + e.getMessage());
                    return;
                }
                Optional<java.security.PrivateKey> key = org.mailward.auth.dkim.DkimKeys.readPrivateKey(pem);
                if (key.isEmpty()) {
                    error(at(d, "keyFile"), "dkim[].keyFile: " + file.get() + " is not a private key (PEM PKCS#8, PEM PKCS#1 RSA or base64 Ed25519 seed)");
                    return;
                }
                if (org.mailward.auth.dkim.DkimKeys.algorithmFor(key.get()) != alg.get()) {
                    error(at(d, "algorithm"), "dkim[].algorithm " + alg.get().token() + " does not fit the key in " + file.get()
                            + " (a " + key.get().getAlgorithm() + " key signs " + org.mailward.auth.dkim.DkimKeys.algorithmFor(key.get()).token() + ")");
                    return;
                }
                if (domain.isEmpty()) {
                    return;
                }
                if (!seen.add(selector + "._domainkey." + domain.get())) {
                    error(d, "dkim[]: selector '" + selector + "' of " + domain.get() + " defined twice");
                    return;
                }
                out.add(new GatewayConfig.DkimDefinition(domain.get(), selector, keyFile, alg.get(), key.get()));
            });
        }
        return out;
    }

    /** {@code disclaimers[]}: one footer per sender (From) domain. */
    private List<GatewayConfig.Disclaimer> disclaimers(YamlNode.Map_ root) {
        List<GatewayConfig.Disclaimer> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode n : list(root, "disclaimers", "config")) {
            map(n, "disclaimers[]", Set.of("domain", "text", "html")).ifPresent(d -> {
                Optional<String> dom = string(d, "domain", "disclaimers[]");
                String text = string(d, "text", "disclaimers[]").orElse("");
                String html = string(d, "html", "disclaimers[]").orElse("");
                if (dom.isEmpty()) {
                    error(d, "disclaimers[].domain is required");
                    return;
                }
                if (text.isBlank() && html.isBlank()) {
                    error(d, "disclaimers[] needs text or html (or both)");
                    return;
                }
                Optional<String> domain = domain(at(d, "domain"), dom.get(), "disclaimers[].domain");
                if (domain.isEmpty()) {
                    return;
                }
                if (!seen.add(domain.get())) {
                    error(at(d, "domain"), "disclaimers[]: domain " + domain.get() + " has two disclaimers");
                    return;
                }
                out.add(new GatewayConfig.Disclaimer(domain.get(), text, html));
            });
        }
        return out;
    }

    private GatewayConfig.Tls tls(YamlNode n) {
        Map<String, TlsProfile> profiles = new LinkedHashMap<>();
        profiles.put("ncsc", TlsProfile.ncsc());
        profiles.put("tls13", TlsProfile.tls13Only());
        if (n == null) {
            return new GatewayConfig.Tls(Optional.empty(), Optional.empty(), "ncsc", profiles, Duration.ofSeconds(60));
        }
        Optional<YamlNode.Map_> om = map(n, "tls", Set.of("certificate", "key", "profile", "profiles", "reloadCheck"));
        if (om.isEmpty()) {
            return new GatewayConfig.Tls(Optional.empty(), Optional.empty(), "ncsc", profiles, Duration.ofSeconds(60));
        }
        YamlNode.Map_ m = om.get();
        Optional<Path> cert = string(m, "certificate", "tls").map(baseDir::resolve);
        Optional<Path> key = string(m, "key", "tls").map(baseDir::resolve);
        if (cert.isPresent() != key.isPresent()) {
            error(m, "tls: give both certificate and key, or neither (then a self-signed certificate is generated)");
        }
        YamlNode pn = m.entries().get("profiles");
        if (pn != null) {
            map(pn, "tls.profiles", Set.copyOf(pn instanceof YamlNode.Map_ pm ? pm.entries().keySet() : Set.of())).ifPresent(pm -> {
                for (Map.Entry<String, YamlNode> e : pm.entries().entrySet()) {
                    map(e.getValue(), "tls.profiles." + e.getKey(), Set.of("protocols", "cipherSuites")).ifPresent(p -> {
                        List<String> protos = new ArrayList<>();
                        for (YamlNode x : list(p, "protocols", "tls.profiles." + e.getKey())) {
                            String v = x instanceof YamlNode.Scalar s ? s.text() : "";
                            if (!Set.of("TLSv1.2", "TLSv1.3").contains(v)) {
                                error(x, "tls.profiles." + e.getKey() + ".protocols: only TLSv1.2 and TLSv1.3 are allowed (the standard requires TLS 1.2+), not '" + v + "'");
                            } else {
                                protos.add(v);
                            }
                        }
                        List<String> suites = new ArrayList<>();
                        Set<String> known = supportedSuites();
                        for (YamlNode x : list(p, "cipherSuites", "tls.profiles." + e.getKey())) {
                            String v = x instanceof YamlNode.Scalar s ? s.text() : "";
                            if (!known.contains(v)) {
                                error(x, "tls.profiles." + e.getKey() + ".cipherSuites: '" + v + "' is not a cipher suite this JDK supports");
                            } else {
                                suites.add(v);
                            }
                        }
                        if (protos.isEmpty() || suites.isEmpty()) {
                            error(e.getValue(), "tls.profiles." + e.getKey() + " needs protocols and cipherSuites");
                        } else {
                            profiles.put(e.getKey(), new TlsProfile(e.getKey(), protos, suites));
                        }
                    });
                }
            });
        }
        String def = string(m, "profile", "tls").orElse("ncsc");
        if (!profiles.containsKey(def)) {
            error(at(m, "profile"), "tls.profile: unknown profile '" + def + "' (known: " + String.join(", ", profiles.keySet()) + ")");
            def = "ncsc";
        }
        return new GatewayConfig.Tls(cert, key, def, profiles, duration(m, "reloadCheck", "tls", Duration.ofSeconds(60)));
    }

    private static Set<String> supportedSuites() {
        try {
            return Set.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            return Set.of();
        }
    }

    private Optional<GatewayConfig.Listener> listener(YamlNode n, GatewayConfig.Tls tls) {
        Optional<YamlNode.Map_> om = map(n, "listeners[]", Set.of("name", "address", "port", "kind", "tls", "tlsProfile"));
        if (om.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Map_ m = om.get();
        String name = string(m, "name", "listeners[]").orElse("");
        if (name.isEmpty()) {
            error(m, "listeners[].name is required");
        }
        String address = string(m, "address", "listeners[]").orElse("127.0.0.1");
        if (Cidr.parse(address).isEmpty() || address.contains("/")) {
            error(at(m, "address"), "listeners[].address must be an IP address, not '" + address + "'");
        }
        int port = (int) number(m, "port", "listeners[]", -1, 0, 65535);
        if (!m.entries().containsKey("port")) {
            error(m, "listeners[].port is required");
        }
        GatewayConfig.ListenerKind kind = GatewayConfig.ListenerKind.INBOUND;
        Optional<String> k = string(m, "kind", "listeners[]");
        if (k.isPresent()) {
            switch (k.get()) {
                case "inbound" -> kind = GatewayConfig.ListenerKind.INBOUND;
                case "submission" -> kind = GatewayConfig.ListenerKind.SUBMISSION;
                default -> error(at(m, "kind"), "listeners[].kind must be inbound or submission, not '" + k.get() + "'");
            }
        }
        GatewayConfig.TlsPolicy policy = kind == GatewayConfig.ListenerKind.SUBMISSION ? GatewayConfig.TlsPolicy.REQUIRED : GatewayConfig.TlsPolicy.OPPORTUNISTIC;
        Optional<String> t = string(m, "tls", "listeners[]");
        if (t.isPresent()) {
            switch (t.get()) {
                case "opportunistic" -> policy = GatewayConfig.TlsPolicy.OPPORTUNISTIC;
                case "required" -> policy = GatewayConfig.TlsPolicy.REQUIRED;
                default -> error(at(m, "tls"), "listeners[].tls must be opportunistic or required, not '" + t.get() + "'");
            }
        }
        String profile = string(m, "tlsProfile", "listeners[]").orElse(tls.defaultProfile());
        if (!tls.profiles().containsKey(profile)) {
            error(at(m, "tlsProfile"), "listeners[].tlsProfile: unknown profile '" + profile + "'");
        }
        return Optional.of(new GatewayConfig.Listener(name, address, port, kind, policy, profile));
    }

    private GatewayConfig.Limits limits(YamlNode n) {
        YamlNode.Map_ m = n == null ? new YamlNode.Map_(Map.of(), Map.of(), 0, 0)
                : map(n, "limits", Set.of("maxMessageSize", "maxRecipients", "maxErrors", "commandTimeout", "dataTimeout",
                        "greetPause", "hookTimeout", "maxConnections")).orElse(new YamlNode.Map_(Map.of(), Map.of(), 0, 0));
        return new GatewayConfig.Limits(
                number(m, "maxMessageSize", "limits", 25L * 1024 * 1024, 1024, 1L << 31),
                (int) number(m, "maxRecipients", "limits", 100, 1, 100000),
                (int) number(m, "maxErrors", "limits", 10, 1, 1000),
                duration(m, "commandTimeout", "limits", Duration.ofMinutes(5)),
                duration(m, "dataTimeout", "limits", Duration.ofMinutes(3)),
                duration(m, "greetPause", "limits", Duration.ZERO),
                duration(m, "hookTimeout", "limits", Duration.ofSeconds(20)),
                (int) number(m, "maxConnections", "limits", 1000, 1, 100000));
    }

    private GatewayConfig.Delivery delivery(YamlNode n) {
        YamlNode.Map_ m = n == null ? new YamlNode.Map_(Map.of(), Map.of(), 0, 0)
                : map(n, "delivery", Set.of("firstRetry", "maxRetryInterval", "maxQueueLifetime", "concurrencyPerDestination",
                        "connectTimeout", "secureDelivery", "mxPort", "mtaSts", "dane", "delayWarning")).orElse(new YamlNode.Map_(Map.of(), Map.of(), 0, 0));
        List<GatewayConfig.SecureDeliveryRule> rules = new ArrayList<>();
        boolean given = m.entries().containsKey("secureDelivery");
        for (YamlNode r : list(m, "secureDelivery", "delivery")) {
            map(r, "delivery.secureDelivery[]", Set.of("domain", "policy")).ifPresent(rm -> {
                String d = string(rm, "domain", "secureDelivery[]").orElse("");
                String p = string(rm, "policy", "secureDelivery[]").orElse("");
                String bare = d.startsWith("*.") ? d.substring(2) : d;
                if (d.isEmpty() || domain(at(rm, "domain"), bare, "secureDelivery[].domain").isEmpty()) {
                    if (d.isEmpty()) {
                        error(rm, "secureDelivery[].domain is required (a domain or *.domain)");
                    }
                    return;
                }
                if (!Set.of("opportunistic", "enforced-relaxed", "enforced-strict").contains(p)) {
                    error(at(rm, "policy"), "secureDelivery[].policy must be opportunistic, enforced-relaxed or enforced-strict, not '" + p + "'");
                    return;
                }
                if (d.equalsIgnoreCase("*.gov.uk") && p.startsWith("enforced")) {
                    error(at(rm, "domain"), "secureDelivery: the guidance forbids an enforced TLS rule for *.gov.uk (several domains do not support TLS yet)");
                    return;
                }
                rules.add(new GatewayConfig.SecureDeliveryRule(d.toLowerCase(Locale.ROOT), p));
            });
        }
        long mxPort = number(m, "mxPort", "delivery", 25, 1, 65535);
        return new GatewayConfig.Delivery(
                duration(m, "firstRetry", "delivery", Duration.ofMinutes(5)),
                duration(m, "maxRetryInterval", "delivery", Duration.ofSeconds(4000)),
                duration(m, "maxQueueLifetime", "delivery", Duration.ofDays(5)),
                (int) number(m, "concurrencyPerDestination", "delivery", 5, 1, 1000),
                duration(m, "connectTimeout", "delivery", Duration.ofSeconds(30)),
                given ? rules : GUIDANCE_RULES,
                m.entries().containsKey("mxPort") ? Optional.of((int) mxPort) : Optional.empty(),
                flag(m, "mtaSts", "delivery", true),
                flag(m, "dane", "delivery", true),
                duration(m, "delayWarning", "delivery", Duration.ofHours(4)));
    }

    /** RFC 5321 4.1.2 Dot-string: atext atoms separated by single dots (no quoted local parts for our own address). */
    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    /** {@code reflector}: the emailsecurity@ reflector, on for every local domain unless configured otherwise. */
    private GatewayConfig.Reflector reflector(YamlNode n, List<GatewayConfig.LocalDomain> locals) {
        GatewayConfig.Reflector def = GatewayConfig.Reflector.defaults();
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return def;
        }
        Optional<YamlNode.Map_> om = map(n, "reflector", Set.of("enabled", "localPart", "maxRepliesPerSenderPerHour", "domains"));
        if (om.isEmpty()) {
            return def;
        }
        YamlNode.Map_ m = om.get();
        boolean enabled = bool(m, "enabled", "reflector", true);
        String localPart = localPart(m, "reflector").orElse(def.localPart());
        int max = (int) number(m, "maxRepliesPerSenderPerHour", "reflector", def.maxRepliesPerSenderPerHour(), 1, 10_000);
        Set<String> localNames = new HashSet<>();
        locals.forEach(l -> localNames.add(l.domain()));
        List<GatewayConfig.ReflectorDomain> domains = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode x : list(m, "domains", "reflector")) {
            String what = "reflector.domains[]";
            map(x, what, Set.of("domain", "enabled", "localPart")).ifPresent(d -> {
                Optional<String> dom = string(d, "domain", what);
                if (dom.isEmpty()) {
                    error(d, what + ".domain is required");
                    return;
                }
                Optional<String> domain = domain(at(d, "domain"), dom.get(), what + ".domain");
                if (domain.isEmpty()) {
                    return;
                }
                if (!localNames.contains(domain.get())) {
                    error(at(d, "domain"), what + ": " + domain.get() + " is not one of the localDomains (the reflector answers only for local domains)");
                    return;
                }
                if (!seen.add(domain.get())) {
                    error(at(d, "domain"), what + ": " + domain.get() + " is listed twice");
                    return;
                }
                boolean on = bool(d, "enabled", what, true);
                Optional<String> lp = localPart(d, what);
                domains.add(new GatewayConfig.ReflectorDomain(domain.get(), on, lp));
            });
        }
        return new GatewayConfig.Reflector(enabled, localPart, max, domains);
    }

    private Optional<String> localPart(YamlNode.Map_ m, String what) {
        Optional<String> s = string(m, "localPart", what);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String v = s.get().trim();
        if (v.length() > 64 || !LOCAL_PART.matcher(v).matches()) {
            error(at(m, "localPart"), what + ".localPart must be a plain local part of at most 64 characters (e.g. emailsecurity), not '"
                    + s.get() + "'");
            return Optional.empty();
        }
        return Optional.of(v.toLowerCase(Locale.ROOT));
    }

    /** {@code metrics: {address, port}}: absent means no endpoint. */
    private Optional<GatewayConfig.MetricsEndpoint> metrics(YamlNode n) {
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return Optional.empty();
        }
        Optional<YamlNode.Map_> om = map(n, "metrics", Set.of("address", "port"));
        if (om.isEmpty()) {
            return Optional.empty();
        }
        String address = string(om.get(), "address", "metrics").orElse("127.0.0.1");
        if (!om.get().entries().containsKey("port")) {
            error(om.get(), "metrics.port is required (e.g. 9464)");
            return Optional.empty();
        }
        long port = number(om.get(), "port", "metrics", 9464, 0, 65535);
        return Optional.of(new GatewayConfig.MetricsEndpoint(address, (int) port));
    }

    /** {@code doctor: {enabled, interval, outboundAddresses}}: absent means the defaults (on, every 6 h). */
    private GatewayConfig.DoctorSchedule doctorSchedule(YamlNode n) {
        GatewayConfig.DoctorSchedule def = GatewayConfig.DoctorSchedule.defaults();
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return def;
        }
        Optional<YamlNode.Map_> om = map(n, "doctor", Set.of("enabled", "interval", "outboundAddresses"));
        if (om.isEmpty()) {
            return def;
        }
        YamlNode.Map_ m = om.get();
        Duration interval = duration(m, "interval", "doctor", def.interval());
        if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
            error(at(m, "interval"), "doctor.interval must be at least 1m");
            interval = def.interval();
        }
        List<String> addresses = new ArrayList<>();
        for (YamlNode a : list(m, "outboundAddresses", "doctor")) {
            if (!(a instanceof YamlNode.Scalar s) || Cidr.parse(s.text()).isEmpty() || s.text().contains("/")) {
                error(a, "doctor.outboundAddresses: not an IP address");
            } else {
                addresses.add(s.text().trim());
            }
        }
        return new GatewayConfig.DoctorSchedule(flag(m, "enabled", "doctor", true), interval, addresses);
    }

    /** {@code dashboard: {address, port, secureCookies, tlsrptSecret}}: absent means no dashboard. */
    private Optional<GatewayConfig.Dashboard> dashboard(YamlNode n) {
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return Optional.empty();
        }
        Optional<YamlNode.Map_> om = map(n, "dashboard", Set.of("address", "port", "secureCookies", "tlsrptSecret"));
        if (om.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Map_ m = om.get();
        String address = string(m, "address", "dashboard").orElse("127.0.0.1");
        long port = number(m, "port", "dashboard", 8080, 0, 65535);
        Optional<String> secret = string(m, "tlsrptSecret", "dashboard");
        // RFC 3986 unreserved characters only: the secret is one path segment of a published rua URI
        if (secret.isPresent() && !secret.get().matches("[A-Za-z0-9._~-]{16,128}")) {
            error(at(m, "tlsrptSecret"), "dashboard.tlsrptSecret must be 16-128 characters of A-Z a-z 0-9 . _ ~ -");
            secret = Optional.empty();
        }
        return Optional.of(new GatewayConfig.Dashboard(address, (int) port, flag(m, "secureCookies", "dashboard", false), secret));
    }

    /** {@code reportGeneration: {enabled, at, reporter: {orgName, email}, schema, catchUpDays}}: absent means off. */
    private GatewayConfig.ReportSchedule reportSchedule(YamlNode n) {
        GatewayConfig.ReportSchedule def = GatewayConfig.ReportSchedule.disabled();
        if (n == null || n instanceof YamlNode.Scalar sc && sc.isNull()) {
            return def;
        }
        Optional<YamlNode.Map_> om = map(n, "reportGeneration", Set.of("enabled", "at", "reporter", "schema", "catchUpDays"));
        if (om.isEmpty()) {
            return def;
        }
        YamlNode.Map_ m = om.get();
        java.time.LocalTime at = def.at();
        Optional<String> atText = string(m, "at", "reportGeneration");
        if (atText.isPresent()) {
            if (!atText.get().trim().matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
                error(at(m, "at"), "reportGeneration.at must be HH:MM (UTC), not '" + atText.get() + "'");
            } else {
                at = java.time.LocalTime.parse(atText.get().trim());
            }
        }
        Optional<String> orgName = Optional.empty();
        Optional<String> email = Optional.empty();
        YamlNode rn = m.entries().get("reporter");
        if (rn != null && !(rn instanceof YamlNode.Scalar sc && sc.isNull())) {
            Optional<YamlNode.Map_> rm = map(rn, "reportGeneration.reporter", Set.of("orgName", "email"));
            if (rm.isPresent()) {
                orgName = string(rm.get(), "orgName", "reportGeneration.reporter").filter(x -> !x.isBlank());
                email = string(rm.get(), "email", "reportGeneration.reporter").filter(x -> !x.isBlank());
                if (email.isPresent() && !AddressParser.parseMailbox(email.get().trim(), true).isOk()) {
                    error(at(rm.get(), "email"), "reportGeneration.reporter.email: not a mailbox: '" + email.get() + "'");
                    email = Optional.empty();
                }
            }
        }
        String schema = string(m, "schema", "reportGeneration").orElse(def.schema());
        if (!schema.equals("rfc7489") && !schema.equals("dmarc-2.0")) {
            error(at(m, "schema"), "reportGeneration.schema must be rfc7489 or dmarc-2.0");
            schema = def.schema();
        }
        int catchUp = (int) number(m, "catchUpDays", "reportGeneration", def.catchUpDays(), 1, 31);
        return new GatewayConfig.ReportSchedule(flag(m, "enabled", "reportGeneration", false), at, orgName,
                email.map(String::trim), schema, catchUp);
    }

    /** A YAML boolean ({@code true}/{@code false}); anything else is an error and yields the default. */
    private boolean flag(YamlNode.Map_ m, String key, String what, boolean def) {
        Optional<String> s = string(m, key, what);
        if (s.isEmpty()) {
            return def;
        }
        return switch (s.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error(at(m, key), what + "." + key + " must be true or false, not '" + s.get() + "'");
                yield def;
            }
        };
    }
}
