package io.bpf4j.isa;

/**
 * The numeric constants of the eBPF instruction encoding (RFC 9669, section 3 onwards).
 *
 * <p>An opcode byte is split three ways. The low three bits are the instruction class. For the
 * arithmetic and jump classes the next bit is the source ({@link #K} immediate or {@link #X}
 * register) and the high four bits the operation; for the load and store classes bits 3-4 are the
 * access size and bits 5-7 the mode.
 */
public final class Opcodes {
    private Opcodes() {}

    // ---- instruction classes (opcode & 0x07)
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int JMP32 = 0x06;
    public static final int ALU64 = 0x07;

    // ---- source (opcode & 0x08) for ALU/ALU64/JMP/JMP32
    public static final int K = 0x00;
    public static final int X = 0x08;

    // ---- arithmetic operations (opcode & 0xf0)
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
    public static final int MOV = 0xb0;
    public static final int ARSH = 0xc0;
    /** Byte swap. In class ALU the source bit selects little (K) or big (X) endian; in ALU64 it is an unconditional swap. */
    public static final int END = 0xd0;

    // ---- jump operations (opcode & 0xf0)
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;
    public static final int JNE = 0x50;
    public static final int JSGT = 0x60;
    public static final int JSGE = 0x70;
    public static final int CALL = 0x80;
    public static final int EXIT = 0x90;
    public static final int JLT = 0xa0;
    public static final int JLE = 0xb0;
    public static final int JSLT = 0xc0;
    public static final int JSLE = 0xd0;

    // ---- access sizes (opcode & 0x18)
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;
    public static final int DW = 0x18;

    // ---- modes (opcode & 0xe0)
    public static final int IMM = 0x00;
    public static final int ABS = 0x20;
    public static final int IND = 0x40;
    public static final int MEM = 0x60;
    public static final int MEMSX = 0x80;
    public static final int ATOMIC = 0xc0;

    // ---- atomic operations (imm of an STX|ATOMIC instruction)
    public static final int ATOMIC_FETCH = 0x01;
    public static final int ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH;
    public static final int ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH;

    // ---- src field of a 64-bit immediate load (lddw)
    public static final int PSEUDO_IMM = 0;
    public static final int PSEUDO_MAP_FD = 1;
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    public static final int PSEUDO_FUNC = 4;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;

    // ---- src field of a call
    public static final int CALL_HELPER = 0;
    public static final int CALL_LOCAL = 1;
    public static final int CALL_KFUNC = 2;

    // ---- frequently used whole opcodes
    public static final int LDDW = LD | IMM | DW; // 0x18
    public static final int CALL_IMM = JMP | CALL | K; // 0x85
    public static final int CALLX = JMP | CALL | X; // 0x8d
    public static final int EXIT_OP = JMP | EXIT; // 0x95

    /** Number of registers: r0 to r10. */
    public static final int REGISTER_COUNT = 11;
    /** The read-only frame pointer. */
    public static final int FRAME_POINTER = 10;

    public static int instructionClass(int opcode) {
        return opcode & 0x07;
    }

    public static int source(int opcode) {
        return opcode & 0x08;
    }

    public static int operation(int opcode) {
        return opcode & 0xf0;
    }

    public static int size(int opcode) {
        return opcode & 0x18;
    }

    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    /** Size in bytes of an access size code ({@link #W}, {@link #H}, {@link #B}, {@link #DW}). */
    public static int sizeInBytes(int sizeCode) {
        return switch (sizeCode) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            case DW -> 8;
            default -> throw new IllegalArgumentException("not a size code: " + sizeCode);
        };
    }

    public static boolean isAlu(int opcode) {
        int cls = instructionClass(opcode);
        return cls == ALU || cls == ALU64;
    }

    public static boolean isJump(int opcode) {
        int cls = instructionClass(opcode);
        return cls == JMP || cls == JMP32;
    }
}
