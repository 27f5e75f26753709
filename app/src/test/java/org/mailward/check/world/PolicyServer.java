package org.mailward.check.world;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** An HTTPS server (JDK HttpsServer) on a loopback address serving one MTA-STS policy answer, possibly hostile. */
public final class PolicyServer implements AutoCloseable {

    /** The answer: status, content type, body, and a delay between 1-byte writes (0: write at once). */
    public record Answer(int status, String contentType, String body, long dripMillis, String location) {
        public static Answer policy(String body) {
            return new Answer(200, "text/plain; charset=utf-8", body, 0, "");
        }
    }

    private final HttpsServer server;

    public PolicyServer(InetAddress address, int port, TestCerts.Identity identity, Answer answer) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(address, port), 16);
        char[] pw = "test".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(identity.keyStore(pw), pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                if (!answer.contentType().isEmpty()) {
                    ex.getResponseHeaders().add("Content-Type", answer.contentType());
                }
                if (!answer.location().isEmpty()) {
                    ex.getResponseHeaders().add("Location", answer.location());
                }
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                if (!ex.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.sendResponseHeaders(answer.status(), answer.dripMillis() > 0 ? 0 : body.length == 0 ? -1 : body.length);
                OutputStream out = ex.getResponseBody();
                if (answer.dripMillis() > 0) {
                    for (byte b : body) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(answer.dripMillis());
                    }
                } else {
                    out.write(body);
                }
            } catch (IOException | InterruptedException e) {
                // client went away (the checker gave up on a slow policy): expected
            }
        });
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
