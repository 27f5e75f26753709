package org.mailward.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A byte-exact test client: writes raw octets, reads reply lines. */
final class RawClient implements AutoCloseable {
    Socket socket;
    InputStream in;
    OutputStream out;

    RawClient(InetSocketAddress a) throws IOException {
        socket = new Socket();
        socket.connect(a, 2000);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one complete reply (all lines up to the one with a space after the code). */
    String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return all.isEmpty() ? null : all.toString();
            }
            all.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) == ' ') {
                return all.toString().trim();
            }
        }
    }

    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** True when the server closed the connection (EOF) within the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
