package io.kdx.dump.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional little-endian writes into a new file (gaps stay sparse). */
final class Out implements AutoCloseable {
    private final FileChannel ch;

    Out(Path p) throws IOException {
        this(p, false);
    }

    /** {@code existing}: patch the file in place instead of starting a new one. */
    Out(Path p, boolean existing) throws IOException {
        ch = existing ? FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.READ)
                : FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    void put(long off, byte[] b) throws IOException {
        put(off, b, 0, b.length);
    }

    void put(long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, from, len);
        while (bb.hasRemaining()) off += ch.write(bb, off);
    }

    void putLong(long off, long v) throws IOException {
        put(off, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    void putInt(long off, int v) throws IOException {
        put(off, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    void putShort(long off, int v) throws IOException {
        put(off, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }

    byte[] read(long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining() && ch.read(b, off + b.position()) > 0) { }
        return b.array();
    }

    long size() throws IOException {
        return ch.size();
    }

    void truncate(long size) throws IOException {
        ch.truncate(size);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
