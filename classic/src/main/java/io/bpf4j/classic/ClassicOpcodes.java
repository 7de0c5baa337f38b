package io.bpf4j.classic;

/**
 * The numeric constants of classic BPF ({@code linux/filter.h}, {@code linux/bpf_common.h}). An
 * opcode is 16 bits, of which Linux uses the low 8: the class in bits 0-2, then per class the
 * size and mode (loads) or the operation and source (arithmetic, jumps).
 */
public final class ClassicOpcodes {
    private ClassicOpcodes() {}

    // ---- classes
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int RET = 0x06;
    public static final int MISC = 0x07;

    // ---- sizes
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;

    // ---- modes
    public static final int IMM = 0x00;
    public static final int ABS = 0x20;
    public static final int IND = 0x40;
    public static final int MEM = 0x60;
    public static final int LEN = 0x80;
    public static final int MSH = 0xa0;

    // ---- arithmetic operations
    public static final int ADD = 0x00;
    public static final int SUB = 0x10;
    public static final int MUL = 0x20;
    public static final int DIV = 0x30;
    public static final int OR = 0x40;
    public static final int AND = 0x50;
    public static final int LSH = 0x60;
    public static final int RSH = 0x70;
    public static final int NEG = 0x80;
    public static final int MOD = 0x90;
    public static final int XOR = 0xa0;

    // ---- jumps
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;

    // ---- sources: K (the constant), X (the index register), A (for RET: the accumulator)
    public static final int K = 0x00;
    public static final int X = 0x08;
    public static final int A = 0x10;

    // ---- MISC operations
    public static final int TAX = 0x00;
    public static final int TXA = 0x80;

    /** Words of scratch memory, M[0] to M[15] ({@code BPF_MEMWORDS}). */
    public static final int MEMWORDS = 16;
    /** The longest program Linux accepts ({@code BPF_MAXINSNS}). */
    public static final int MAXINSNS = 4096;

    /** Packet offsets from here on are ancillary loads ({@code SKF_AD_OFF}, -4096). */
    public static final int SKF_AD_OFF = -0x1000;
    /** Offsets from the network header ({@code SKF_NET_OFF}). */
    public static final int SKF_NET_OFF = -0x100000;
    /** Offsets from the link-layer header ({@code SKF_LL_OFF}). */
    public static final int SKF_LL_OFF = -0x200000;

    public static int instructionClass(int code) {
        return code & 0x07;
    }

    public static int size(int code) {
        return code & 0x18;
    }

    public static int mode(int code) {
        return code & 0xe0;
    }

    public static int operation(int code) {
        return code & 0xf0;
    }

    public static int source(int code) {
        return code & 0x08;
    }

    /** The return value source of a RET: {@link #K} or {@link #A} (Linux does not accept X). */
    public static int returnSource(int code) {
        return code & 0x18;
    }

    public static int miscOperation(int code) {
        return code & 0xf8;
    }
}
