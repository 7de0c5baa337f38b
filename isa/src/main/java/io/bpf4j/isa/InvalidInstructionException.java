package io.bpf4j.isa;

/**
 * A program that is not well-formed eBPF: an unknown opcode, a bad register, a reserved field
 * set, a jump out of range or into the middle of a 64-bit immediate load. The message names the
 * instruction index so the user can find it in a disassembly.
 */
public class InvalidInstructionException extends RuntimeException {
    private final int index;
    private final String reason;

    public InvalidInstructionException(int index, String reason) {
        super(index >= 0 ? "instruction " + index + ": " + reason : reason);
        this.index = index;
        this.reason = reason;
    }

    /** What is wrong, without the instruction index. */
    public String reason() {
        return reason;
    }

    /** Slot index of the offending instruction, or -1 when the problem concerns the whole program. */
    public int index() {
        return index;
    }
}
