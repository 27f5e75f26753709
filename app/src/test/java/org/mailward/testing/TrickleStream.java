package org.mailward.testing;

import java.io.InputStream;
import java.util.Random;

/** An input stream that hands out its bytes in random small pieces (1 to 4 bytes a read): streaming parsers' tests. */
public final class TrickleStream extends InputStream {
    private final byte[] data;
    private final Random rnd;
    private int pos;

    public TrickleStream(byte[] data, Random rnd) {
        this.data = data;
        this.rnd = rnd;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, 1 + rnd.nextInt(4)), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }
}
