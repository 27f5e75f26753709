package org.mailward.reports.generate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** {@link HttpsPoster} over the JDK HTTP client with a given TLS context (certificates verified by it). */
public final class JdkHttpsPoster implements HttpsPoster {

    private final HttpClient client;
    private final Duration timeout;

    public JdkHttpsPoster(SSLContext tls, Duration timeout) {
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    @Override
    public Posted post(URI uri, String contentType, byte[] body) throws IOException {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("not an https: URI: " + uri);
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            String text = resp.body() == null ? "" : resp.body().strip();
            return new Posted(resp.statusCode(), text.length() > 200 ? text.substring(0, 200) : text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
