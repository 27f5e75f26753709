package org.mailward.auth.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches over message bytes, eight bytes at a time (SWAR: one {@code long} read, a few arithmetic operations
 * that mark the bytes equal to a value). Reading a message line by line is the hot loop of DKIM and ARC
 * verification; looked at a byte at a time, the bytes cost more to scan than to hash with SHA-256.
 *
 * <p>{@link #matches} is exact for every byte of the word (no carries between bytes), so its result can be combined
 * with shifts to find pairs of bytes.
 */
public final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long ONES = 0x0101010101010101L;

    private ByteScan() {
    }

    /** The 8 bytes at {@code b[i..i+8)} as a little-endian word: byte {@code b[i]} is the lowest. */
    public static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** {@code value} repeated in every byte of a word. */
    public static long broadcast(byte value) {
        return (value & 0xFFL) * ONES;
    }

    /** Bit 7 of each byte of the result is set exactly when that byte of {@code word} equals the broadcast byte. */
    public static long matches(long word, long broadcast) {
        long x = word ^ broadcast;
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }

    private static final long SPACES = broadcast((byte) ' ');
    private static final long CONTROLS = broadcast((byte) 0x20);
    private static final long HIGH = 0x8080808080808080L;
    private static final long LAST_BYTE = 0x8000000000000000L;

    /**
     * True when {@code b[from, to)} holds no control byte (so no HTAB, CR or LF) and no two adjacent SPs: text that
     * RFC 6376 relaxed canonicalisation (3.4.2 header values, 3.4.4 body lines) leaves as it is, apart from WSP at its
     * ends. False for other controls too (NUL, ESC...), which canonicalise unchanged: callers then take their slow
     * path, which handles every byte. A pair of SPs that straddles two words is caught by carrying the last byte's
     * flag over.
     */
    public static boolean plainText(byte[] b, int from, int to) {
        int i = from;
        long carry = 0; // bit 7 set when the byte just before i is an SP
        for (; i <= to - 8; i += 8) {
            long w = word(b, i);
            if (((w - CONTROLS) & ~w & HIGH) != 0) { // a byte below 0x20: HTAB, CR, LF, or another control
                return false;
            }
            long sp = matches(w, SPACES);
            if ((sp & ((sp >>> 8) | carry)) != 0) {
                return false;
            }
            carry = (sp & LAST_BYTE) >>> 56;
        }
        boolean prevSpace = carry != 0;
        for (; i < to; i++) {
            byte c = b[i];
            if ((c >= 0 && c < 0x20) || (c == ' ' && prevSpace)) {
                return false;
            }
            prevSpace = c == ' ';
        }
        return true;
    }

    /** The first index in {@code [from, to)} holding {@code target}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte target) {
        long pattern = broadcast(target);
        int i = from;
        for (; i <= to - 8; i += 8) {
            long m = matches(word(b, i), pattern);
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == target) {
                return i;
            }
        }
        return -1;
    }
}
