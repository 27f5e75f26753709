package org.mailward.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.mailward.reports.DashboardQueries;
import org.mailward.reports.IngestResult;
import org.mailward.reports.ReportIngest;
import org.mailward.reports.RolloutAdvisor;

/**
 * The reports dashboard and its JSON API ({@code /api/v1}), on Javalin with precompiled JTE templates.
 *
 * <p>Security model: every route except {@code /login} and static assets needs a session cookie (pages redirect to
 * the login page, the API answers 401) or an {@code Authorization: Bearer} API token (API only). Every
 * state-changing request made with a session cookie must carry the session's CSRF token (form field
 * {@code _csrf} or header {@code X-CSRF-Token}); the login form uses a double-submit cookie. Cookies are
 * HttpOnly and SameSite=Strict. Every response gets CSP (no inline script or style), frame-ancestors 'none' and
 * X-Frame-Options, nosniff and Referrer-Policy headers.
 */
public final class WebServer implements AutoCloseable {

    static final String SESSION_COOKIE = "mw_session";
    static final String LOGIN_COOKIE = "mw_login";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final int DEFAULT_DAYS = 30;

    private final DashboardQueries queries;
    private final Credentials credentials;
    private final Sessions sessions;
    private final Clock clock;
    private final TemplateEngine templates;
    private final ObjectMapper json = new ObjectMapper();
    private final Assets assets;
    private final boolean secureCookies;
    private final LoginThrottle throttle;
    private final Optional<Uploads> uploads;
    private Javalin app;

    /**
     * Report uploads: {@code POST /tlsrpt/{secret}} (RFC 8460 5.2, anonymous reporters, the path secret is the only
     * check) and {@code POST /api/v1/reports} (token or session), both into {@code ingest}, bodies up to
     * {@code maxBytes}. An empty {@code tlsrptSecret} switches the TLS-RPT endpoint off (404).
     */
    public record Uploads(ReportIngest ingest, Optional<String> tlsrptSecret, long maxBytes) {
        /** 16 MiB: far above real TLS reports (a few KiB) and most aggregate reports. */
        public static final long DEFAULT_MAX_BYTES = 16L << 20;

        public Uploads {
            java.util.Objects.requireNonNull(ingest);
            java.util.Objects.requireNonNull(tlsrptSecret);
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
        }
    }

    /** Paths of the WebJar scripts, with the versions on the classpath. */
    public record Assets(String htmx, String chart) {
    }

    public WebServer(DashboardQueries queries, Credentials credentials, Clock clock, SecureRandom random,
                     boolean secureCookies) {
        this(queries, credentials, clock, random, secureCookies, Optional.empty());
    }

    /** With report uploads ({@link Uploads}); without, those routes answer 404. */
    public WebServer(DashboardQueries queries, Credentials credentials, Clock clock, SecureRandom random,
                     boolean secureCookies, Optional<Uploads> uploads) {
        this.uploads = java.util.Objects.requireNonNull(uploads);
        this.queries = queries;
        this.credentials = credentials;
        this.clock = clock;
        this.sessions = new Sessions(random, clock);
        this.templates = TemplateEngine.createPrecompiled(null, ContentType.Html, WebServer.class.getClassLoader(),
                "org.mailward.web.templates");
        this.assets = new Assets("/webjars/htmx.org/" + webjarVersion("htmx.org") + "/dist/htmx.min.js",
                "/webjars/chart.js/" + webjarVersion("chart.js") + "/dist/chart.umd.min.js");
        this.secureCookies = secureCookies;
        this.throttle = new LoginThrottle(clock);
    }

