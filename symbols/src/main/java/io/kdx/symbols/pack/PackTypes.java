package io.kdx.symbols.pack;

import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;

/** Types from a pack: index values are type indexes already, variables' included. */
final class PackTypes extends IndexedTypes {
    private final boolean hasAddresses;

    /** {@code hasAddresses}: format 2 and later store variables' DW_OP_addr addresses; format 1 does not. */
    PackTypes(NameIndex index, boolean hasAddresses, PackTypeSource source) {
        super(index, new TypeGraph(source));
        this.hasAddresses = hasAddresses;
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
