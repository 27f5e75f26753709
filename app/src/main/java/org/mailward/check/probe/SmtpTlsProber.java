package org.mailward.check.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import java.security.GeneralSecurityException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsDHGroupVerifier;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Probes one SMTP server address: greeting, EHLO, STARTTLS, then a series of TLS handshakes, each on a new
 * connection, offering chosen versions and suites (CHECKS.md 7, 8).
 *
 * <p>Uses Bouncy Castle's low-level TLS API rather than JSSE: JSSE providers (the JDK's and BC's JSSE alike) honour
 * the {@code jdk.tls.disabledAlgorithms} security property, which forbids offering TLS 1.0/1.1 and legacy suites,
 * and a checker must be able to offer exactly those to find servers that still accept them. No global security
 * property is touched. Certificates are captured, never trusted here: validation is the CERT area's job.
 *
 * <p>What no TLS library will offer any more (SSL 2.0/3.0, DEFLATE compression, SHA-1/MD5 signature_algorithms with
 * a DHE-only offer) is asked with hand-built ClientHellos ({@link RawClientHello}, one connection each, {@code RAW_*}
 * names); the server's first flight is parsed by {@link ServerFlight} and nothing is completed.
 *
 * <p>Every connection is bounded: connect timeout, read timeout, and a per-connection deadline after which the
 * socket is closed (a server that drips bytes or stalls mid-handshake cannot hold the probe). Replies are read with
 * a line cap and a line count cap (garbage banners end as a problem, not as a hang or memory growth).
 */
public final class SmtpTlsProber {

