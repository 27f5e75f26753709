package org.mailward.smtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP listener: accepts connections and runs one {@link SmtpSession} per connection on a virtual thread.
 * {@link #close(Duration)} stops accepting, tells idle clients 421 and lets transactions in progress finish
 * within the grace period (then closes what is left).
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpServer.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final SmtpServerConfig config;
    private final SessionHandler handler;
    private final ServerSocket serverSocket;
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;
    private final int maxConnections;

    private SmtpServer(SmtpServerConfig config, SessionHandler handler, int maxConnections) throws IOException {
        this.config = config;
        this.handler = handler;
        this.maxConnections = maxConnections;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(config.bind(), 128);
        this.acceptor = Thread.ofVirtual().name("smtp-accept-" + config.name()).unstarted(this::acceptLoop);
    }

    /** Binds and starts accepting. */
    public static SmtpServer start(SmtpServerConfig config, SessionHandler handler) throws IOException {
        return start(config, handler, 1000);
    }

    public static SmtpServer start(SmtpServerConfig config, SessionHandler handler, int maxConnections) throws IOException {
        SmtpServer s = new SmtpServer(config, handler, maxConnections);
        s.acceptor.start();
        LOG.info("listener {} on {}", config.name(), s.address());
        return s;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public SmtpServerConfig config() {
        return config;
    }

    public int activeSessions() {
        return sessions.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (SocketException e) {
                if (!closed) {
                    LOG.error("listener {}: accept failed: {}", config.name(), e.toString());
                }
                return;
            } catch (IOException e) {
                LOG.error("listener {}: accept failed: {}", config.name(), e.toString());
                continue;
            }
            try {
                s.setTcpNoDelay(true);
            } catch (SocketException e) {
                // not fatal
            }
            if (sessions.size() >= maxConnections) {
                try (s) {
                    s.getOutputStream().write(SmtpReply.of(421, "4.7.0", config.hostname() + " Too many connections").render(false));
                } catch (IOException e) {
                    // gone
                }
                continue;
            }
            SmtpSession session = new SmtpSession(this, config, handler, s, config.name() + "-" + IDS.incrementAndGet());
            sessions.add(session);
            if (closed) {
                session.shutdown();
            }
            Thread.ofVirtual().name("smtp-" + config.name()).start(session);
        }
    }

    void finished(SmtpSession session) {
        sessions.remove(session);
    }

    /** Graceful shutdown: see class documentation. */
    public void close(Duration grace) {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (SmtpSession s : sessions) {
            s.shutdown();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (SmtpSession s : sessions) {
            s.closeQuietly();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
