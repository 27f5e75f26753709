package org.mailward.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SMTP sink on 127.0.0.1 (ephemeral port) for tests: accepts every MAIL, RCPT and DATA and keeps each
 * message with its envelope, dot-unstuffed, with CRLF line ends. One connection at a time.
 */
public final class SmtpSink implements AutoCloseable {

    /** One received message. */
    public record Received(String mailFrom, List<String> rcptTo, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final Thread thread;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public SmtpSink() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = Thread.ofPlatform().daemon().name("smtp-sink").start(this::run);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void run() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                session(s);
            } catch (IOException e) {
                // closed, or the client went away: next connection
            }
        }
    }

    private void session(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        reply(out, "220 sink.test ESMTP");
        String from = "";
        List<String> to = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                reply(out, "250-sink.test\r\n250 8BITMIME");
            } else if (upper.startsWith("MAIL FROM:")) {
                from = path(line.substring(10));
                to = new ArrayList<>();
                reply(out, "250 2.1.0 ok");
            } else if (upper.startsWith("RCPT TO:")) {
                to.add(path(line.substring(8)));
                reply(out, "250 2.1.5 ok");
            } else if (upper.equals("DATA")) {
                reply(out, "354 go on");
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                String l;
                while ((l = in.readLine()) != null && !l.equals(".")) {
                    String body = l.startsWith(".") ? l.substring(1) : l;
                    data.write((body + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                received.add(new Received(from, List.copyOf(to), data.toByteArray()));
                reply(out, "250 2.0.0 queued as " + received.size());
            } else if (upper.equals("QUIT")) {
                reply(out, "221 2.0.0 bye");
                return;
            } else {
                reply(out, "250 ok");
            }
        }
    }

    private static String path(String s) {
        String t = s.strip();
        int lt = t.indexOf('<');
        int gt = t.indexOf('>');
        return lt >= 0 && gt > lt ? t.substring(lt + 1, gt) : t;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
