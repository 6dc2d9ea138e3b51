package io.kdx.dump.codec;

import static org.junit.jupiter.api.Assertions.*;

import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our LZO1X decoder against aircompressor's encoder and decoder, on pages shaped like kernel memory. */
class Lzo1xTest {
    static final int PAGE = 4096;

    static byte[] page(Random r, int kind) {
        byte[] p = new byte[PAGE];
        switch (kind) {
            case 0 -> {} // zeros
            case 1 -> r.nextBytes(p); // incompressible
            case 2 -> { // text
                String words = "the quick brown fox jumps over the lazy dog audit: backlog limit exceeded ";
                for (int i = 0; i < PAGE; i++) p[i] = (byte) words.charAt((i * 7 + r.nextInt(3)) % words.length());
            }
            case 3 -> { // pointers: kernel addresses with small variations, zeros between
                for (int i = 0; i < PAGE; i += 8) {
                    if (r.nextInt(3) == 0) continue;
                    long v = 0xffff8a5ac1200000L + r.nextInt(1 << 16) * 64L;
                    for (int b = 0; b < 8; b++) p[i + b] = (byte) (v >>> (8 * b));
                }
            }
            case 4 -> { // short repeats at every distance, long runs
                for (int i = 0; i < PAGE; ) {
                    int len = 1 + r.nextInt(r.nextBoolean() ? 8 : 600);
                    byte v = (byte) r.nextInt(4);
                    int dist = 1 + r.nextInt(Math.max(1, Math.min(i, 3000)));
                    for (int k = 0; k < len && i < PAGE; k++, i++) p[i] = i >= dist && r.nextInt(4) > 0 ? p[i - dist] : v;
                }
            }
            default -> { // mixed halves
                byte[] a = page(r, 1), b = page(r, 3);
                System.arraycopy(a, 0, p, 0, PAGE / 3);
                System.arraycopy(b, PAGE / 3, p, PAGE / 3, PAGE - PAGE / 3);
            }
        }
        return p;
    }

    static byte[] compress(byte[] p) {
        LzoCompressor c = new LzoCompressor();
        byte[] o = new byte[c.maxCompressedLength(p.length)];
        return Arrays.copyOf(o, c.compress(p, 0, p.length, o, 0, o.length));
    }

    @Test
    void decodesWhatAircompressorEncodes() {
        Random r = new Random(12);
        for (int n = 0; n < 3000; n++) {
            byte[] p = page(r, n % 6);
            byte[] z = compress(p);
            byte[] out = new byte[PAGE + 1];
            assertEquals(PAGE, Lzo1x.decompress(z, 0, z.length, out, 0, out.length), "page " + n + " kind " + n % 6);
            assertArrayEquals(p, Arrays.copyOf(out, PAGE), "page " + n);
            // a page that decodes longer than its room is refused, not overrun
            assertEquals(-1, Lzo1x.decompress(z, 0, z.length, new byte[PAGE - 1], 0, PAGE - 1));
        }
    }

    /** Damaged streams: -1, or the same bytes aircompressor's decoder gives; never an exception. */
    @Test
    void damagedStreamsNeverEscape() {
        Random r = new Random(7);
        LzoDecompressor air = new LzoDecompressor();
        int refused = 0;
        for (int n = 0; n < 20000; n++) {
            byte[] z = compress(page(r, n % 6));
            int cut = r.nextInt(4);
            if (cut == 0) z = Arrays.copyOf(z, r.nextInt(z.length));
            else for (int k = 0; k < cut; k++) if (z.length > 0) z[r.nextInt(z.length)] ^= (byte) (1 << r.nextInt(8));
            byte[] out = new byte[PAGE + 1];
            int got = z.length == 0 ? -1 : Lzo1x.decompress(z, 0, z.length, out, 0, out.length);
            if (got < 0) {
                refused++;
                continue;
            }
            byte[] ref = new byte[PAGE + 1];
            int want;
            try {
                want = air.decompress(z, 0, z.length, ref, 0, ref.length);
            } catch (RuntimeException e) {
                continue; // aircompressor refuses what we decoded: both within bounds, nothing to compare
            }
            if (want == got) assertArrayEquals(Arrays.copyOf(ref, want), Arrays.copyOf(out, got), "stream " + n);
        }
        assertTrue(refused > 1000, "refused " + refused);
    }
}
