package org.mailward.testing;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;
import org.mailward.smtp.tls.KeyMaterial;

/**
 * A throwaway Dovecot IMAP server (Debian's dovecot-imapd) for interop tests: its own configuration (no system
 * config, no system service: {@code dovecot -c CONFIG -F}, stopped by killing that process), run directory, log
 * and maildirs in a temp dir; one passwd-file user; a generated self-signed certificate for {@link #CERTIFICATE_NAME} and
 * 127.0.0.1 ({@link #certificatePem()} is the trust store a client needs). Listens on 127.0.0.1 on two free ports:
 * {@link #imapsPort()} (implicit TLS) and {@link #imapPort()} (STARTTLS; no login before it). Skips the calling
 * test when dovecot is not installed (.ci/run installs it).
 *
 * <p>As root the login processes run as {@code dovenull} and the mail processes as {@code dovecot} (Dovecot
 * refuses root for both); otherwise everything runs as the current user.
 */
public final class DovecotServer implements AutoCloseable {

    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

    public static final String USER = "reports";

    /** The DNS name in the certificate (besides 127.0.0.1). */
    public static final String CERTIFICATE_NAME = "localhost";

    private final Process process;
    private final Path dir;
    private final int imapsPort;
    private final int imapPort;
    private final String password;
    private final X509Certificate certificate;

    private DovecotServer(Process process, Path dir, int imapsPort, int imapPort, String password, X509Certificate certificate) {
        this.process = process;
        this.dir = dir;
        this.imapsPort = imapsPort;
        this.imapPort = imapPort;
        this.password = password;
        this.certificate = certificate;
    }

    public static boolean available() {
        return Files.isExecutable(DOVECOT);
    }

    public static DovecotServer start() throws Exception {
        Assumptions.assumeTrue(available(), "dovecot not installed (apt-get install dovecot-imapd): skipping");
        Path dir = Files.createTempDirectory("mw-dovecot");
        // the mail and login processes run as other users: they must be able to traverse the directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String mailUser = root ? "dovecot" : System.getProperty("user.name");
        String loginUser = root ? "dovenull" : mailUser;
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Path home = Files.createDirectories(dir.resolve("home"));
        if (root) {
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(mail, lookup.lookupPrincipalByName(mailUser));
            Files.setOwner(home, lookup.lookupPrincipalByName(mailUser));
        }
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        KeyMaterial km = selfSigned();
        km.writePem(cert, key);
        String password = "pw-" + Long.toHexString(new SecureRandom().nextLong());
        Files.writeString(dir.resolve("users"), USER + ":{PLAIN}" + password + ":" + mailUser + ":" + mailUser + "::" + home.resolve(USER) + "::\n");
        int imaps = freePort();
        int imap = freePort();
        String conf = """
                base_dir = %1$s/run
                state_dir = %1$s/state
                instance_name = mailward-test-%2$d
                listen = 127.0.0.1
                protocols = imap
                log_path = %1$s/dovecot.log
                ssl = required
                ssl_cert = <%1$s/cert.pem
                ssl_key = <%1$s/key.pem
                ssl_min_protocol = TLSv1.2
                disable_plaintext_auth = yes
                auth_mechanisms = plain login
                default_internal_user = %3$s
                default_internal_group = %3$s
                default_login_user = %4$s
                first_valid_uid = 1
                mail_location = maildir:%1$s/mail/%%u
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN %1$s/users
                }
                userdb {
                  driver = passwd-file
                  args = %1$s/users
                }
                service imap-login {
                  chroot =
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %5$d
                  }
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = %6$d
                    ssl = yes
                  }
                }
                service anvil {
                  chroot =
                }
                """.formatted(dir, imaps, mailUser, loginUser, imap, imaps);
        Files.createDirectories(dir.resolve("state"));
        Path confFile = dir.resolve("dovecot.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(DOVECOT.toString(), "-c", confFile.toString(), "-F")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dovecot.out").toFile())
                .start();
        DovecotServer server = new DovecotServer(p, dir, imaps, imap, password, km.chain().get(0));
        server.awaitListening();
        return server;
    }

    private static KeyMaterial selfSigned() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=" + CERTIFICATE_NAME);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()).abs(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), name, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, CERTIFICATE_NAME), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        return new KeyMaterial(List.of(c), kp.getPrivate());
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dovecot exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), imapsPort), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("dovecot did not listen within 20 s: " + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int imapsPort() {
        return imapsPort;
    }

    public int imapPort() {
        return imapPort;
    }

    public String password() {
        return password;
    }

    /** The server certificate as PEM: the trust store for clients. */
    public String certificatePem() throws IOException {
        return Files.readString(dir.resolve("cert.pem"));
    }

    /** A client SSLContext trusting only this server's certificate. */
    public SSLContext clientTls() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("dovecot", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    public String log() {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("dovecot.out", "dovecot.log")) {
            try {
                b.append(Files.readString(dir.resolve(f)));
            } catch (IOException e) {
                // not written yet
            }
        }
        return b.toString();
    }

    /** The test's own IMAP session (Angus Mail over implicit TLS) for seeding and inspecting the mailbox. */
    private Store connect() throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.ssl.socketFactory", clientTls().getSocketFactory());
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        p.put("mail.imaps.connectiontimeout", "10000");
        p.put("mail.imaps.timeout", "10000");
        Store s = Session.getInstance(p).getStore("imaps");
        s.connect("127.0.0.1", imapsPort, USER, password);
        return s;
    }

    /** Creates a folder (for --after move:FOLDER). */
    public void createFolder(String name) throws Exception {
        try (Store s = connect()) {
            Folder f = s.getFolder(name);
            if (!f.exists() && !f.create(Folder.HOLDS_MESSAGES)) {
                throw new IOException("cannot create folder " + name);
            }
        }
    }

    /** APPENDs raw RFC 5322 messages to a folder, unseen. */
    public void append(String folder, List<byte[]> messages) throws Exception {
        try (Store s = connect()) {
            Folder f = s.getFolder(folder);
            if (!f.exists()) {
                f.create(Folder.HOLDS_MESSAGES);
            }
            Session session = Session.getInstance(new Properties());
            List<Message> ms = new ArrayList<>();
            for (byte[] m : messages) {
                MimeMessage mm = new MimeMessage(session, new ByteArrayInputStream(m));
                mm.setFlags(new Flags(Flags.Flag.SEEN), false);
                ms.add(mm);
            }
            f.appendMessages(ms.toArray(Message[]::new));
        }
    }

    /** A message in a folder as the server has it: UID, flags and raw bytes. */
    public record Stored(long uid, boolean seen, boolean deleted, byte[] bytes) {
    }

    public List<Stored> messages(String folder) throws Exception {
        try (Store s = connect()) {
            Folder f = s.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            try {
                List<Stored> out = new ArrayList<>();
                for (Message m : f.getMessages()) {
                    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                    ((org.eclipse.angus.mail.imap.IMAPMessage) m).setPeek(true);
                    m.writeTo(b);
                    out.add(new Stored(((UIDFolder) f).getUID(m), m.isSet(Flags.Flag.SEEN), m.isSet(Flags.Flag.DELETED), b.toByteArray()));
                }
                return out;
            } finally {
                f.close(false);
            }
        } catch (MessagingException e) {
            throw new IOException("cannot list " + folder + ": " + e.getMessage() + "\n" + log(), e);
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the dovecot master stops its children
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
