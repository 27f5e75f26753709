package org.mailward.gateway.observe;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code GET /metrics} (Prometheus text format 0.0.4) with the JDK's HTTP server on the configured address.
 * Anything else is 404, other methods 405. Bind it to a management address: the numbers reveal traffic patterns.
 */
public final class MetricsServer implements AutoCloseable {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(InetSocketAddress bind, GatewayMetrics metrics) throws IOException {
        HttpServer s = HttpServer.create(bind, 16);
        MetricsServer m = new MetricsServer(s);
        s.createContext("/", ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals("/metrics")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().add("Allow", "GET, HEAD");
                    ex.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body;
                try {
                    body = metrics.render().getBytes(StandardCharsets.UTF_8);
                } catch (IOException | RuntimeException e) {
                    byte[] err = ("cannot read the spool: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(500, err.length);
                    ex.getResponseBody().write(err);
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.sendResponseHeaders(200, -1);
                    return;
                }
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
        });
        s.setExecutor(m.executor);
        s.start();
        return m;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
