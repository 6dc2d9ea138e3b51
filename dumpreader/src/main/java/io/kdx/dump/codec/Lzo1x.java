package io.kdx.dump.codec;

/**
 * An LZO1X block decoder on Java arrays (makedumpfile's -l pages: lzo1x_1_compress output).
 *
 * <p>Why our own: every LZO decoder on Maven Central either goes through {@code sun.misc.Unsafe}
 * (aircompressor 0.x to 3.x, whose first use prints four JVM warnings on JDK 24 and later, JEP 498)
 * or is GPL (lzo-java). This one uses plain array accesses, so the JVM checks every bound: corrupt
 * input ends in an index fault that {@link PageDecompressor} turns into "corrupt page", never a read
 * outside the arrays. Written from the stream format (instruction byte classes, state = literals
 * that follow a match, end marker = a 16 KiB-distance match of offset 0), measured against
 * aircompressor's decoder in benchmarks' CodecBench.
 */
public final class Lzo1x {
    private Lzo1x() {}

    /**
     * Decodes {@code in[inOff, inOff + inLen)} into {@code out[outOff, outLimit)}. Returns the number of
     * bytes written, or -1 when the stream is malformed, ends early, or would write past {@code outLimit}.
     */
    public static int decompress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outLimit) {
        try {
            return decode(in, inOff, inOff + inLen, out, outOff, outLimit);
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    private static int decode(byte[] in, int ip, int inEnd, byte[] out, int outStart, int outLimit) {
        int op = outStart;
        int state = 0;
        int t = in[ip] & 0xff;
        if (t > 17) { // a first literal run of t - 17 bytes
            ip++;
            int n = t - 17;
            op = literals(in, ip, out, op, n, outLimit);
            ip += n;
            state = n < 4 ? n : 4;
        }
        while (true) {
            if (ip >= inEnd) return -1; // no end marker
            t = in[ip++] & 0xff;
            int length, distance;
            if (t < 16) {
                if (state == 0) { // a literal run: 3 + length
                    int n = t;
                    if (n == 0) {
                        n = 15;
                        while (in[ip] == 0) {
                            n += 255;
                            ip++;
                            if (n > outLimit) return -1;
                        }
                        n += in[ip++] & 0xff;
                    }
                    n += 3;
                    op = literals(in, ip, out, op, n, outLimit);
                    ip += n;
                    state = 4;
                    continue;
                }
                int h = in[ip++] & 0xff;
                if (state < 4) { // 2 bytes from up to 1 KiB back
                    length = 2;
                    distance = (h << 2) + (t >>> 2) + 1;
                } else { // 3 bytes from 2..3 KiB back, after a literal run
                    length = 3;
                    distance = (h << 2) + (t >>> 2) + 2049;
                }
                state = t & 3;
            } else if (t < 32) { // up to 48 KiB back; distance 16384 ends the stream
                length = t & 7;
                if (length == 0) {
                    length = 7;
                    while (in[ip] == 0) {
                        length += 255;
                        ip++;
                        if (length > outLimit) return -1;
                    }
                    length += in[ip++] & 0xff;
                }
                length += 2;
                int le = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8;
                ip += 2;
                distance = 16384 + ((t & 8) << 11) + (le >>> 2);
                state = le & 3;
                if (distance == 16384) return op - outStart; // the end marker
            } else if (t < 64) { // up to 16 KiB back
                length = t & 31;
                if (length == 0) {
                    length = 31;
                    while (in[ip] == 0) {
                        length += 255;
                        ip++;
                        if (length > outLimit) return -1;
                    }
                    length += in[ip++] & 0xff;
                }
                length += 2;
                int le = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8;
                ip += 2;
                distance = (le >>> 2) + 1;
                state = le & 3;
            } else { // 3 to 8 bytes from up to 2 KiB back
                int h = in[ip++] & 0xff;
                length = t < 128 ? 3 + ((t >>> 5) & 1) : 5 + ((t >>> 5) & 3);
                distance = (h << 3) + ((t >>> 2) & 7) + 1;
                state = t & 3;
            }
            int from = op - distance;
            if (from < outStart || op + length > outLimit) return -1;
            if (distance >= length) {
                System.arraycopy(out, from, out, op, length);
                op += length;
            } else { // overlapping: a repeated pattern, byte by byte
                for (int k = 0; k < length; k++) out[op++] = out[from++];
            }
            if (state > 0) { // 1 to 3 literals follow the match
                op = literals(in, ip, out, op, state, outLimit);
                ip += state;
            }
        }
    }

    private static int literals(byte[] in, int ip, byte[] out, int op, int n, int outLimit) {
        if (op + n > outLimit) throw new IndexOutOfBoundsException("output past its limit");
        System.arraycopy(in, ip, out, op, n);
        return op + n;
    }
}
