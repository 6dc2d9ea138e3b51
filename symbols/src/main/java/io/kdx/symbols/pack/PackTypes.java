package io.kdx.symbols.pack;

import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;

/** Types from a pack: index values are type indexes already, variables' included. */
final class PackTypes extends IndexedTypes {
    PackTypes(NameIndex index, PackTypeSource source) {
        super(index, new TypeGraph(source));
    }

    @Override
    protected long variableTypeKey(long indexValue) {
        return indexValue;
    }
}
