package org.mailward.check.world;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A plain HTTP or HTTPS server (JDK HttpServer) on a loopback address that answers GET requests from a function of
 * the request path and query: BIMI logos and mark certificates, CRLs and OCSP responses for the checker tests.
 */
public final class AssetServer implements AutoCloseable {

    /** One answer: status, content type and body. */
    public record Asset(int status, String contentType, byte[] body) {
        public static Asset ok(String contentType, byte[] body) {
            return new Asset(200, contentType, body);
        }
    }

    private final HttpServer server;

    /**
     * @param tls     the server identity for HTTPS; empty for plain HTTP
     * @param answers path (with "?query" when present) to answer; an empty result is a 404
     */
    public AssetServer(InetAddress address, int port, Optional<TestCerts.Identity> tls, Function<String, Optional<Asset>> answers) throws Exception {
        if (tls.isPresent()) {
            HttpsServer s = HttpsServer.create(new InetSocketAddress(address, port), 16);
            char[] pw = "test".toCharArray();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(tls.get().keyStore(pw), pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            s.setHttpsConfigurator(new HttpsConfigurator(ctx));
            server = s;
        } else {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String q = ex.getRequestURI().getRawQuery();
                Optional<Asset> a = answers.apply(ex.getRequestURI().getRawPath() + (q == null ? "" : "?" + q));
                if (a.isEmpty()) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", a.get().contentType());
                byte[] body = a.get().body();
                ex.sendResponseHeaders(a.get().status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away: expected in timeout tests
            }
        });
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
