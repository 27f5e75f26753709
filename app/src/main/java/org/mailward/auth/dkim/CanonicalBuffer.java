package org.mailward.auth.dkim;

import java.util.Arrays;

/**
 * A growable byte array for canonical header data (the header hash input of RFC 6376 3.7 and RFC 8617 5.1.1), so
 * canonicalisation writes bytes once instead of building strings and converting them.
 */
final class CanonicalBuffer {

    private byte[] data;
    private int size;

    CanonicalBuffer(int capacity) {
        data = new byte[Math.max(16, capacity)];
    }

    /** Makes room for {@code more} bytes and returns the array to write them into, from {@link #size()}. */
    byte[] reserve(int more) {
        if (more > data.length - size) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
        }
        return data;
    }

    int size() {
        return size;
    }

    /** Sets the size after writing into the array returned by {@link #reserve}. */
    void size(int newSize) {
        if (newSize < 0 || newSize > data.length) {
            throw new IllegalArgumentException("size " + newSize);
        }
        size = newSize;
    }

    void append(byte[] b, int off, int len) {
        reserve(len);
        System.arraycopy(b, off, data, size, len);
        size += len;
    }

    /** Drops a final CRLF, if there is one at or after {@code from}. */
    void dropFinalCrlf(int from) {
        if (size - from >= 2 && data[size - 2] == '\r' && data[size - 1] == '\n') {
            size -= 2;
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }
}
