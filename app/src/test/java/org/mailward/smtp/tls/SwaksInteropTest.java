package org.mailward.smtp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailward.smtp.Decision;
import org.mailward.smtp.SessionHandler;
import org.mailward.smtp.SessionInfo;
import org.mailward.smtp.SmtpServer;
import org.mailward.smtp.SmtpServerConfig;

/** swaks (a real, independent SMTP client) sends to our server over STARTTLS. */
@Tag("interop")
class SwaksInteropTest {

    @Test
    void swaksSendsOverStartTls() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "swaks not installed");
        List<String> got = new CopyOnWriteArrayList<>();
        List<SessionInfo> sessions = new CopyOnWriteArrayList<>();
        KeyMaterial k = KeyMaterial.selfSigned("mx.test.example", Clock.systemUTC(), Duration.ofDays(1));
        SessionHandler h = (s, t, m) -> {
            got.add(new String(m, StandardCharsets.UTF_8));
            sessions.add(s);
            return Decision.accept();
        };
        try (SmtpServer server = SmtpServer.start(SmtpServerConfig.of("swaks", new InetSocketAddress("127.0.0.1", 0), "mx.test.example")
                .withTls(new SmtpServerConfig.ServerTls(k::serverContext, TlsProfile.ncsc())), h)) {
            Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + server.port(), "--tls", "--pipeline",
                    "--ehlo", "client.example", "--from", "a@sender.example", "--to", "x@rcpt.example",
                    "--header", "Subject: via swaks", "--body", ".leading dot\nline two")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(got).hasSize(1);
            assertThat(got.get(0)).contains("Subject: via swaks", "\r\n.leading dot\r\nline two");
            assertThat(sessions.get(0).tls()).isPresent();
            assertThat(sessions.get(0).tls().get().protocol()).isIn("TLSv1.3", "TLSv1.2");
        }
    }
}
