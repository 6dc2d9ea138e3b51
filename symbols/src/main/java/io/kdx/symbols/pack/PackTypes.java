package io.kdx.symbols.pack;

import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.types.Definitions;
import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;
import java.lang.foreign.MemorySegment;

/** Types from a pack: index values are type indexes already, variables' included. */
final class PackTypes extends IndexedTypes {
    private final boolean hasAddresses;

    /**
     * {@code hasAddresses}: format 2 and later store variables' DW_OP_addr addresses; format 1 does not.
     * {@code definitions}: the DEFINITIONS section (format 4, when a name has several), else null.
     */
    PackTypes(NameIndex index, boolean hasAddresses, PackTypeSource source, MemorySegment definitions) {
        super(index, new TypeGraph(source), new Definitions(index, new Listed(index, definitions)));
        this.hasAddresses = hasAddresses;
    }

    /** A named class, not a lambda: one spun at run time would cost a cold start more (README, the launcher). */
    private record Listed(NameIndex index, MemorySegment section) implements Definitions.Alternatives {
        @Override
        public long[] of(int slot) {
            return definitionsOf(index, section, slot);
        }
    }

    /** The types listed for the name in {@code slot}: a short linear search of a section of a few dozen names. */
    private static long[] definitionsOf(NameIndex index, MemorySegment section, int slot) {
        if (section == null || index.aux(slot) < 2) return null;
        int cat = index.category(slot);
        long hash = Bytes.u64(index.hashes(), (long) slot * 8);
        for (long p = 0; p + 16 <= section.byteSize(); ) {
            int c = Bytes.i32(section, p), n = Bytes.i32(section, p + 4);
            long next = p + 16 + (((long) n + 1) & ~1L) * 4;
            if (n < 1 || next > section.byteSize()) return null; // checked at open; never trust it here either
            if (c == cat && Bytes.u64(section, p + 8) == hash) {
                long[] keys = new long[n];
                for (int i = 0; i < n; i++) keys[i] = Bytes.i32(section, p + 16 + 4L * i);
                return keys;
            }
            p = next;
        }
        return null;
    }

    @Override
    public java.util.OptionalLong variableAddress(String name) {
        return hasAddresses ? super.variableAddress(name) : java.util.OptionalLong.empty();
    }

    @Override
    protected long variableTypeKey(long indexValue) {
        return indexValue;
    }
}
