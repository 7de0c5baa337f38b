package io.bpf4j.classic.internal;

import io.bpf4j.classic.Ancillary;
import io.bpf4j.classic.ClassicHelpers;
import io.bpf4j.classic.ClassicInstruction;
import io.bpf4j.classic.ClassicOpcodes;
import io.bpf4j.classic.ClassicProgram;
import io.bpf4j.classic.FilterKind;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Classic BPF to eBPF, instruction by instruction, the way Linux's {@code bpf_convert_filter}
 * does it, so that the result has the shape Linux's verifier accepts for converted filters.
 *
 * <p>Registers: A is r0, X is r7, r6 holds the context, r8 is a temporary, scratch word M[k] is
 * the 32-bit stack slot at {@code r10 - (16 - k) * 4}. A and X are always zero-extended 32-bit
 * values: all arithmetic is 32-bit ({@code w0 += w7}), which keeps 64-bit compares equal to
 * classic's unsigned 32-bit ones (constants that are negative as s32 go through r8, because an
 * eBPF immediate would be sign-extended).
 *
 * <p>Packet loads ({@code ld [k]}, {@code ldh [x + k]}) become eBPF's legacy packet loads
 * ({@code LD|ABS}, {@code LD|IND}), which the engine runs with classic semantics: big-endian, and
 * the program ends with 0 when the bytes are outside the packet. Loads relative to the
 * link-layer or network header ({@code SKF_LL_OFF + n}, {@code SKF_NET_OFF + n}, also with X)
 * call {@code ClassicHelpers.LOAD_RELATIVE}, as Linux calls its negative-offset helper. Ancillary loads read
 * {@code struct __sk_buff} fields or call helpers; division by X tests X first and ends the
 * program with 0 when it is zero, as Linux does. Seccomp filters read {@code struct
 * seccomp_data} through r6 with ordinary 32-bit loads.
 */
public final class Converter {
    static final int A = 0;
    static final int X = 7;
    static final int CTX = 6;
    static final int TMP = 8;
    static final int FP = 10;

    // struct __sk_buff offsets
    static final int SKB_LEN = 0, SKB_PKT_TYPE = 4, SKB_MARK = 8, SKB_QUEUE_MAPPING = 12, SKB_PROTOCOL = 16,
            SKB_VLAN_PRESENT = 20, SKB_VLAN_TCI = 24, SKB_VLAN_PROTO = 28, SKB_IFINDEX = 40, SKB_HASH = 68;

    private final ClassicProgram program;
    private final FilterKind kind;
    private final List<Instruction> out = new ArrayList<>();
    /** Index of the first eBPF instruction of each classic instruction. */
    private final int[] start;
    /** eBPF jump instructions waiting for their target: {index, classic target}. */
    private final List<int[]> fixups = new ArrayList<>();

    private Converter(ClassicProgram program, FilterKind kind) {
        this.program = program;
        this.kind = kind;
        this.start = new int[program.size()];
    }

    /** Converts a program that {@code ClassicChecker} has accepted for {@code kind}. */
    public static Instructions convert(ClassicProgram program, FilterKind kind) {
        return new Converter(program, kind).run();
    }

