package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

/**
 * One classic BPF instruction, Linux's {@code struct sock_filter}: a 16-bit opcode, the jump
 * offsets taken when a condition holds ({@code jt}) or not ({@code jf}), each 8 bits and counted
 * from the next instruction, and the 32-bit constant {@code k} (held as an int; most uses read it
 * unsigned).
 */
public record ClassicInstruction(int code, int jt, int jf, int k) {
    /** Bytes of one encoded instruction. */
    public static final int SIZE = 8;

    public ClassicInstruction {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("classic opcode " + code + " does not fit in 16 bits");
        }
        if (jt < 0 || jt > 0xff || jf < 0 || jf > 0xff) {
            throw new IllegalArgumentException("jump offsets are 0 to 255, not jt " + jt + " jf " + jf);
        }
    }

    /** An instruction without jump offsets. */
    public static ClassicInstruction stmt(int code, int k) {
        return new ClassicInstruction(code, 0, 0, k);
    }

    /** A conditional jump. */
    public static ClassicInstruction jump(int code, int k, int jt, int jf) {
        return new ClassicInstruction(code, jt, jf, k);
    }

    /** {@code k} as the unsigned value most instructions read it as. */
    public long unsignedK() {
        return k & 0xffffffffL;
    }

    public int instructionClass() {
        return ClassicOpcodes.instructionClass(code);
    }

    /** Whether this is a conditional jump (JEQ, JGT, JGE, JSET), the instructions that use jt and jf. */
    public boolean isConditionalJump() {
        return instructionClass() == JMP && operation(code) != JA;
    }

    public boolean isReturn() {
        return instructionClass() == RET;
    }

    /** The ancillary load this is ({@code ld [k]} with {@code k} at or above {@code SKF_AD_OFF}), if any. */
    public java.util.Optional<Ancillary> ancillary() {
        if (instructionClass() == LD && mode(code) == ABS) {
            return Ancillary.ofK(k);
        }
        return java.util.Optional.empty();
    }

    /** The instruction as libpcap's {@code bpf_image} prints it at index {@code pc}. */
    public String listing(int pc) {
        return ClassicWriter.tcpdumpLine(this, pc);
    }

    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
    }
}
