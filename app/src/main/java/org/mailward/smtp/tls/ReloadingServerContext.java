package org.mailward.smtp.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server SSLContext from PEM files that is rebuilt when either file's modification time or size changes, checked
 * at most once per {@code checkIntervalMillis} (so new connections pick up a renewed certificate without a
 * restart). A reload that fails keeps the previous context and logs an error.
 */
public final class ReloadingServerContext implements Supplier<SSLContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingServerContext.class);

    private final Path chainFile;
    private final Path keyFile;
    private final long checkIntervalMillis;
    private volatile SSLContext current;
    private volatile String stamp;
    private volatile long lastCheck;

    public ReloadingServerContext(Path chainFile, Path keyFile, long checkIntervalMillis) throws IOException {
        this.chainFile = chainFile;
        this.keyFile = keyFile;
        this.checkIntervalMillis = checkIntervalMillis;
        this.stamp = stamp();
        this.current = KeyMaterial.loadPem(chainFile, keyFile).serverContext();
        this.lastCheck = System.currentTimeMillis();
    }

    private String stamp() throws IOException {
        FileTime a = Files.getLastModifiedTime(chainFile);
        FileTime b = Files.getLastModifiedTime(keyFile);
        return a.toMillis() + "/" + Files.size(chainFile) + "/" + b.toMillis() + "/" + Files.size(keyFile);
    }

    @Override
    public SSLContext get() {
        long now = System.currentTimeMillis();
        if (now - lastCheck >= checkIntervalMillis) {
            synchronized (this) {
                if (now - lastCheck >= checkIntervalMillis) {
                    lastCheck = now;
                    try {
                        String s = stamp();
                        if (!s.equals(stamp)) {
                            current = KeyMaterial.loadPem(chainFile, keyFile).serverContext();
                            stamp = s;
                            LOG.info("TLS certificate reloaded from {}", chainFile);
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.error("TLS certificate reload from {} failed, keeping the previous one: {}", chainFile, e.toString());
                    }
                }
            }
        }
        return current;
    }
}
