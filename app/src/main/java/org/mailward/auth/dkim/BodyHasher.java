package org.mailward.auth.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.mailward.auth.message.BodyConsumer;
import org.mailward.auth.message.ByteScan;

/**
 * Canonicalises a streamed body (RFC 6376 3.4.3 simple, 3.4.4 relaxed) and hashes it (3.7), honouring a body
 * length limit (l=, 3.5): only the first {@code limit} canonical bytes are hashed, the rest only counted. Memory is
 * constant: trailing empty lines are counted, not stored.
 */
public final class BodyHasher implements BodyConsumer {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SP = {' '};

    private final Canonicalization canon;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[2048]; // canonical bytes are staged here and hashed a block at a time
    private int outSize;
    private long canonicalLength;
    private long pendingEmptyLines;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean emittedAny;
    private byte[] result;

    /**
     * @param canon     body canonicalisation
     * @param hashAlgorithm JDK name, "SHA-256" or "SHA-1"
     * @param limit     l= value, or {@code Long.MAX_VALUE} for the whole body
     */
    public BodyHasher(Canonicalization canon, String hashAlgorithm, long limit) {
        this.canon = canon;
        this.digest = newDigest(hashAlgorithm);
        this.limit = limit;
    }

    private static final MessageDigest SHA256 = prototype("SHA-256");
    private static final MessageDigest SHA1 = prototype("SHA-1");

    private static MessageDigest prototype(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh digest: a clone of an untouched prototype is cheaper than a provider lookup per message. */
    private static MessageDigest newDigest(String algorithm) {
        MessageDigest proto = switch (algorithm) {
            case "SHA-256" -> SHA256;
            case "SHA-1" -> SHA1;
            default -> null;
        };
        if (proto != null) {
            try {
                return (MessageDigest) proto.clone();
            } catch (CloneNotSupportedException e) {
                // fall back to a lookup
            }
        }
        return prototype(algorithm);
    }

    @Override
    public void content(byte[] b, int off, int len) {
        if (canon == Canonicalization.SIMPLE) {
            if (len > 0) {
                startLine();
                emit(b, off, len);
            }
            return;
        }
        int end = off + len;
        int e = end; // the chunk without its trailing WSP run, which can only become a pending SP
        while (e > off && isWsp(b[e - 1])) {
            e--;
        }
        if (e > off && !(pendingSpace && isWsp(b[off])) && ByteScan.plainText(b, off, e)) {
            // the common case: nothing inside [off, e) changes (no HTAB, no run of two WSP), so it is hashed as is
            startLine();
            if (pendingSpace) {
                emit(SP, 0, 1);
            }
            emit(b, off, e - off);
            pendingSpace = e < end;
            return;
        }
        int runStart = -1;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                // a single SP between two non-WSP bytes is already canonical: keep it inside the run, so ordinary
                // text is hashed a line at a time rather than a word at a time
                if (c == ' ' && runStart >= 0 && i + 1 < end && b[i + 1] != ' ' && b[i + 1] != '\t') {
                    continue;
                }
                if (runStart >= 0) {
                    emit(b, runStart, i - runStart);
                    runStart = -1;
                }
                pendingSpace = true;
                continue;
            }
            if (runStart < 0) {
                if (!lineHasContent) {
                    startLine();
                }
                if (pendingSpace) {
                    emit(SP, 0, 1);
                    pendingSpace = false;
                }
                runStart = i;
            }
        }
        if (runStart >= 0) {
            emit(b, runStart, end - runStart);
        }
    }

    private static boolean isWsp(byte c) {
        return c == ' ' || c == '\t';
    }

    private void startLine() {
        if (lineHasContent) {
            return;
        }
        while (pendingEmptyLines > 0) {
            emit(CRLF, 0, 2);
            pendingEmptyLines--;
        }
        lineHasContent = true;
    }

    @Override
    public void lineEnd() {
        pendingSpace = false; // 3.4.4: WSP at the end of a line is ignored
        if (lineHasContent) {
            emit(CRLF, 0, 2);
            lineHasContent = false;
        } else {
            pendingEmptyLines++; // 3.4.3/3.4.4: empty lines at the end are ignored
        }
    }

    @Override
    public void end() {
        if (result != null) {
            return;
        }
        if (lineHasContent) {
            emit(CRLF, 0, 2); // a body not ending in CRLF gets one
            lineHasContent = false;
        } else if (canon == Canonicalization.SIMPLE && !emittedAny) {
            emit(CRLF, 0, 2); // 3.4.3: an empty body is a single CRLF
        }
        flush();
        result = digest.digest();
    }

    private void emit(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        emittedAny = true;
        long hashable = Math.max(0, Math.min(len, limit - canonicalLength));
        canonicalLength += len;
        if (hashable <= 0) {
            return;
        }
        int h = (int) hashable;
        if (h > out.length - outSize) {
            flush();
            if (h > out.length) {
                digest.update(b, off, h);
                return;
            }
        }
        System.arraycopy(b, off, out, outSize, h);
        outSize += h;
    }

    private void flush() {
        if (outSize > 0) {
            digest.update(out, 0, outSize);
            outSize = 0;
        }
    }

    /** The hash of the (limited) canonical body; valid after {@link #end()}. */
    public byte[] hash() {
        if (result == null) {
            throw new IllegalStateException("body not finished");
        }
        return Arrays.copyOf(result, result.length);
    }

    /** Length of the whole canonical body, counting bytes beyond the limit too. */
    public long canonicalLength() {
        return canonicalLength;
    }

    /** Canonical bytes that were hashed: min(limit, canonical length). */
    public long hashedLength() {
        return Math.min(limit, canonicalLength);
    }
}
