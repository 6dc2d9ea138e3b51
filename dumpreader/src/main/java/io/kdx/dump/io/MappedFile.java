package io.kdx.dump.io;

import io.kdx.dump.DumpException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped read-only in power-of-two chunks with the FFM API (like Lucene's MMapDirectory): the
 * fast path reads inside one chunk with the segment's own bounds check, the slow path crosses a chunk
 * boundary byte by byte. The mapping lives in the caller's Arena (one per open dump).
 */
public final class MappedFile implements ByteSource {
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Path path;
    private final long size;
    private final int shift;
    private final long mask;
    private final MemorySegment[] chunks;

    private MappedFile(Path path, long size, int shift, MemorySegment[] chunks) {
        this.path = path;
        this.size = size;
        this.shift = shift;
        this.mask = (1L << shift) - 1;
        this.chunks = chunks;
    }

    /** Maps {@code path} read-only; never writes to it. */
    public static MappedFile map(Path path, Arena arena, long chunkSize) throws DumpException {
        int shift = Long.numberOfTrailingZeros(chunkSize);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            long n = (size + chunkSize - 1) >>> shift;
            if (n > Integer.MAX_VALUE - 8) throw new DumpException(path, "file too large for chunk size " + chunkSize);
            MemorySegment[] chunks = new MemorySegment[(int) n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << shift;
                long len = Math.min(chunkSize, size - start);
                try {
                    chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, len, arena);
                } catch (IOException e) {
                    throw new DumpException(path, "cannot memory-map " + len + " bytes at offset " + start + " ("
                            + e.getMessage() + "; too many mappings? raise vm.max_map_count or the chunk size)", e);
                }
            }
            return new MappedFile(path, size, shift, chunks);
        } catch (DumpException e) {
            throw e;
        } catch (IOException e) {
            throw new DumpException(path, "cannot open: " + e.getMessage(), e);
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return size;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException(path + ": read of " + length + " bytes at " + offset + " past the end (" + size + ")");
        }
    }

    @Override
    public long getLong(long offset) {
        if (offset >= 0 && offset <= size - 8) {
            MemorySegment s = chunks[(int) (offset >>> shift)];
            long o = offset & mask;
            if (o <= s.byteSize() - 8) return s.get(LE_LONG, o);
        }
        check(offset, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (getByte(offset + i) & 0xff);
        return v;
    }

    @Override
    public int getInt(long offset) {
        if (offset >= 0 && offset <= size - 4) {
            MemorySegment s = chunks[(int) (offset >>> shift)];
            long o = offset & mask;
            if (o <= s.byteSize() - 4) return s.get(LE_INT, o);
        }
        check(offset, 4);
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (getByte(offset + i) & 0xff);
        return v;
    }

    /** A big-endian long (the flattened format's record headers). */
    public long getLongBE(long offset) {
        return Long.reverseBytes(getLong(offset));
    }

    /** A zero-copy view of [offset, offset+length) when it lies inside one chunk, else null. */
    public MemorySegment sliceOrNull(long offset, long length) {
        check(offset, length);
        if (length == 0) return MemorySegment.NULL;
        MemorySegment s = chunks[(int) (offset >>> shift)];
        long o = offset & mask;
        return o + length <= s.byteSize() ? s.asSlice(o, length) : null;
    }

    @Override
    public byte getByte(long offset) {
        check(offset, 1);
        return chunks[(int) (offset >>> shift)].get(ValueLayout.JAVA_BYTE, offset & mask);
    }

    @Override
    public void copy(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        while (length > 0) {
            MemorySegment s = chunks[(int) (offset >>> shift)];
            long o = offset & mask;
            int n = (int) Math.min(length, s.byteSize() - o);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, o, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    @Override
    public void copy(long offset, MemorySegment dst, long dstOffset, long length) {
        check(offset, length);
        while (length > 0) {
            MemorySegment s = chunks[(int) (offset >>> shift)];
            long o = offset & mask;
            long n = Math.min(length, s.byteSize() - o);
            MemorySegment.copy(s, o, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }
}