    private Instructions run() {
        // Classic programs start with A = X = 0, and keep the context in r6. (Linux's converter
        // clears them with xor, which its verifier would refuse as a read of uninitialized
        // registers in a program loaded through bpf(); moves of 0 do the same and pass.)
        mov32(A, 0);
        mov32(X, 0);
        emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, CTX, 1, 0, 0);
        boolean[] reachable = reachable();
        for (int pc = 0; pc < program.size(); pc++) {
            start[pc] = out.size();
            // Dead classic code is left out: it never runs, and Linux's verifier refuses
            // unreachable instructions in eBPF it is given. No jump targets it.
            if (reachable[pc]) {
                translate(program.get(pc), pc);
            }
        }
        for (int[] f : fixups) {
            int index = f[0];
            int offset = start[f[1]] - index - 1;
            if (offset > Short.MAX_VALUE) {
                throw new IllegalStateException("converted program too large: a jump spans " + offset + " instructions");
            }
            Instruction j = out.get(index);
            out.set(index, Instruction.of(j.opcode(), j.dst(), j.src(), offset, j.imm()));
        }
        return Instructions.of(out);
    }

    /** Which classic instructions some path from the first reaches (jumps only go forward). */
    private boolean[] reachable() {
        boolean[] reached = new boolean[program.size()];
        reached[0] = true;
        for (int pc = 0; pc < program.size(); pc++) {
            if (!reached[pc]) {
                continue;
            }
            ClassicInstruction insn = program.get(pc);
            if (insn.isReturn()) {
                continue;
            }
            if (insn.code() == (ClassicOpcodes.JMP | ClassicOpcodes.JA)) {
                reached[pc + 1 + insn.k()] = true;
            } else if (insn.isConditionalJump()) {
                reached[pc + 1 + insn.jt()] = true;
                reached[pc + 1 + insn.jf()] = true;
            } else {
                reached[pc + 1] = true;
            }
        }
        return reached;
    }

    private void translate(ClassicInstruction insn, int pc) {
        int code = insn.code();
        int k = insn.k();
        int cls = ClassicOpcodes.instructionClass(code);
        switch (cls) {
            case ClassicOpcodes.LD -> load(insn, A);
            case ClassicOpcodes.LDX -> load(insn, X);
            case ClassicOpcodes.ST -> emit(Opcodes.STX | Opcodes.MEM | Opcodes.W, FP, A, scratch(k), 0);
            case ClassicOpcodes.STX -> emit(Opcodes.STX | Opcodes.MEM | Opcodes.W, FP, X, scratch(k), 0);
            case ClassicOpcodes.ALU -> alu(insn);
            case ClassicOpcodes.JMP -> jump(insn, pc);
            case ClassicOpcodes.RET -> {
                if (ClassicOpcodes.returnSource(code) == ClassicOpcodes.K) {
                    mov32(A, k);
                }
                exit();
            }
            case ClassicOpcodes.MISC -> {
                if (ClassicOpcodes.miscOperation(code) == ClassicOpcodes.TAX) {
                    emit(Opcodes.ALU | Opcodes.MOV | Opcodes.X, X, A, 0, 0);
                } else {
                    emit(Opcodes.ALU | Opcodes.MOV | Opcodes.X, A, X, 0, 0);
                }
            }
            default -> throw new IllegalStateException("unchecked opcode " + code);
        }
    }

    private static int scratch(int k) {
        return -(ClassicOpcodes.MEMWORDS - k) * 4;
    }

    private void load(ClassicInstruction insn, int dst) {
        int code = insn.code();
        int k = insn.k();
        int size = ClassicOpcodes.size(code);
        switch (ClassicOpcodes.mode(code)) {
            case ClassicOpcodes.IMM -> mov32(dst, k);
            case ClassicOpcodes.MEM -> emit(Opcodes.LDX | Opcodes.MEM | Opcodes.W, dst, FP, scratch(k), 0);
            case ClassicOpcodes.LEN -> {
                if (kind == FilterKind.SECCOMP) {
                    mov32(dst, io.bpf4j.classic.ClassicChecker.SECCOMP_DATA_SIZE);
                } else {
                    emit(Opcodes.LDX | Opcodes.MEM | Opcodes.W, dst, CTX, SKB_LEN, 0);
                }
            }
            case ClassicOpcodes.ABS -> {
                if (kind == FilterKind.SECCOMP) {
                    emit(Opcodes.LDX | Opcodes.MEM | Opcodes.W, A, CTX, k, 0);
                } else if (insn.ancillary().isPresent()) {
                    ancillary(insn.ancillary().get());
                } else if (k < 0) {
                    mov32(2, k);
                    loadRelative(size);
                } else {
                    emit(Opcodes.LD | Opcodes.ABS | size, 0, 0, 0, k);
                }
            }
            case ClassicOpcodes.IND -> {
                if (k < ClassicOpcodes.SKF_AD_OFF) {
                    // ldb [x + SKF_NET_OFF + n]: relative to a header, X bytes in
                    emit(Opcodes.ALU | Opcodes.MOV | Opcodes.X, 2, X, 0, 0);
                    emit(Opcodes.ALU | Opcodes.ADD | Opcodes.K, 2, 0, 0, k);
                    loadRelative(size);
                } else {
                    emit(Opcodes.LD | Opcodes.IND | size, 0, X, 0, k);
                }
            }
            case ClassicOpcodes.MSH -> {
                // X = 4 * (P[k] & 0xf), keeping A: the load goes through r0, which is A.
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, TMP, A, 0, 0);
                if (k < 0) {
                    mov32(2, k);
                    loadRelative(Opcodes.B);
                } else {
                    emit(Opcodes.LD | Opcodes.ABS | Opcodes.B, 0, 0, 0, k);
                }
                emit(Opcodes.ALU | Opcodes.AND | Opcodes.K, A, 0, 0, 0xf);
                emit(Opcodes.ALU | Opcodes.LSH | Opcodes.K, A, 0, 0, 2);
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, X, A, 0, 0);
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, A, TMP, 0, 0);
            }
            default -> throw new IllegalStateException("unchecked load " + code);
        }
    }

    private void ancillary(Ancillary a) {
        switch (a) {
            case PROTOCOL -> {
                field(SKB_PROTOCOL);
                emit(Opcodes.ALU | Opcodes.END | Opcodes.X, A, 0, 0, 16); // network to host order
            }
            case PKTTYPE -> field(SKB_PKT_TYPE);
            case IFINDEX -> field(SKB_IFINDEX);
            case MARK -> field(SKB_MARK);
            case QUEUE -> field(SKB_QUEUE_MAPPING);
            case RXHASH -> field(SKB_HASH);
            case VLAN_TAG -> field(SKB_VLAN_TCI);
            case VLAN_TAG_PRESENT -> field(SKB_VLAN_PRESENT);
            case VLAN_TPID -> {
                field(SKB_VLAN_PROTO);
                emit(Opcodes.ALU | Opcodes.END | Opcodes.X, A, 0, 0, 16);
            }
            case ALU_XOR_X -> alu32Reg(Opcodes.XOR, A, X);
            case CPU -> call(io.bpf4j.runtime.StandardHelpers.GET_SMP_PROCESSOR_ID);
            case RANDOM -> call(io.bpf4j.runtime.StandardHelpers.GET_PRANDOM_U32);
            case HATYPE -> {
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 1, CTX, 0, 0);
                call(ClassicHelpers.HATYPE);
            }
            case PAY_OFFSET -> {
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 1, CTX, 0, 0);
                call(ClassicHelpers.PAY_OFFSET);
            }
            case NLATTR, NLATTR_NEST -> {
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 1, CTX, 0, 0);
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 2, A, 0, 0);
                emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 3, X, 0, 0);
                call(a == Ancillary.NLATTR ? ClassicHelpers.NLATTR : ClassicHelpers.NLATTR_NEST);
            }
        }
    }

    /** A load at the negative offset in w2 through {@link ClassicHelpers#LOAD_RELATIVE}; -1 ends the program with 0. */
    private void loadRelative(int size) {
        emit(Opcodes.ALU64 | Opcodes.MOV | Opcodes.X, 1, CTX, 0, 0);
        mov32(3, switch (size) {
            case Opcodes.H -> 2;
            case Opcodes.B -> 1;
            default -> 4;
        });
        call(ClassicHelpers.LOAD_RELATIVE);
        emit(Opcodes.JMP | Opcodes.JNE | Opcodes.K, A, 0, 2, -1);
        mov32(A, 0);
        exit();
    }

    private void field(int offset) {
        emit(Opcodes.LDX | Opcodes.MEM | Opcodes.W, A, CTX, offset, 0);
    }

    private void call(int helper) {
        emit(Opcodes.JMP | Opcodes.CALL | Opcodes.K, 0, 0, 0, helper);
    }

    private void alu(ClassicInstruction insn) {
        int code = insn.code();
        int op = ClassicOpcodes.operation(code);
        if (op == ClassicOpcodes.NEG) {
            emit(Opcodes.ALU | Opcodes.NEG, A, 0, 0, 0);
            return;
        }
        if (ClassicOpcodes.source(code) == ClassicOpcodes.X) {
            if (op == ClassicOpcodes.DIV || op == ClassicOpcodes.MOD) {
                // Classic division by a zero X ends the program with 0.
                emit(Opcodes.JMP | Opcodes.JNE | Opcodes.K, X, 0, 2, 0);
                mov32(A, 0);
                exit();
            }
            alu32Reg(op, A, X);
        } else {
            emit(Opcodes.ALU | op | Opcodes.K, A, 0, 0, insn.k());
        }
    }

    private void jump(ClassicInstruction insn, int pc) {
        int code = insn.code();
        int op = ClassicOpcodes.operation(code);
        if (op == ClassicOpcodes.JA) {
            jumpTo(Opcodes.JMP | Opcodes.JA, 0, 0, 0, pc + 1 + insn.k());
            return;
        }
        int src;
        int sourceBit;
        int imm = 0;
        if (ClassicOpcodes.source(code) == ClassicOpcodes.X) {
            src = X;
            sourceBit = Opcodes.X;
        } else if (insn.k() < 0) {
            // eBPF would sign-extend the immediate; compare with the zero-extended constant instead.
            mov32(TMP, insn.k());
            src = TMP;
            sourceBit = Opcodes.X;
        } else {
            src = 0;
            sourceBit = Opcodes.K;
            imm = insn.k();
        }
        int trueTarget = pc + 1 + insn.jt();
        int falseTarget = pc + 1 + insn.jf();
        if (insn.jf() == 0) {
            jumpTo(Opcodes.JMP | op | sourceBit, A, src, imm, trueTarget);
            return;
        }
        if (insn.jt() == 0) {
            int inverse = switch (op) {
                case ClassicOpcodes.JEQ -> Opcodes.JNE;
                case ClassicOpcodes.JGT -> Opcodes.JLE;
                case ClassicOpcodes.JGE -> Opcodes.JLT;
                default -> -1;
            };
            if (inverse >= 0) {
                jumpTo(Opcodes.JMP | inverse | sourceBit, A, src, imm, falseTarget);
                return;
            }
        }
        jumpTo(Opcodes.JMP | op | sourceBit, A, src, imm, trueTarget);
        jumpTo(Opcodes.JMP | Opcodes.JA, 0, 0, 0, falseTarget);
    }

    private void jumpTo(int opcode, int dst, int src, int imm, int classicTarget) {
        fixups.add(new int[] {out.size(), classicTarget});
        emit(opcode, dst, src, 0, imm);
    }

    private void mov32(int dst, int imm) {
        emit(Opcodes.ALU | Opcodes.MOV | Opcodes.K, dst, 0, 0, imm);
    }

    private void alu32Reg(int op, int dst, int src) {
        emit(Opcodes.ALU | op | Opcodes.X, dst, src, 0, 0);
    }

    private void exit() {
        emit(Opcodes.EXIT_OP, 0, 0, 0, 0);
    }

    private void emit(int opcode, int dst, int src, int offset, int imm) {
        out.add(Instruction.of(opcode, dst, src, offset, imm));
    }
}
