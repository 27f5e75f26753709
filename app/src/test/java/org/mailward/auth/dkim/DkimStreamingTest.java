package org.mailward.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mailward.auth.message.MessageReader;

/**
 * A 50 MB message verifies while the body streams past: the body is generated on the fly (never in memory as a
 * whole), hashed once with an independent canonicaliser to build a valid signature, then streamed again through the
 * verifier while heap use after GC is sampled every 10 MB: it must stay far below the body size.
 */
class DkimStreamingTest {

    static final long BODY = 50L * 1024 * 1024;
    static final String HEAD = "From: big@example.com\r\nTo: x@example.net\r\nSubject: big\r\n";

    /** A body of BODY bytes: lines of text, generated lazily. */
    static InputStream body() {
        return new InputStream() {
            long pos;
            final byte[] line = "The quick brown fox jumps over the lazy dog 0123456789 \t trailing   \r\n".getBytes(StandardCharsets.US_ASCII);

            @Override
            public int read() {
                if (pos >= BODY) {
                    return -1;
                }
                return line[(int) (pos++ % line.length)] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= BODY) {
                    return -1;
                }
                int n = (int) Math.min(len, BODY - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = line[(int) ((pos + i) % line.length)];
                }
                pos += n;
                return n;
            }
        };
    }

    @Test
    void fiftyMegabytesVerifyWithBoundedMemory() throws Exception {
        var kp = DkimSignerTest.ED;
        // body hash computed by streaming the generated body once
        BodyHasher bh = new BodyHasher(Canonicalization.RELAXED, "SHA-256", Long.MAX_VALUE);
        new MessageReader().read(new SequenceInputStream(
                new java.io.ByteArrayInputStream((HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII)), body()), h -> List.of(bh));
        // sign the headers with that body hash
        DkimSigner signer = DkimSigner.builder("example.com", "big", kp.getPrivate(), DkimTestSupport.CLOCK_2026).build();
        var headers = MessageReader.headers((HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String sigField = signer.field(headers, bh.hash());
        byte[] head = (sigField + HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII);

        System.gc();
        long before = used();
        long[] peak = {0};
        InputStream message = new SequenceInputStream(new java.io.ByteArrayInputStream(head), new PeakWatcher(body(), peak, before));
        List<DkimResult> rs = new DkimVerifier(DkimTestSupport.txt(Map.of("big._domainkey.example.com", DkimKeys.recordValue(kp.getPublic()))),
                DkimTestSupport.CLOCK_2026).verify(message);
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).status()).as("%s", rs.get(0)).isEqualTo(DkimStatus.PASS);
        // the heap after GC never grew by anything near the body size (we allow 16 MB of noise for a 50 MB body)
        assertThat(peak[0]).as("peak heap growth during verification").isLessThan(16L * 1024 * 1024);
        // and a changed byte at the very end is noticed, proving the whole body was hashed
        InputStream tampered = new SequenceInputStream(new java.io.ByteArrayInputStream(head),
                new SequenceInputStream(body(), new java.io.ByteArrayInputStream("X".getBytes(StandardCharsets.US_ASCII))));
        List<DkimResult> bad = new DkimVerifier(DkimTestSupport.txt(Map.of("big._domainkey.example.com", DkimKeys.recordValue(kp.getPublic()))),
                DkimTestSupport.CLOCK_2026).verify(tampered);
        assertThat(bad.get(0).status()).isEqualTo(DkimStatus.FAIL);
        assertThat(bad.get(0).reason()).isEqualTo("body hash mismatch");
    }

    private static long used() {
        var m = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return m.getUsed();
    }

    /** Samples heap use after GC every 10 MB read. */
    static final class PeakWatcher extends InputStream {
        private final InputStream in;
        private final long[] peak;
        private final long base;
        private long read;
        private long nextCheck = 10L * 1024 * 1024;

        PeakWatcher(InputStream in, long[] peak, long base) {
            this.in = in;
            this.peak = peak;
            this.base = base;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                read += n;
                if (read >= nextCheck) {
                    nextCheck += 10L * 1024 * 1024;
                    System.gc();
                    peak[0] = Math.max(peak[0], used() - base);
                }
            }
            return n;
        }
    }
}
