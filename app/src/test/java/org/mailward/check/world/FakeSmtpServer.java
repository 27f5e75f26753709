package org.mailward.check.world;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Security;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * A tiny SMTP listener on a loopback address for checker tests: greeting, EHLO, optional STARTTLS, then a TLS
 * handshake with chosen versions, suites and certificate (Bouncy Castle JSSE, so TLS 1.0 and legacy suites can be
 * accepted), or a chosen misbehaviour (silence, garbage, 421, stall after STARTTLS). It accepts no mail.
 */
public final class FakeSmtpServer implements AutoCloseable {

    public enum Mode { NORMAL, SILENT, GARBAGE, BUSY, STALL_TLS }

    /** TLS 1.3 suites and ECDHE + AES-GCM/ChaCha20 for TLS 1.2 (the "good" class of CHECKS.md 7). */
    public static final List<String> GOOD_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

    /** How the server behaves. {@code protocols}/{@code suites} empty: BC defaults. */
    public record Setup(String bannerHost, boolean starttls, List<String> protocols, List<String> suites, TestCerts.Identity identity,
                        boolean authPlain, Mode mode, boolean serverOrder) {
        public static Setup good(String host, TestCerts.Identity id) {
            return new Setup(host, true, List.of("TLSv1.3", "TLSv1.2"), GOOD_SUITES, id, false, Mode.NORMAL, true);
        }

        public Setup with(Mode m) {
            return new Setup(bannerHost, starttls, protocols, suites, identity, authPlain, m, serverOrder);
        }

        public Setup protocols(String... p) {
            return new Setup(bannerHost, starttls, List.of(p), suites, identity, authPlain, mode, serverOrder);
        }

        public Setup suites(String... x) {
            return new Setup(bannerHost, starttls, protocols, List.of(x), identity, authPlain, mode, serverOrder);
        }

        public Setup noStarttls() {
            return new Setup(bannerHost, false, protocols, suites, identity, authPlain, mode, serverOrder);
        }

        public Setup withAuthPlain() {
            return new Setup(bannerHost, starttls, protocols, suites, identity, true, mode, serverOrder);
        }

        public Setup clientOrder() {
            return new Setup(bannerHost, starttls, protocols, suites, identity, authPlain, mode, false);
        }

        public Setup banner(String host) {
            return new Setup(host, starttls, protocols, suites, identity, authPlain, mode, serverOrder);
        }
    }

    /**
     * TLS behaviour beyond {@link Setup} (TLS/certificate areas): a scripted answer for the ClientHellos a misbehaviour
     * applies to (all other hellos go to the real stack), BC JSSE signature schemes, and a key manager that serves the
     * identity whatever its key usages say (BC's own would refuse a certificate without serverAuth).
     */
    public record TlsExtras(ScriptedTls.Misbehaviour script, List<String> signatureSchemes, boolean anyUsageKeyManager, Stack stack) {
        public static final TlsExtras NONE = new TlsExtras(null, List.of(), false, Stack.BC_JSSE);

        public TlsExtras(ScriptedTls.Misbehaviour script, List<String> signatureSchemes, boolean anyUsageKeyManager) {
            this(script, signatureSchemes, anyUsageKeyManager, Stack.BC_JSSE);
        }

        /**
         * The JDK's own JSSE server instead of BC JSSE: it accepts client-initiated TLS 1.2 renegotiation (unless the
         * JVM-wide {@code jdk.tls.rejectClientInitiatedRenegotiation} is set, which the tests never do), while BC
         * refuses every renegotiation.
         */
        public static TlsExtras jdk() {
            return new TlsExtras(null, List.of(), false, Stack.JDK);
        }

        /** {@link NoEmsTlsServer}: TLS 1.2 only, without Extended Master Secret. */
        public static TlsExtras noExtendedMasterSecret() {
            return new TlsExtras(null, List.of(), false, Stack.BC_NO_EMS);
        }

        public static TlsExtras scripted(ScriptedTls.Misbehaviour m) {
            return new TlsExtras(m, List.of(), false);
        }
    }

    /** Which TLS server answers after STARTTLS. */
    public enum Stack { BC_JSSE, JDK, BC_NO_EMS }

    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
    private static final BouncyCastleJsseProvider JSSE = legacyJsse();
    private final ServerSocket server;
    private final Setup setup;
    private final TlsExtras extras;
    private final SSLContext ctx;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    public final AtomicInteger connections = new AtomicInteger();

    /**
     * BC JSSE reads {@code jdk.tls.disabledAlgorithms} once, when its constraints class initialises. The test server
     * must accept TLS 1.0 and legacy suites, so the property is emptied just for that moment and then restored.
     * (The product's prober does not use JSSE at all.)
     */
    private static synchronized BouncyCastleJsseProvider legacyJsse() {
        // BC JSSE logs every connection at INFO through java.util.logging: keep test output readable.
        QUIET.setLevel(java.util.logging.Level.SEVERE);
        String saved = Security.getProperty("jdk.tls.disabledAlgorithms");
        try {
            Security.setProperty("jdk.tls.disabledAlgorithms", "");
            BouncyCastleJsseProvider p = new BouncyCastleJsseProvider(new BouncyCastleProvider());
            SSLContext c = SSLContext.getInstance("TLS", p);
            c.init(null, null, new SecureRandom());
            c.createSSLEngine().getSSLParameters();
            return p;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            Security.setProperty("jdk.tls.disabledAlgorithms", saved == null ? "" : saved);
        }
    }

    public FakeSmtpServer(InetAddress address, int port, Setup setup) throws Exception {
        this(address, port, setup, TlsExtras.NONE);
    }