    private static String webjarVersion(String artifact) {
        try (InputStream in = WebServer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("WebJar " + artifact + " is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts listening; port 0 picks a free port ({@link #port()}). */
    public WebServer start(String host, int port) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/web/static";
                s.location = Location.CLASSPATH;
            });
            config.routes.before(this::guard);
            config.routes.get("/login", this::loginPage);
            config.routes.post("/login", this::login);
            config.routes.post("/logout", this::logout);
            config.routes.get("/", ctx -> page(ctx, "overview.jte", Map.of("domains", queries.overview(since(ctx), until()))));
            config.routes.get("/domains/{domain}", ctx -> page(ctx, "domain.jte", Map.of("d", domain(ctx), "shown", shownSources(ctx))));
            config.routes.get("/domains/{domain}/fix", ctx -> page(ctx, "fix.jte", Map.of("a", advice(ctx))));
            config.routes.get("/domains/{domain}/advisor", ctx -> {
                RolloutAdvisor.Advice a = advice(ctx);
                if ("true".equals(ctx.header("HX-Request"))) {
                    ctx.html(render("advice.jte", Map.of("a", a)));
                } else {
                    page(ctx, "advisor.jte", Map.of("a", a));
                }
            });
            config.routes.get("/tls", ctx -> page(ctx, "tls.jte", Map.of(
                    "totals", queries.tlsTotals(since(ctx), until()), "failures", queries.tlsFailures(since(ctx), until()))));
            config.routes.get("/raw", ctx -> page(ctx, "raw.jte", Map.of("rows", raw(ctx), "status", ctx.queryParam("status") == null ? "" : ctx.queryParam("status"))));
            config.routes.get("/raw/{id}", this::rawContent);
            config.routes.get("/errors", ctx -> page(ctx, "errors.jte", Map.of("rows", queries.ingestFailures(500))));

            config.routes.get("/api/v1/overview", ctx -> api(ctx, Map.of("since", since(ctx), "until", until(),
                    "domains", queries.overview(since(ctx), until()))));
            config.routes.get("/api/v1/domains/{domain}", ctx -> api(ctx, domain(ctx)));
            config.routes.get("/api/v1/domains/{domain}/advice", ctx -> api(ctx, advice(ctx)));
            config.routes.get("/api/v1/tls", ctx -> api(ctx, Map.of("totals", queries.tlsTotals(since(ctx), until()),
                    "failures", queries.tlsFailures(since(ctx), until()))));
            config.routes.get("/api/v1/raw", ctx -> api(ctx, Map.of("reports", raw(ctx))));
            config.routes.get("/api/v1/raw/{id}", this::rawContent);
            config.routes.post("/tlsrpt/{secret}", this::tlsRptPost);
            config.routes.post("/api/v1/reports", this::reportUpload);
            config.routes.get("/api/v1/ingest-errors", ctx -> api(ctx, Map.of("errors", queries.ingestFailures(500))));

            config.routes.exception(NotFound.class, (e, ctx) -> {
                ctx.status(404);
                if (ctx.path().startsWith("/api/")) {
                    ctx.json(Map.of("error", e.getMessage()));
                } else {
                    ctx.contentType("text/plain; charset=utf-8").result(e.getMessage());
                }
            });
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(400)
                    .contentType("text/plain; charset=utf-8").result("bad request: " + e.getMessage()));
            config.routes.exception(SQLException.class, (e, ctx) -> ctx.status(500)
                    .contentType("text/plain; charset=utf-8").result("database error"));
        });
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    // ---- security ------------------------------------------------------------------------------------------

    private void guard(Context ctx) throws SQLException {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        String path = ctx.path();
        if (path.startsWith("/static/") || path.startsWith("/webjars/")) {
            return;
        }
        ctx.header("Cache-Control", "no-store");
        if (path.equals("/login")) {
            return;
        }
        if (path.startsWith("/tlsrpt/") && ctx.method().name().equals("POST")) {
            return; // RFC 8460 5.2: anonymous reporters; the path secret is checked by the handler
        }
        boolean api = path.startsWith("/api/");
        String auth = ctx.header("Authorization");
        if (api && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<String> token = credentials.checkToken(auth.substring(7).trim(), clock.instant().getEpochSecond());
            if (token.isEmpty()) {
                deny(ctx, true);
                return;
            }
            ctx.attribute("user", "token:" + token.get());
            return; // a bearer token is not ambient authority: no CSRF check needed
        }
        Optional<Sessions.Session> session = sessions.find(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty()) {
            deny(ctx, api);
            return;
        }
        if (!ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD")) {
            String sent = ctx.header("X-CSRF-Token");
            if (sent == null) {
                sent = ctx.formParam("_csrf");
            }
            if (!equal(sent, session.get().csrf())) {
                ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain; charset=utf-8").result("CSRF token missing or wrong");
                ctx.skipRemainingHandlers();
                return;
            }
        }
        ctx.attribute("session", session.get());
        ctx.attribute("user", session.get().user());
    }

    private static void deny(Context ctx, boolean api) {
        if (api) {
            ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer").json(Map.of("error", "authentication required"));
        } else if (ctx.method().name().equals("GET")) {
            ctx.redirect("/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
        } else {
            ctx.status(HttpStatus.UNAUTHORIZED).contentType("text/plain; charset=utf-8").result("login required");
        }
        ctx.skipRemainingHandlers();
    }

    private static boolean equal(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private String cookie(String name, String value, int maxAge) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    private void loginPage(Context ctx) {
        // keep an existing login token: a second tab or a background request (favicon) redirected here must not
        // invalidate the form already shown
        String existing = ctx.cookie(LOGIN_COOKIE);
        String token = existing != null && existing.matches("[A-Za-z0-9_-]{43}") ? existing : sessions.token();
        ctx.header("Set-Cookie", cookie(LOGIN_COOKIE, token, 600));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("csrf", token);
        model.put("next", safeNext(ctx.queryParam("next")));
        model.put("error", "");
        ctx.html(render("login.jte", model));
    }

    private void login(Context ctx) throws SQLException {
        if (!equal(ctx.formParam("_csrf"), ctx.cookie(LOGIN_COOKIE))) {
            ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain; charset=utf-8").result("CSRF token missing or wrong");
            return;
        }
        String user = ctx.formParam("username") == null ? "" : ctx.formParam("username").trim();
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        if (!throttle.allowed(ctx.ip())) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(LoginThrottle.WINDOW_SECONDS))
                    .contentType("text/plain; charset=utf-8").result("too many failed logins from this address; try again later");
            return;
        }
        if (user.isEmpty() || !credentials.checkPassword(user, password.toCharArray())) {
            throttle.failed(ctx.ip());
            String token = sessions.token();
            ctx.header("Set-Cookie", cookie(LOGIN_COOKIE, token, 600));
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("csrf", token);
            model.put("next", safeNext(ctx.formParam("next")));
            model.put("error", "Wrong user name or password.");
            ctx.status(HttpStatus.UNAUTHORIZED).html(render("login.jte", model));
            return;
        }
        throttle.succeeded(ctx.ip());
        Sessions.Session s = sessions.create(user);
        ctx.header("Set-Cookie", cookie(SESSION_COOKIE, s.id(), -1));
        ctx.redirect(safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
    }

    /** Only local absolute paths: no open redirect. */
    private static String safeNext(String next) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\") ? next : "/";
    }

    private void logout(Context ctx) {
        Sessions.Session s = ctx.attribute("session");
        if (s != null) {
            sessions.remove(s.id());
        }
        ctx.header("Set-Cookie", cookie(SESSION_COOKIE, "", 0));
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    // ---- data ----------------------------------------------------------------------------------------------

    private long until() {
        return clock.instant().getEpochSecond() + 1;
    }

    /**
     * How many source rows the domain page lists, busiest first: {@value #DEFAULT_SOURCES} unless {@code ?sources=N}
     * or {@code ?sources=all}. A busy domain has thousands of sources (mostly forgers sending a few messages each); a
     * page of them all is a megabyte nobody reads, and the API still has every one.
     */
    private static int shownSources(Context ctx) {
        String v = ctx.queryParam("sources");
        if (v == null || v.isBlank()) {
            return DEFAULT_SOURCES;
        }
        if (v.trim().equals("all")) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new IllegalArgumentException("sources must be all or a number from 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sources must be all or a number");
        }
    }

    static final int DEFAULT_SOURCES = 250;

    private int days(Context ctx) {
        String d = ctx.queryParam("days");
        if (d == null || d.isBlank()) {
            return DEFAULT_DAYS;
        }
        try {
            int n = Integer.parseInt(d.trim());
            if (n < 1 || n > 3660) {
                throw new IllegalArgumentException("days must be 1..3660");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("days must be a number");
        }
    }

    private long since(Context ctx) {
        return clock.instant().getEpochSecond() - days(ctx) * 86_400L;
    }

    private DashboardQueries.DomainDetail domain(Context ctx) throws SQLException {
        String d = ctx.pathParam("domain");
        return queries.domain(d, since(ctx), until()).orElseThrow(() -> new NotFound("no aggregate reports for " + d
                + " in the last " + days(ctx) + " days"));
    }

    private RolloutAdvisor.Advice advice(Context ctx) throws SQLException {
        String d = ctx.pathParam("domain");
        Optional<RolloutAdvisor.Stage> target = Optional.empty();
        String policy = ctx.queryParam("policy");
        if (policy != null && !policy.isBlank()) {
            String pct = ctx.queryParam("pct");
            int n;
            try {
                n = pct == null || pct.isBlank() ? 100 : Integer.parseInt(pct.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pct must be a number");
            }
            target = Optional.of(new RolloutAdvisor.Stage(policy.trim(), n));
        }
        return queries.advise(d, clock.instant().getEpochSecond(), days(ctx), target)
                .orElseThrow(() -> new NotFound("no aggregate reports for " + d + " in the last " + days(ctx) + " days"));
    }

    private List<DashboardQueries.RawRow> raw(Context ctx) throws SQLException {
        String status = ctx.queryParam("status");
        Optional<String> st = status == null || status.isBlank() ? Optional.empty() : Optional.of(status.trim());
        long before = Long.MAX_VALUE;
        if (ctx.queryParam("before") != null) {
            try {
                before = Long.parseLong(ctx.queryParam("before"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("before must be a number");
            }
        }
        return queries.rawReports(st, 200, before);
    }

    private void rawContent(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("id must be a number");
        }
        byte[] content = queries.rawContent(id).orElseThrow(() -> new NotFound("no raw report " + id));
        // served as an opaque download: never rendered by the browser (it may be hostile XML or HTML)
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Disposition", "attachment; filename=\"raw-report-" + id + ".bin\"");
        ctx.result(content);
    }

    // ---- uploads -------------------------------------------------------------------------------------------

    /** RFC 8460 5.3 media types of an HTTPS-delivered TLS report. */
    static final Set<String> TLSRPT_TYPES = Set.of("application/tlsrpt+json", "application/tlsrpt+gzip");

    /** Upload types of {@code POST /api/v1/reports}, with the name suffix the stored raw report gets. */
    static final Map<String, String> UPLOAD_TYPES = Map.ofEntries(
            Map.entry("application/xml", ".xml"), Map.entry("text/xml", ".xml"),
            Map.entry("application/gzip", ".gz"), Map.entry("application/x-gzip", ".gz"),
            Map.entry("application/zip", ".zip"), Map.entry("application/x-zip-compressed", ".zip"),
            Map.entry("application/json", ".json"), Map.entry("application/tlsrpt+json", ".json"),
            Map.entry("application/tlsrpt+gzip", ".json.gz"), Map.entry("message/rfc822", ".eml"),
            Map.entry("application/mbox", ".mbox"), Map.entry("application/octet-stream", ""));

    /**
     * {@code POST /tlsrpt/{secret}}: one TLS report (RFC 8460 5.2/5.3). 404 for a wrong secret (or when off), 415
     * for another media type, 413 over the size limit, then the raw bytes are stored before parsing (as every
     * ingest path): 201 stored, 200 a duplicate, 400 with the reason when it could not be parsed (kept raw, failed).
     */
    private void tlsRptPost(Context ctx) throws SQLException, IOException {
        Optional<String> secret = uploads.flatMap(Uploads::tlsrptSecret);
        if (secret.isEmpty() || !equal(ctx.pathParam("secret"), secret.get())) {
            ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain; charset=utf-8").result("not found");
            return;
        }
        String type = mediaType(ctx.contentType());
        if (!TLSRPT_TYPES.contains(type)) {
            ctx.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).contentType("text/plain; charset=utf-8")
                    .result("expected Content-Type application/tlsrpt+json or application/tlsrpt+gzip (RFC 8460 5.3)");
            return;
        }
        Optional<byte[]> body = body(ctx);
        if (body.isEmpty()) {
            return;
        }
        String origin = "https-post " + ctx.ip() + " tlsrpt" + (type.endsWith("gzip") ? ".json.gz" : ".json");
        List<IngestResult> results = uploads.get().ingest().ingest(origin, body.get());
        answer(ctx, results, false);
    }

    /** {@code POST /api/v1/reports[?name=FILE]}: a DMARC or TLS-RPT report file (XML, gzip, zip, JSON, e-mail). */
    private void reportUpload(Context ctx) throws SQLException, IOException {
        if (uploads.isEmpty()) {
            throw new NotFound("report upload is not enabled on this server");
        }
        String type = mediaType(ctx.contentType());
        String suffix = UPLOAD_TYPES.get(type);
        if (suffix == null) {
            ctx.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json(Map.of("error", "unsupported Content-Type '" + type + "'; use one of "
                    + UPLOAD_TYPES.keySet().stream().sorted().toList()));
            return;
        }
        Optional<byte[]> body = body(ctx);
        if (body.isEmpty()) {
            return;
        }
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._!@+=-]{1,200}")) {
            name = "upload" + suffix;
        }
        String user = ctx.attribute("user");
        List<IngestResult> results = uploads.get().ingest().ingest("api-upload " + (user == null ? "" : user) + " " + name, body.get());
        answer(ctx, results, true);
    }

    /** The body, at most {@code maxBytes}; on 413 or an empty body the answer is written and empty returned. */
    private Optional<byte[]> body(Context ctx) throws IOException {
        long max = uploads.orElseThrow().maxBytes();
        long declared = ctx.contentLength();
        if (declared > max) {
            tooLarge(ctx, max);
            return Optional.empty();
        }
        byte[] b;
        try (InputStream in = ctx.req().getInputStream()) {
            b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (b.length > max) {
            tooLarge(ctx, max);
            return Optional.empty();
        }
        if (b.length == 0) {
            ctx.status(HttpStatus.BAD_REQUEST).contentType("text/plain; charset=utf-8").result("empty body");
            return Optional.empty();
        }
        return Optional.of(b);
    }

    private static void tooLarge(Context ctx, long max) {
        ctx.status(HttpStatus.CONTENT_TOO_LARGE).contentType("text/plain; charset=utf-8").result("body over the limit of " + max + " bytes");
    }

    /** 201 when something new was stored, 200 when all were duplicates, 400 with the reasons when anything failed. */
    private void answer(Context ctx, List<IngestResult> results, boolean json) throws IOException {
        List<IngestResult> failed = results.stream().filter(r -> r.status() == IngestResult.Status.FAILED).toList();
        HttpStatus status = !failed.isEmpty() ? HttpStatus.BAD_REQUEST
                : results.stream().anyMatch(r -> r.status() == IngestResult.Status.STORED) ? HttpStatus.CREATED : HttpStatus.OK;
        ctx.status(status);
        if (json) {
            List<Map<String, Object>> out = new java.util.ArrayList<>();
            for (IngestResult r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("status", r.status().label());
                m.put("kind", r.kind().label());
                m.put("part", r.part());
                m.put("orgName", r.orgName());
                m.put("reportId", r.reportId());
                m.put("domain", r.domain());
                m.put("records", r.records());
                m.put("warnings", r.warnings());
                m.put("error", r.error());
                m.put("rawId", r.rawId());
                out.add(m);
            }
            api(ctx, Map.of("results", out));
        } else if (!failed.isEmpty()) {
            ctx.contentType("text/plain; charset=utf-8").result("not stored as a report (kept raw, id " + failed.get(0).rawId() + "): "
                    + String.join("; ", failed.stream().map(IngestResult::error).toList()));
        } else {
            ctx.contentType("text/plain; charset=utf-8").result(status == HttpStatus.CREATED ? "stored" : "duplicate: already stored");
        }
    }

    /** The media type of a Content-Type value, lower case, without parameters ("" when absent). */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private void api(Context ctx, Object value) throws IOException {
        ctx.contentType("application/json").result(json.writeValueAsString(value));
    }

    private void page(Context ctx, String template, Map<String, Object> data) {
        Sessions.Session s = ctx.attribute("session");
        Map<String, Object> model = new LinkedHashMap<>(data);
        model.put("page", new Page(s == null ? "" : s.user(), s == null ? "" : s.csrf(), ctx.path(), days(ctx), assets));
        ctx.html(render(template, model));
    }

    /** What the layout needs: who is logged in, their CSRF token, where we are, the period, script paths. */
    public record Page(String user, String csrf, String path, int days, Assets assets) {
    }

    private String render(String template, Map<String, Object> model) {
        StringOutput out = new StringOutput();
        templates.render(template, model, out);
        return out.toString();
    }
}
