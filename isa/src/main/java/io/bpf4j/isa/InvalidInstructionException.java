package io.bpf4j.isa;

/**
 * A program that is not well-formed eBPF: an unknown opcode, a bad register, a reserved field
 * set, a jump out of range or into the middle of a 64-bit immediate load. The message names the
 * instruction index so the user can find it in a disassembly.
 */
public class InvalidInstructionException extends RuntimeException {
    private final int index;

    public InvalidInstructionException(int index, String reason) {
        super("instruction " + index + ": " + reason);
        this.index = index;
    }

    /** Slot index of the offending instruction, or -1 when the problem concerns the whole program. */
    public int index() {
        return index;
    }
}
