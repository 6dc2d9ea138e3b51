package io.kdx.dump;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/** What every format shares: the Arena that owns the mappings, the notes and the metadata. */
public abstract class BaseDump implements Dump {
    protected final Arena arena;
    protected final Path path;
    protected DumpMetadata metadata;
    protected int pageSize;
    protected int pageShift;
    protected List<PrStatus> prstatus = List.of();
    protected List<QemuCpuState> qemu = List.of();
    protected VmcoreInfo vmcoreinfo = VmcoreInfo.EMPTY;

    protected BaseDump(Arena arena, Path path) {
        this.arena = arena;
        this.path = path;
    }

    protected void setPageSize(Path file, long size) throws DumpException {
        if (size < 512 || size > (1 << 20) || Long.bitCount(size) != 1) {
            throw new DumpException(file, "implausible page size " + size);
        }
        pageSize = (int) size;
        pageShift = Integer.numberOfTrailingZeros(pageSize);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public DumpMetadata metadata() {
        return metadata;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public List<PrStatus> prstatus() {
        return prstatus;
    }

    @Override
    public List<QemuCpuState> qemuCpuStates() {
        return qemu;
    }

    @Override
    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    /** uname's machine for an ELF e_machine. */
    protected static String machineName(int eMachine) {
        return switch (eMachine) {
            case 62 -> "x86_64";
            case 3 -> "i686";
            case 183 -> "aarch64";
            case 21 -> "ppc64";
            case 22 -> "s390x";
            case 243 -> "riscv64";
            default -> "elf-machine-" + eMachine;
        };
    }
}
