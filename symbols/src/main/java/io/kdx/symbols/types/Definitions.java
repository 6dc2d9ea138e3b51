package io.kdx.symbols.types;

import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which definition answers for a struct, union or enum name that distinct types share. A kernel has
 * a few such names, each a file-local type of one unit beside another of the same name: Debian's
 * generic 6.1.0-56 has kernel/dma.c's ISA-DMA {@code struct dma_chan} (16 bytes) beside dmaengine's
 * (112 bytes), and 15 more names (pahole -F btf --sizes lists them). References between types are
 * exact in every backend (a member's type is the definition its own unit saw, as BTF's type ids, pahole
 * and drgn give it: virt_dma_chan.chan is the 112-byte one); only a lookup by name must choose, and
 * the peers differ there: pahole 1.24 -C takes the first it meets (DWARF: unit order, the 16-byte
 * one; BTF: id order, the 112-byte one), drgn 0.0.22 and 0.0.31 the first of their index (16 bytes,
 * and for struct irq_info or struct slot each another one), none saying the name is ambiguous.
 * kdx orders the definitions by content, so BTF, DWARF and a pack answer alike: the largest first,
 * then the one with the most members (enumerators), then the lexically first layout; definitions of
 * equal layout (kind, size, member names, bit positions, each member's own type's kind, name and size)
 * count as one, as BTF's dedup merges them. Every definition is listed by
 * {@link io.kdx.symbols.Types#definitions}.
 *
 * <p>Limit: DWARF's index tells definitions apart by byte size and declaration line only (reading
 * every unit's members would double the index scan), so one source definition compiled twice with
 * other macros into types of one size is one definition there: fs/compat_binfmt_elf.c includes
 * fs/binfmt_elf.c, and its struct elf_note_info (csigdata a compat_siginfo_t) is, in DWARF, the
 * native one (a siginfo_t), while BTF has both.
 */
public final class Definitions {
    /** Every definition's key for the name in a slot, the slot's own first; null when the name has one. */
    public interface Alternatives {
        long[] of(int slot);
    }

    private final NameIndex index;
    private final Alternatives alternatives;
    private final ConcurrentHashMap<Integer, long[]> ordered = new ConcurrentHashMap<>();

    public Definitions(NameIndex index, Alternatives alternatives) {
        this.index = index;
        this.alternatives = alternatives;
    }

    static boolean composite(int cat) {
        return cat == NameIndex.STRUCT || cat == NameIndex.UNION || cat == NameIndex.ENUM;
    }

    private long[] alternativesOf(int slot) {
        return composite(index.category(slot)) ? alternatives.of(slot) : null;
    }

    /** Whether distinct types share the name in {@code slot}. */
    public boolean ambiguous(int slot, TypeGraph g) {
        return alternativesOf(slot) != null && all(slot, g).length > 1;
    }

    /** The key that answers for the name in {@code slot}. */
    public long chosen(int slot, TypeGraph g) {
        long[] alt = alternativesOf(slot);
        return alt == null ? index.value(slot) : order(slot, alt, g)[0];
    }

    /** Every distinct definition's key, the chosen one first. */
    public long[] all(int slot, TypeGraph g) {
        long[] alt = alternativesOf(slot);
        return alt == null ? new long[] {index.value(slot)} : order(slot, alt, g).clone();
    }

    private long[] order(int slot, long[] keys, TypeGraph g) {
        long[] done = ordered.get(slot);
        if (done != null) return done;
        List<TypeNode> distinct = new ArrayList<>();
        List<String> layouts = new ArrayList<>();
        for (long k : keys) {
            TypeNode t = g.get(k);
            String l = layout(t);
            if (!layouts.contains(l)) {
                distinct.add(t);
                layouts.add(l);
            }
        }
        Integer[] at = new Integer[distinct.size()];
        for (int i = 0; i < at.length; i++) at[i] = i;
        java.util.Arrays.sort(at, (a, b) -> {
            TypeNode x = distinct.get(a), y = distinct.get(b);
            int c = Long.compare(y.declaredSize(), x.declaredSize());
            if (c == 0) c = Integer.compare(parts(y), parts(x));
            if (c == 0) c = layouts.get(a).compareTo(layouts.get(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        long[] out = new long[at.length];
        for (int i = 0; i < at.length; i++) out[i] = distinct.get(at[i]).key();
        long[] prev = ordered.putIfAbsent(slot, out);
        return prev != null ? prev : out;
    }

    private static int parts(TypeNode t) {
        return t.kind() == Type.Kind.ENUM ? t.enumeratorCount() : t.memberCount();
    }

    /**
     * A definition's layout as text: what tells distinct types of one name apart. A member's type
     * gives its own kind, name and size, not its target's name, which never loads a declaration (a
     * member by value is complete; a pointer's target is not loaded), so ordering one name's
     * definitions never needs another name's.
     */
    static String layout(TypeNode t) {
        StringBuilder sb = new StringBuilder().append(t.kind()).append(' ').append(t.declaredSize());
        for (int i = 0; i < t.memberCount(); i++) {
            Type m = t.graph.get(t.memberTypeKey(i));
            sb.append('\n').append(t.memberName(i)).append(' ').append(t.memberBitOffset(i)).append(' ').append(t.memberBitSize(i))
                    .append(' ').append(m.kind()).append(' ').append(m.name()).append(' ').append(m.size());
        }
        for (int i = 0; i < t.enumeratorCount(); i++) sb.append('\n').append(t.enumeratorName(i)).append('=').append(t.enumeratorValue(i));
        return sb.toString();
    }
}
