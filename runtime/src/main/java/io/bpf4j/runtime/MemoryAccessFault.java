package io.bpf4j.runtime;

/** A load, store or helper access outside the memory the program may use. */
public final class MemoryAccessFault extends ProgramFault {
    private final long address;
    private final int size;

    public MemoryAccessFault(int pc, long address, int size, String reason) {
        super(pc, String.format("invalid %d-byte access at address 0x%x: %s", size, address, reason));
        this.address = address;
        this.size = size;
    }

    /** The program-visible address that was accessed (never a host address). */
    public long address() {
        return address;
    }

    public int size() {
        return size;
    }
}
