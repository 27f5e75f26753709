package org.mailward.check.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 3.3) from an address the caller
 * resolved through Mailward's resolver, on a configurable port. The certificate chain is captured, not trusted here
 * (the checker validates it, so an untrusted certificate is a finding and the policy is still read). Redirects are
 * not followed. Bounded: connect timeout, read timeout, a hard deadline per fetch, a header cap and a body cap
 * (one byte more than the cap is read to detect an oversized policy).
 */
public final class PolicyFetcher {

    public static final String PATH = "/.well-known/mta-sts.txt";
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "policy-fetch-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final int MAX_HEADER = 16 * 1024;

    /** What a fetch produced. */
    public sealed interface Result {
        String url();
    }

    /** TCP or TLS failed, or the deadline passed. */
    public record Failed(String url, String reason, boolean timedOut) implements Result {
    }

    /** An HTTP response (of any status). {@code body} holds at most cap+1 bytes; {@code oversized} when cut. */
    public record Response(String url, int status, Map<String, String> headers, byte[] body, boolean oversized,
                           List<X509Certificate> chain, String tlsVersion) implements Result {
        public Response {
            headers = Map.copyOf(headers);
            body = body.clone();
            chain = List.copyOf(chain);
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration deadline;
    private final int maxBody;

    public PolicyFetcher(Duration connectTimeout, Duration readTimeout, Duration deadline, int maxBody) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.deadline = deadline;
        this.maxBody = maxBody;
    }

    /** GET the policy from {@code address:port} with SNI and Host {@code host}. Never throws for network outcomes. */
    public Result fetch(String host, InetAddress address, int port) {
        return get(true, host, address, port, PATH, "text/plain");
    }

    /**
     * GET {@code path} (with query) from {@code address:port} with Host {@code host}, over TLS (SNI {@code host}, chain
     * captured, not trusted) or plain HTTP, with the same bounds as the policy fetch. Never throws for network outcomes.
     */
    public Result get(boolean tls, String host, InetAddress address, int port, String path, String accept) {
        String url = (tls ? "https://" : "http://") + host + (port == (tls ? 443 : 80) ? "" : ":" + port) + path;
        List<X509Certificate> captured = new ArrayList<>();
        boolean[] timedOut = {false};
        try (Socket raw = new Socket()) {
            ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
                timedOut[0] = true;
                try {
                    raw.close();
                } catch (IOException ignored) {
                    // deadline reached; the reader sees the closed socket
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
            try {
                raw.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
                raw.setSoTimeout((int) readTimeout.toMillis());
                Socket s = raw;
                String version = "";
                if (tls) {
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, new TrustManager[] {capturing(captured)}, new SecureRandom());
                    SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, true);
                    SSLParameters p = ssl.getSSLParameters();
                    p.setServerNames(List.of(new SNIHostName(host)));
                    ssl.setSSLParameters(p);
                    ssl.startHandshake();
                    version = ssl.getSession().getProtocol();
                    s = ssl;
                }
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: mailward-check\r\nAccept: " + accept + "\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String head = readHead(in);
                String[] lines = head.split("\r?\n");
                String[] status = lines[0].split(" ", 3);
                if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("\\d{3}")) {
                    return new Failed(url, "not an HTTP response: " + lines[0].substring(0, Math.min(80, lines[0].length())), false);
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    if (c > 0) {
                        headers.putIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
                    }
                }
                byte[] body;
                if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                    body = readChunked(in);
                } else if (headers.containsKey("content-length") && headers.get("content-length").matches("\\d{1,12}")) {
                    long len = Long.parseLong(headers.get("content-length"));
                    body = readUpTo(in, (int) Math.min(len, (long) maxBody + 1));
                } else {
                    body = readUpTo(in, maxBody + 1);
                }
                boolean oversized = body.length > maxBody;
                return new Response(url, Integer.parseInt(status[1]), headers, oversized ? Arrays.copyOf(body, maxBody) : body, oversized,
                        captured, version);
            } finally {
                dog.cancel(false);
            }
        } catch (SocketTimeoutException e) {
            return new Failed(url, "timed out: " + e.getMessage(), true);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (timedOut[0]) {
                return new Failed(url, "no complete answer within " + deadline.toSeconds() + " s", true);
            }
            return new Failed(url, String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), false);
        }
    }

    private static X509TrustManager capturing(List<X509Certificate> into) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // client side only
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // Captured for the checker to validate against its own trust anchors and clock.
                into.clear();
                into.addAll(Arrays.asList(chain));
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            b.write(c);
            int n = b.size();
            byte[] a = b.toByteArray();
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n'
                    || n >= 2 && a[n - 2] == '\n' && a[n - 1] == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (n > MAX_HEADER) {
                throw new IOException("HTTP header longer than " + MAX_HEADER + " bytes");
            }
        }
        throw new IOException("connection closed before the end of the HTTP header");
    }

    private byte[] readUpTo(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while (b.size() < limit && (n = in.read(buf, 0, Math.min(buf.length, limit - b.size()))) != -1) {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    private byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() <= maxBody) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (line.length() > 100) {
                    throw new IOException("malformed chunk size line");
                }
                line.append((char) c);
            }
            String size = line.toString().trim();
            int semi = size.indexOf(';');
            if (semi >= 0) {
                size = size.substring(0, semi);
            }
            if (!size.matches("[0-9a-fA-F]{1,7}")) {
                throw new IOException("malformed chunk size '" + size + "'");
            }
            int len = Integer.parseInt(size, 16);
            if (len == 0) {
                break;
            }
            b.write(readUpTo(in, Math.min(len, maxBody + 1 - b.size())));
            in.read();
            in.read();
        }
        return b.toByteArray();
    }
}