    public FakeSmtpServer(InetAddress address, int port, Setup setup, TlsExtras extras) throws Exception {
        this.setup = setup;
        this.extras = extras;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port));
        if (setup.identity() != null) {
            char[] pw = "test".toCharArray();
            KeyManagerFactory kmf = extras.stack() == Stack.JDK ? KeyManagerFactory.getInstance("SunX509", "SunJSSE")
                    : KeyManagerFactory.getInstance("PKIX", JSSE);
            kmf.init(setup.identity().keyStore(pw), pw);
            ctx = extras.stack() == Stack.JDK ? SSLContext.getInstance("TLS", "SunJSSE") : SSLContext.getInstance("TLS", JSSE);
            ctx.init(extras.anyUsageKeyManager() ? new javax.net.ssl.KeyManager[] {anyUsage(setup.identity())} : kmf.getKeyManagers(),
                    null, new SecureRandom());
        } else {
            ctx = null;
        }
        threads.submit(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                threads.submit(() -> session(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            switch (setup.mode()) {
                case SILENT -> {
                    Thread.sleep(60_000);
                    return;
                }
                case GARBAGE -> {
                    out.write("\u0000\u00ff\u0010HELLO?? this is not smtp\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(2000);
                    return;
                }
                case BUSY -> {
                    out.write("421 4.7.0 too busy, try later\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                default -> {
                }
            }
            write(out, "220 " + setup.bannerHost() + " ESMTP test");
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.toUpperCase(java.util.Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    StringBuilder sb = new StringBuilder("250-" + setup.bannerHost() + "\r\n250-PIPELINING\r\n");
                    if (setup.authPlain()) {
                        sb.append("250-AUTH PLAIN LOGIN\r\n");
                    }
                    if (setup.starttls()) {
                        sb.append("250-STARTTLS\r\n");
                    }
                    sb.append("250 8BITMIME");
                    write(out, sb.toString());
                } else if (cmd.equals("STARTTLS") && setup.starttls()) {
                    write(out, "220 2.0.0 go ahead");
                    if (setup.mode() == Mode.STALL_TLS) {
                        Thread.sleep(60_000);
                        return;
                    }
                    if (extras.stack() == Stack.BC_NO_EMS) {
                        try {
                            NoEmsTlsServer.serve(s.getInputStream(), out, setup.identity());
                        } catch (IOException e) {
                            // the prober closes after the handshake or aborts it: expected
                        }
                        return;
                    }
                    SSLSocket tls;
                    if (extras == TlsExtras.NONE) {
                        tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, "localhost", s.getPort(), false);
                    } else {
                        java.io.ByteArrayOutputStream consumed = new java.io.ByteArrayOutputStream();
                        java.util.Optional<ScriptedTls.ClientHello> hello = ScriptedTls.readClientHello(s.getInputStream(), consumed);
                        if (hello.isEmpty()) {
                            return;
                        }
                        if (extras.script() != null && extras.script().applies(hello.get())) {
                            out.write(extras.script().answer(hello.get(), setup.identity()));
                            out.flush();
                            s.getInputStream().read(); // until the prober closes
                            return;
                        }
                        tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, new java.io.ByteArrayInputStream(consumed.toByteArray()), false);
                    }
                    tls.setUseClientMode(false);
                    SSLParameters p = tls.getSSLParameters();
                    if (!setup.protocols().isEmpty()) {
                        p.setProtocols(setup.protocols().toArray(new String[0]));
                    }
                    if (!setup.suites().isEmpty()) {
                        p.setCipherSuites(setup.suites().toArray(new String[0]));
                    }
                    p.setUseCipherSuitesOrder(setup.serverOrder());
                    tls.setSSLParameters(p);
                    if (!extras.signatureSchemes().isEmpty()) {
                        org.bouncycastle.jsse.BCSSLSocket bc = (org.bouncycastle.jsse.BCSSLSocket) tls;
                        org.bouncycastle.jsse.BCSSLParameters bp = bc.getParameters();
                        bp.setSignatureSchemes(extras.signatureSchemes().toArray(new String[0]));
                        bc.setParameters(bp);
                    }
                    try {
                        tls.startHandshake();
                        // reading also answers a renegotiation ClientHello (the JDK server completes it, BC refuses)
                        tls.getInputStream().read();
                    } catch (IOException e) {
                        // the prober closes after the handshake or aborts it: expected
                    }
                    return;
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else {
                    write(out, "502 5.5.1 not implemented");
                }
            }
        } catch (Exception e) {
            // connection ended (or a scripted answer could not be built: the prober sees a close)
        }
    }

    /** Serves {@code id} for every key type, without BC's key-usage / extendedKeyUsage filtering. */
    private static javax.net.ssl.X509ExtendedKeyManager anyUsage(TestCerts.Identity id) {
        return new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"key"};
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
                boolean ec = id.key().getAlgorithm().equals("EC");
                // BC asks with "EC/secp256r1" or "RSA" (TLS 1.3 schemes) and "ECDHE_ECDSA", "ECDHE_RSA", "RSA" (TLS 1.2 suites)
                return (ec ? keyType.startsWith("EC/") || keyType.equals("EC") || keyType.contains("ECDSA")
                        : keyType.contains("RSA") && !keyType.equals("RSASSA-PSS")) ? "key" : null;
            }

            @Override
            public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return chooseServerAlias(keyType, issuers, null);
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return id.chain().toArray(new java.security.cert.X509Certificate[0]);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return id.key();
            }
        };
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