    public static final String DEFAULT = "default";
    public static final String INSECURE = "insecure-suites";
    public static final String WEAK = "weak-suites";
    public static final String GOOD = "good-suites";
    public static final String ORDER_FORWARD = "order-good-first";
    public static final String ORDER_REVERSE = "order-weak-first";
    /** TLS 1.2 with the JDK client, then a client-initiated renegotiation ({@link ClientRenegotiation}). */
    public static final String RENEGOTIATE = "client-renegotiation";
    public static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    /** Hand-built hellos ({@link RawClientHello}): SSL 2.0, SSL 3.0, TLS 1.2 offering DEFLATE and SHA-1, DHE suites only. */
    public static final String RAW_SSL2 = "sslv2-client-hello";
    public static final String RAW_SSL3 = "sslv3-client-hello";
    public static final String RAW_TLS12 = "tls12-deflate-sha1-hello";
    public static final String RAW_DHE = "tls12-dhe-only-hello";

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-probe-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final Map<Integer, String> SUITE_NAMES = suiteNames();
    private static final SSLContext RENEGOTIATION_CONTEXT = renegotiationContext();
    private static final int MAX_LINE = 2048;
    private static final int MAX_LINES = 100;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration connectionDeadline;
    private final String ehloName;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param connectTimeout     TCP connect timeout
     * @param readTimeout        timeout for each read
     * @param connectionDeadline a connection is closed after this, whatever it is doing
     * @param ehloName           the name the prober sends in EHLO
     */
    public SmtpTlsProber(Duration connectTimeout, Duration readTimeout, Duration connectionDeadline, String ehloName) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.connectionDeadline = connectionDeadline;
        this.ehloName = ehloName;
    }

    /** Probes {@code address:port}; {@code hostName} (the MX name) is sent as SNI. Never throws for network outcomes. */
    public SmtpProbeResult probe(InetAddress address, int port, String hostName) {
        InetSocketAddress target = new InetSocketAddress(address, port);
        String label = (address.getAddress().length == 16 ? "[" + address.getHostAddress() + "]" : address.getHostAddress()) + ":" + port;
        Session first = new Session();
        String sni = hostName.matches("(?i)[a-z0-9_-]+(\\.[a-z0-9_-]+)+") && !hostName.matches("[0-9.]+") ? hostName : "";
        first.sni = sni;
        try (Socket s = new Socket()) {
            ScheduledFuture<?> dog = WATCHDOG.schedule(() -> closeQuietly(s), connectionDeadline.toMillis(), TimeUnit.MILLISECONDS);
            try {
                try {
                    s.connect(target, (int) connectTimeout.toMillis());
                } catch (IOException e) {
                    return new SmtpProbeResult(label, SmtpProbeResult.Reach.UNREACHABLE, "", Optional.empty(), List.of(), false, false,
                            List.of(), Map.of(), Map.of(), "connect failed: " + e.getMessage(), false);
                }
                s.setSoTimeout((int) readTimeout.toMillis());
                first.dialog(s, true);
            } finally {
                dog.cancel(false);
            }
        } catch (IOException e) {
            if (first.problem.isEmpty()) {
                first.problem = "connection failed: " + e.getMessage();
            }
        }
        if (first.reach != SmtpProbeResult.Reach.GREETED || !first.starttlsOffered || !first.starttlsAccepted) {
            return first.result(label, Map.of(), Map.of(), false, Optional.empty());
        }
        Map<String, Handshake> hs = new LinkedHashMap<>();
        Map<String, RawHandshake> raw = new LinkedHashMap<>();
        Optional<ClientRenegotiation> reneg = Optional.empty();
        boolean interrupted = false;
        hs.put(DEFAULT, first.handshake);
        if (!first.handshake.completed() && first.alertReceived) {
            // The server refused every suite a careful client offers but answered (an alert, not silence): it may
            // speak only anonymous or other insecure suites (CHECKS.md TLS-INSECURE-CIPHER, CERT-NONE).
            ProtocolVersion[] upTo12 = {ProtocolVersion.TLSv12, ProtocolVersion.TLSv11, ProtocolVersion.TLSv10};
            // Or only SSL 2.0/3.0 (TLS-SSL-ENABLED), which no BC handshake offers.
            Session ses = connect(target, sni, new Attempt(INSECURE, upTo12, suitesOf(CipherClass.INSECURE)), null);
            if (ses.reach == SmtpProbeResult.Reach.GREETED && ses.starttlsAccepted) {
                hs.put(INSECURE, ses.handshake);
                interrupted = rawProbes(target, sni, List.of(RAW_SSL2, RAW_SSL3), raw);
            }
        }
        if (first.handshake.completed()) {
            List<Attempt> attempts = new ArrayList<>();
            for (String v : VERSIONS) {
                attempts.add(new Attempt(v, versions(v), allSuites(v.equals("TLSv1.3"))));
            }
            ProtocolVersion[] upTo12 = {ProtocolVersion.TLSv12, ProtocolVersion.TLSv11, ProtocolVersion.TLSv10};
            attempts.add(new Attempt(INSECURE, upTo12, suitesOf(CipherClass.INSECURE)));
            attempts.add(new Attempt(WEAK, upTo12, suitesOf(CipherClass.WEAK)));
            attempts.add(new Attempt(GOOD, new ProtocolVersion[] {ProtocolVersion.TLSv12}, suitesOf(CipherClass.GOOD)));
            int[] ordered = concat(suitesOf(CipherClass.GOOD), suitesOf(CipherClass.LEGACY), suitesOf(CipherClass.WEAK));
            attempts.add(new Attempt(ORDER_FORWARD, new ProtocolVersion[] {ProtocolVersion.TLSv12}, ordered));
            attempts.add(new Attempt(ORDER_REVERSE, new ProtocolVersion[] {ProtocolVersion.TLSv12}, reverse(ordered)));
            for (Attempt a : attempts) {
                if (interrupted) {
                    break;
                }
                Session ses = connect(target, sni, a, null);
                if (ses.reach != SmtpProbeResult.Reach.GREETED || !ses.starttlsAccepted) {
                    // 421, reset or silence on a later connection: the rest of this address is inconclusive.
                    interrupted = true;
                    continue;
                }
                hs.put(a.name, ses.handshake);
            }
            if (!interrupted) {
                interrupted = rawProbes(target, sni, List.of(RAW_SSL2, RAW_SSL3, RAW_TLS12, RAW_DHE), raw);
            }
            Handshake t12 = hs.get("TLSv1.2");
            if (!interrupted && t12 != null && t12.completed()) {
                Session ses = connect(target, sni, new Attempt(RENEGOTIATE, new ProtocolVersion[0], new int[0]), null);
                if (ses.reach != SmtpProbeResult.Reach.GREETED || !ses.starttlsAccepted) {
                    interrupted = true;
                } else {
                    reneg = Optional.ofNullable(ses.renegotiation);
                }
            }
        }
        return first.result(label, hs, raw, interrupted, reneg);
    }

    /** Sends each named hand-built hello on its own connection; true when a connection was refused or cut (interrupted). */
    private boolean rawProbes(InetSocketAddress target, String sni, List<String> names, Map<String, RawHandshake> raw) {
        for (String name : names) {
            byte[] hello = switch (name) {
                case RAW_SSL2 -> RawClientHello.sslv2(random);
                case RAW_SSL3 -> RawClientHello.sslv3(RawClientHello.SSL3_SUITES, random);
                case RAW_TLS12 -> RawClientHello.hello(0x0303, RawClientHello.TLS12_SUITES, new int[] {1, 0}, sni, true, random);
                case RAW_DHE -> RawClientHello.hello(0x0303, RawClientHello.DHE_SUITES, new int[] {0}, sni, true, random);
                default -> throw new IllegalArgumentException(name);
            };
            Session ses = connect(target, sni, new Attempt(name, new ProtocolVersion[0], new int[0]), hello);
            if (ses.reach != SmtpProbeResult.Reach.GREETED || !ses.starttlsAccepted) {
                return true;
            }
            raw.put(name, ses.raw);
        }
        return false;
    }

    /** One more connection up to STARTTLS, then a handshake for {@code a}, or {@code rawHello} and the server's answer. */
    private Session connect(InetSocketAddress target, String sni, Attempt a, byte[] rawHello) {
        Session ses = new Session();
        ses.attempt = a;
        ses.sni = sni;
        ses.rawHello = rawHello;
        try (Socket s = new Socket()) {
            ScheduledFuture<?> dog = WATCHDOG.schedule(() -> closeQuietly(s), connectionDeadline.toMillis(), TimeUnit.MILLISECONDS);
            try {
                s.connect(target, (int) connectTimeout.toMillis());
                s.setSoTimeout((int) readTimeout.toMillis());
                ses.dialog(s, false);
            } finally {
                dog.cancel(false);
            }
        } catch (IOException e) {
            if (a.name.equals(RENEGOTIATE)) {
                if (ses.renegotiation == null) {
                    ses.renegotiation = new ClientRenegotiation(ClientRenegotiation.Outcome.UNKNOWN, "connection failed: " + e.getMessage());
                }
            } else if (ses.handshake == null && rawHello == null) {
                ses.handshake = Handshake.failed(a.name, "connection failed: " + e.getMessage());
            }
            if (ses.raw == null && rawHello != null) {
                ses.raw = RawHandshake.failed(a.name, "connection failed: " + e.getMessage());
            }
        }
        return ses;
    }

    private record Attempt(String name, ProtocolVersion[] versions, int[] suites) {
    }

    /** One connection: greeting, EHLO, STARTTLS and (when it gets that far) one handshake. */
    private final class Session {
        SmtpProbeResult.Reach reach = SmtpProbeResult.Reach.NO_GREETING;
        String greeting = "";
        Optional<String> greetingHost = Optional.empty();
        List<String> ehlo = List.of();
        boolean starttlsOffered;
        boolean starttlsAccepted;
        List<String> auth = new ArrayList<>();
        String problem = "";
        Attempt attempt = new Attempt(DEFAULT, new ProtocolVersion[] {ProtocolVersion.TLSv13, ProtocolVersion.TLSv12,
                ProtocolVersion.TLSv11, ProtocolVersion.TLSv10}, concat(allSuites(true), allSuites(false)));
        Handshake handshake;
        boolean alertReceived;
        byte[] rawHello;
        RawHandshake raw;
        ClientRenegotiation renegotiation;
        String sni = "";

        /**
         * TLS 1.2 with the JDK's own JSSE client (the only stack here that initiates a renegotiation; Bouncy Castle
         * never does), then a second ClientHello on the same connection (RFC 5246 7.4.1.2, with RFC 5746
         * renegotiation_info). The second handshake is driven by reading: it is ACCEPTED when a second handshake
         * completes, REFUSED on an alert or close, UNKNOWN when the server stays silent until the read timeout.
         */
        ClientRenegotiation renegotiate(Socket s) {
            SSLSocket ssl;
            try {
                ssl = (SSLSocket) RENEGOTIATION_CONTEXT.getSocketFactory().createSocket(s,
                        sni.isEmpty() ? s.getInetAddress().getHostAddress() : sni, s.getPort(), false);
            } catch (IOException e) {
                return new ClientRenegotiation(ClientRenegotiation.Outcome.UNKNOWN, "no TLS socket: " + e.getMessage());
            }
            AtomicInteger completed = new AtomicInteger();
            try {
                ssl.setUseClientMode(true);
                ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
                SSLParameters params = ssl.getSSLParameters();
                if (!sni.isEmpty()) {
                    params.setServerNames(List.of(new SNIHostName(sni)));
                }
                ssl.setSSLParameters(params);
                ssl.addHandshakeCompletedListener(e -> completed.incrementAndGet());
                ssl.startHandshake();
            } catch (IOException | RuntimeException e) {
                // A server our JDK client cannot speak TLS 1.2 with (legacy suites only): no verdict, not a finding.
                return new ClientRenegotiation(ClientRenegotiation.Outcome.UNKNOWN, "first TLS 1.2 handshake failed: " + message(e));
            }
            String first = ssl.getSession().getCipherSuite();
            long deadline = System.nanoTime() + readTimeout.toNanos();
            try {
                ssl.setSoTimeout((int) Math.max(1, Math.min(200, readTimeout.toMillis())));
                ssl.startHandshake();
                InputStream in = ssl.getInputStream();
                while (System.nanoTime() < deadline) {
                    // handshake completion is announced on another thread, after the Finished message was read
                    if (completed.get() >= 2) {
                        return new ClientRenegotiation(ClientRenegotiation.Outcome.ACCEPTED,
                                "after a TLS 1.2 handshake (" + first + ") a client-initiated renegotiation completed ("
                                        + ssl.getSession().getCipherSuite() + ")");
                    }
                    try {
                        if (in.read() < 0) {
                            return new ClientRenegotiation(ClientRenegotiation.Outcome.REFUSED, "connection closed after the renegotiation ClientHello");
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // nothing to read: the renegotiation may have completed, look again
                    }
                }
                return completed.get() >= 2
                        ? new ClientRenegotiation(ClientRenegotiation.Outcome.ACCEPTED, "a client-initiated renegotiation completed")
                        : new ClientRenegotiation(ClientRenegotiation.Outcome.UNKNOWN, "no answer to the renegotiation ClientHello within "
                                + readTimeout.toMillis() + " ms");
            } catch (IOException | RuntimeException e) {
                return new ClientRenegotiation(ClientRenegotiation.Outcome.REFUSED, "renegotiation refused: " + message(e));
            } finally {
                closeQuietly(ssl);
            }
        }

        void dialog(Socket s, boolean firstConnection) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Reply g = readReply(in);
            greeting = String.join("\n", g.lines);
            if (g.code == 220) {
                reach = SmtpProbeResult.Reach.GREETED;
                String first = g.lines.isEmpty() ? "" : g.lines.get(0);
                String rest = first.length() > 4 ? first.substring(4).trim() : "";
                if (!rest.isEmpty()) {
                    greetingHost = Optional.of(rest.split("\\s+")[0].toLowerCase(Locale.ROOT));
                }
            } else if (g.code >= 400 && g.code < 500) {
                reach = SmtpProbeResult.Reach.TEMPORARILY_REFUSED;
                problem = "greeting " + g.code;
                return;
            } else {
                problem = g.code < 0 ? "no valid SMTP greeting: " + g.error : "greeting " + g.code;
                return;
            }
            write(out, "EHLO " + ehloName);
            Reply e = readReply(in);
            ehlo = e.lines;
            if (e.code != 250) {
                problem = "EHLO answered " + (e.code < 0 ? e.error : String.valueOf(e.code));
                return;
            }
            for (String line : e.lines) {
                String kw = line.length() > 4 ? line.substring(4).trim().toUpperCase(Locale.ROOT) : "";
                if (kw.equals("STARTTLS")) {
                    starttlsOffered = true;
                }
                if (kw.startsWith("AUTH ") || kw.startsWith("AUTH=")) {
                    for (String m : kw.substring(5).trim().split("\\s+")) {
                        if (!m.isEmpty() && !auth.contains(m)) {
                            auth.add(m);
                        }
                    }
                }
            }
            if (!starttlsOffered && firstConnection) {
                return;
            }
            write(out, "STARTTLS");
            Reply st = readReply(in);
            if (st.code != 220) {
                problem = "STARTTLS answered " + (st.code < 0 ? st.error : String.valueOf(st.code));
                if (st.code >= 400 && st.code < 500) {
                    reach = SmtpProbeResult.Reach.TEMPORARILY_REFUSED;
                }
                return;
            }
            starttlsAccepted = true;
            if (attempt.name.equals(RENEGOTIATE)) {
                renegotiation = renegotiate(s);
            } else if (rawHello != null) {
                raw = rawExchange(in, out);
            } else {
                handshake = tls(in, out);
            }
        }

        /** Sends the hand-built hello and reads the answer (bounded by {@link ServerFlight#MAX_BYTES} and the timeouts). */
        RawHandshake rawExchange(InputStream in, OutputStream out) {
            String name = attempt.name;
            try {
                out.write(rawHello);
                out.flush();
                ServerFlight f = ServerFlight.read(in);
                Optional<Boolean> valid = rawHello.length > 43 && rawHello[0] == 22 ? f.verifyWeakSignature(RawClientHello.clientRandom(rawHello))
                        : Optional.empty();
                return new RawHandshake(name, Optional.of(f), valid, "");
            } catch (ServerFlight.Malformed e) {
                return RawHandshake.failed(name, "malformed answer: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                return RawHandshake.failed(name, "no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }

        Handshake tls(InputStream in, OutputStream out) {
            Attempt a = attempt;
            List<X509Certificate> chain = new ArrayList<>();
            int[] dhBits = {-1};
            boolean[] done = new boolean[4];
            String[] negotiated = {"", ""};
            BcTlsCrypto crypto = new BcTlsCrypto(random);
            int[] offered = TlsUtils.getSupportedCipherSuites(crypto, a.suites);
            if (offered.length == 0) {
                return Handshake.failed(a.name, "no suite of this class is available to the prober");
            }
            DefaultTlsClient client = new DefaultTlsClient(crypto) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return a.versions;
                }

                @Override
                protected int[] getSupportedCipherSuites() {
                    return offered;
                }

                @Override
                protected Vector getSNIServerNames() {
                    if (sni.isEmpty()) {
                        return null;
                    }
                    Vector<ServerName> v = new Vector<>();
                    v.add(new ServerName(NameType.host_name, sni.getBytes(StandardCharsets.US_ASCII)));
                    return v;
                }

                @Override
                public TlsDHGroupVerifier getDHGroupVerifier() {
                    return group -> {
                        BigInteger p = group.getP();
                        dhBits[0] = p.bitLength();
                        return true;
                    };
                }

                @Override
                public void notifySecureRenegotiation(boolean secure) {
                    done[1] = secure;
                }

                @Override
                public void notifyHandshakeComplete() throws IOException {
                    super.notifyHandshakeComplete();
                    done[0] = true;
                    done[2] = context.getSecurityParametersConnection().isExtendedMasterSecret();
                    negotiated[0] = context.getServerVersion().getName().replace("TLS 1.", "TLSv1.").replace("TLS 1", "TLSv1");
                    negotiated[1] = SUITE_NAMES.getOrDefault(context.getSecurityParametersConnection().getCipherSuite(),
                            "0x" + Integer.toHexString(context.getSecurityParametersConnection().getCipherSuite()));
                }

                @Override
                public TlsAuthentication getAuthentication() {
                    return new TlsAuthentication() {
                        @Override
                        public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                            // BC's client sends status_request (RFC 6066 8) by default; a stapling server answers it
                            done[3] = sc.getCertificateStatus() != null;
                            CertificateFactory cf;
                            try {
                                cf = CertificateFactory.getInstance("X.509");
                                for (TlsCertificate c : sc.getCertificate().getCertificateList()) {
                                    chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
                                }
                            } catch (CertificateException e) {
                                throw new IOException("server certificate not parseable: " + e.getMessage(), e);
                            }
                        }

                        @Override
                        public TlsCredentials getClientCredentials(CertificateRequest r) {
                            return null;
                        }
                    };
                }
            };
            TlsClientProtocol protocol = new TlsClientProtocol(in, out);
            try {
                protocol.connect(client);
                protocol.close();
            } catch (IOException | RuntimeException e) {
                alertReceived = e instanceof org.bouncycastle.tls.TlsFatalAlertReceived;
                if (!done[0]) {
                    return Handshake.failed(a.name, String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                }
            }
            return new Handshake(a.name, true, normaliseVersion(negotiated[0]), negotiated[1], chain, done[1], done[2], done[3],
                    dhBits[0] > 0 ? OptionalInt.of(dhBits[0]) : OptionalInt.empty(), "");
        }

        SmtpProbeResult result(String label, Map<String, Handshake> hs, Map<String, RawHandshake> raw, boolean interrupted,
                               Optional<ClientRenegotiation> reneg) {
            Map<String, Handshake> all = new HashMap<>(hs);
            return new SmtpProbeResult(label, reach, greeting, greetingHost, ehlo, starttlsOffered, starttlsAccepted, auth, all, raw,
                    problem, interrupted, reneg);
        }
    }

    private static String normaliseVersion(String v) {
        return switch (v) {
            case "TLSv1.0" -> "TLSv1";
            default -> v;
        };
    }

    private record Reply(int code, List<String> lines, String error) {
    }

    /** Reads one SMTP reply (RFC 5321 4.2): lines {@code ddd-text} continue, {@code ddd text} ends. Bounded. */
    private static Reply readReply(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = readLine(in);
            if (line == null) {
                return new Reply(-1, lines, lines.isEmpty() ? "connection closed without a reply" : "connection closed mid-reply");
            }
            lines.add(line.length() > 200 ? line.substring(0, 200) + "..." : line);
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1)) || !Character.isDigit(line.charAt(2))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                return new Reply(-1, lines, "not an SMTP reply: " + printable(line));
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines, "");
            }
        }
        return new Reply(-1, lines, "reply longer than " + MAX_LINES + " lines");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("reply line longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
            if (sb.length() > 80) {
                break;
            }
        }
        return sb.toString();
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The JDK's JSSE client for the renegotiation test only. Its trust manager accepts every chain: the probe captures
     * certificates and never trusts them (validation is the CERT area's job), and this connection carries no mail.
     */
    private static SSLContext renegotiationContext() {
        X509ExtendedTrustManager acceptAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext c = SSLContext.getInstance("TLSv1.2", "SunJSSE");
            c.init(null, new TrustManager[] {acceptAll}, new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's SunJSSE provider is required", e);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing after the deadline; nothing to report
        }
    }

    private static ProtocolVersion[] versions(String v) {
        return switch (v) {
            case "TLSv1" -> new ProtocolVersion[] {ProtocolVersion.TLSv10};
            case "TLSv1.1" -> new ProtocolVersion[] {ProtocolVersion.TLSv11};
            case "TLSv1.2" -> new ProtocolVersion[] {ProtocolVersion.TLSv12};
            default -> new ProtocolVersion[] {ProtocolVersion.TLSv13};
        };
    }

    private static int[] allSuites(boolean tls13) {
        return SUITE_NAMES.entrySet().stream()
                .filter(e -> tls13 == !e.getValue().contains("_WITH_"))
                .filter(e -> CipherClass.of(e.getValue()) != CipherClass.INSECURE)
                .sorted((x, y) -> Integer.compare(CipherClass.of(x.getValue()).ordinal(), CipherClass.of(y.getValue()).ordinal()))
                .mapToInt(Map.Entry::getKey).toArray();
    }

    private static int[] suitesOf(CipherClass c) {
        return SUITE_NAMES.entrySet().stream()
                .filter(e -> e.getValue().contains("_WITH_") && CipherClass.of(e.getValue()) == c)
                .mapToInt(Map.Entry::getKey).sorted().toArray();
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static int[] reverse(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** IANA name of a suite number, e.g. {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}. */
    public static String suiteName(int suite) {
        return SUITE_NAMES.getOrDefault(suite, "0x" + Integer.toHexString(suite));
    }

    private static Map<Integer, String> suiteNames() {
        Map<Integer, String> m = new HashMap<>();
        for (Field f : CipherSuite.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith("TLS_")
                    && !f.getName().contains("SCSV") && !f.getName().contains("_PSK_") && !f.getName().contains("SRP")
                    && !f.getName().contains("GOST") && !f.getName().contains("SM4") && !f.getName().startsWith("TLS_KRB5")) {
                try {
                    m.putIfAbsent(f.getInt(null), f.getName());
                } catch (IllegalAccessException ignored) {
                    // public static field: cannot happen
                }
            }
        }
        return Map.copyOf(m);
    }
}
