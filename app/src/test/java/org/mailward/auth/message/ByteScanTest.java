package org.mailward.auth.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The eight-bytes-at-a-time searches against byte-at-a-time references, on random arrays and ranges (every offset
 * modulo 8, ranges shorter and longer than a word), plus the cases a carry between bytes would break. Seed:
 * {@code -Dmailward.fuzz.seed}.
 */
class ByteScanTest {

    private static final long SEED = Long.getLong("mailward.fuzz.seed", 20261207L);
    private static final byte[] ALPHABET = {' ', ' ', '\t', '\r', '\n', 'a', 'z', 0, (byte) 0x80, (byte) 0xFF, (byte) 0x8A, 0x21, 0x1F};

    @Test
    void indexOfAndPlainTextMatchTheByteAtATimeReferences() {
        Random rnd = new Random(SEED);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[rnd.nextInt(70)];
            double density = rnd.nextDouble();
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextDouble() < density ? ALPHABET[rnd.nextInt(ALPHABET.length)] : (byte) ('A' + rnd.nextInt(26));
            }
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            int to = from + rnd.nextInt(b.length - from + 1);
            String what = "round " + round + " " + java.util.Arrays.toString(b) + " [" + from + ", " + to + ")";
            for (byte target : new byte[] {'\n', ' ', 0, (byte) 0xFF, (byte) 0x80}) {
                assertThat(ByteScan.indexOf(b, from, to, target)).as(what + " target " + target).isEqualTo(naiveIndexOf(b, from, to, target));
            }
            assertThat(ByteScan.plainText(b, from, to)).as(what).isEqualTo(naivePlain(b, from, to));
        }
    }

    @Test
    void pairsOfSpacesAcrossWordBoundariesAreFound() {
        for (int at = 0; at < 23; at++) {
            byte[] b = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
            b[at] = ' ';
            assertThat(ByteScan.plainText(b, 0, b.length)).as("one SP at " + at).isTrue();
            b[at + 1] = ' ';
            assertThat(ByteScan.plainText(b, 0, b.length)).as("SP pair at " + at).isFalse();
            // the pair is outside the range when the range starts at its second byte
            assertThat(ByteScan.plainText(b, at + 1, b.length)).as("from the second SP at " + at).isTrue();
        }
    }

    @Test
    void bytesNextToAMatchDoNotMatch() {
        // 0x0B and 0x09 differ from LF by one bit; 0x8A has LF's low bits; a byte 0x00 after LF must not hide it
        byte[] b = {0x0B, 0x09, (byte) 0x8A, 0x0A, 0x00, 0x0A, 0x0B, 0x0B, 0x0B};
        assertThat(ByteScan.indexOf(b, 0, b.length, (byte) '\n')).isEqualTo(3);
        assertThat(ByteScan.indexOf(b, 4, b.length, (byte) '\n')).isEqualTo(5);
        assertThat(ByteScan.indexOf(b, 6, b.length, (byte) '\n')).isEqualTo(-1);
        assertThat(ByteScan.indexOf(b, 0, b.length, (byte) 0)).isEqualTo(4);
    }

    private static int naiveIndexOf(byte[] b, int from, int to, byte target) {
        for (int i = from; i < to; i++) {
            if (b[i] == target) {
                return i;
            }
        }
        return -1;
    }

    private static boolean naivePlain(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if ((b[i] >= 0 && b[i] < 0x20) || (b[i] == ' ' && i + 1 < to && b[i + 1] == ' ')) { // controls include HTAB, CR, LF
                return false;
            }
        }
        return true;
    }
}
