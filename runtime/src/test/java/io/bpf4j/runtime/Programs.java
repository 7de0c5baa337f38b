package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test utility: builds programs from {@link Instruction}s (no assembler) and runs them in the
 * interpreter. Program parts are given as {@code Object...}: each an {@link Instruction}, an
 * {@code Instruction[]} (as {@link #lddw} returns) or a {@code List} of those.
 */
final class Programs {
    private Programs() {}

    /** Budget of the default runtime: tests never hang on a looping program. */
    static final long BUDGET = 1_000_000;
    static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(BUDGET).build();

    static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8, R9 = 9, R10 = 10;

    // ------------------------------------------------------------ instruction builders

    static Instruction insn(int opcode, int dst, int src, int offset, int imm) {
        return new Instruction(opcode, dst, src, offset, imm);
    }

    static Instruction[] lddw(int dst, long value) {
        return Instruction.lddw(dst, PSEUDO_IMM, value);
    }

    /** {@code lddw dst, func}: the code address of the instruction {@code relative + 1} slots after it. */
    static Instruction[] lddwFunc(int dst, int relative) {
        return new Instruction[] {insn(LDDW, dst, PSEUDO_FUNC, 0, relative), insn(0, 0, 0, 0, 0)};
    }

    static Instruction alu64(int op, int dst, int imm) {
        return insn(ALU64 | op | K, dst, 0, 0, imm);
    }

    static Instruction alu64X(int op, int dst, int src) {
        return insn(ALU64 | op | X, dst, src, 0, 0);
    }

    static Instruction alu32(int op, int dst, int imm) {
        return insn(ALU | op | K, dst, 0, 0, imm);
    }

    static Instruction alu32X(int op, int dst, int src) {
        return insn(ALU | op | X, dst, src, 0, 0);
    }

    static Instruction mov64(int dst, int imm) {
        return alu64(MOV, dst, imm);
    }

    static Instruction mov64X(int dst, int src) {
        return alu64X(MOV, dst, src);
    }

    static Instruction mov32(int dst, int imm) {
        return alu32(MOV, dst, imm);
    }

    static Instruction add64(int dst, int imm) {
        return alu64(ADD, dst, imm);
    }

    static Instruction jmp(int op, int dst, int imm, int offset) {
        return insn(JMP | op | K, dst, 0, offset, imm);
    }

    static Instruction jmpX(int op, int dst, int src, int offset) {
        return insn(JMP | op | X, dst, src, offset, 0);
    }

    static Instruction jmp32(int op, int dst, int imm, int offset) {
        return insn(JMP32 | op | K, dst, 0, offset, imm);
    }

    static Instruction jmp32X(int op, int dst, int src, int offset) {
        return insn(JMP32 | op | X, dst, src, offset, 0);
    }

    static Instruction ja(int offset) {
        return insn(JMP | JA, 0, 0, offset, 0);
    }

    /** {@code gotol}: JMP32 | JA with the offset in imm. */
    static Instruction gotol(int offset) {
        return insn(JMP32 | JA, 0, 0, 0, offset);
    }

    static Instruction ldx(int size, int dst, int src, int offset) {
        return insn(LDX | MEM | size, dst, src, offset, 0);
    }

    static Instruction ldxs(int size, int dst, int src, int offset) {
        return insn(LDX | MEMSX | size, dst, src, offset, 0);
    }

    static Instruction st(int size, int dst, int offset, int imm) {
        return insn(ST | MEM | size, dst, 0, offset, imm);
    }

    static Instruction stx(int size, int dst, int src, int offset) {
        return insn(STX | MEM | size, dst, src, offset, 0);
    }

    static Instruction atomic(int size, int dst, int src, int offset, int operation) {
        return insn(STX | ATOMIC | size, dst, src, offset, operation);
    }

    static Instruction call(int helperId) {
        return insn(CALL_IMM, 0, CALL_HELPER, 0, helperId);
    }

    /** Local call of the function starting {@code relative + 1} slots after this instruction. */
    static Instruction callLocal(int relative) {
        return insn(CALL_IMM, 0, CALL_LOCAL, 0, relative);
    }

    static Instruction callx(int register) {
        return insn(CALLX, register, 0, 0, 0);
    }

    static Instruction exit() {
        return insn(EXIT_OP, 0, 0, 0, 0);
    }

    // ------------------------------------------------------------ assembling and running

    static Instruction[] slots(Object... parts) {
        List<Instruction> out = new ArrayList<>();
        for (Object part : parts) {
            flatten(part, out);
        }
        return out.toArray(new Instruction[0]);
    }

    private static void flatten(Object part, List<Instruction> out) {
        switch (part) {
            case Instruction i -> out.add(i);
            case Instruction[] a -> out.addAll(Arrays.asList(a));
            case List<?> l -> l.forEach(p -> flatten(p, out));
            default -> throw new IllegalArgumentException("not an instruction: " + part);
        }
    }

    static Instructions code(Object... parts) {
        return Instructions.of(slots(parts));
    }

    static Program program(Object... parts) {
        return Program.of("test", code(parts));
    }

    static Executable load(Object... parts) {
        return RUNTIME.load(program(parts));
    }

    /** Runs with no input memory (r1 = r2 = 0); returns r0. */
    static long run(Object... parts) {
        return load(parts).run(new byte[0]);
    }

    /** Runs on {@code input} (r1 = its address, r2 = its length); returns r0. */
    static long runOn(byte[] input, Object... parts) {
        return load(parts).run(input);
    }

    /** Records, after every instruction, the registers it left; what remains is the state at exit. */
    static final class LastRegisters implements ExecutionTracer {
        final long[] registers = new long[REGISTER_COUNT];
        int count;
        int lastPc = -1;

        @Override
        public void executed(int pc, long[] before, long[] after) {
            System.arraycopy(after, 0, registers, 0, REGISTER_COUNT);
            lastPc = pc;
            count++;
        }
    }

    /** Runs and returns r0-r10 as the program's top-level exit left them. */
    static long[] registersAtExit(Executable exe, byte[] input) {
        LastRegisters tracer = new LastRegisters();
        long r0 = exe.run(input, tracer);
        if (r0 != tracer.registers[0]) {
            throw new AssertionError("run returned " + r0 + " but the traced r0 at exit is " + tracer.registers[0]);
        }
        return tracer.registers;
    }

    static long[] registersAtExit(byte[] input, Object... parts) {
        return registersAtExit(load(parts), input);
    }

    static long[] registersAtExit(Object... parts) {
        return registersAtExit(new byte[0], parts);
    }

    /** Runs a program expected to fault with {@code type}; returns the fault. */
    static <T extends Throwable> T fault(Class<T> type, byte[] input, Object... parts) {
        Executable exe = load(parts);
        T fault = catchThrowableOfType(type, () -> exe.run(input));
        if (fault == null) {
            throw new AssertionError("expected " + type.getSimpleName() + " but the program completed");
        }
        return fault;
    }

    // ------------------------------------------------------------ single-instruction evaluation

    /** r0 = dst; {@code opcode r0, imm} (with {@code offset}); returns r0. */
    static long evalK(int opcode, int offset, long dst, int imm) {
        return run(lddw(R0, dst), insn(opcode, R0, 0, offset, imm), exit());
    }

    static long evalK(int opcode, long dst, int imm) {
        return evalK(opcode, 0, dst, imm);
    }

    /**
     * r0 = dst, r1 = src; {@code opcode r0, r1} (with {@code offset}); returns r0. Also checks the
     * instruction left its source register alone.
     */
    static long evalX(int opcode, int offset, long dst, long src) {
        long[] regs = registersAtExit(lddw(R0, dst), lddw(R1, src), insn(opcode, R0, R1, offset, 0), exit());
        if (regs[R1] != src) {
            throw new AssertionError(String.format("opcode 0x%02x changed its source register: 0x%x -> 0x%x",
                    opcode, src, regs[R1]));
        }
        return regs[R0];
    }

    static long evalX(int opcode, long dst, long src) {
        return evalX(opcode, 0, dst, src);
    }

    /**
     * Whether {@code opcode} (a conditional jump, K form) jumps for r1 = a and the immediate:
     * lays out both paths so that a wrong offset cannot pass for either answer.
     */
    static boolean takenK(int opcode, long a, int imm) {
        return taken(insn(opcode, R1, 0, 2, imm), a, 0);
    }

    /** As {@link #takenK} for the X form, with r1 = a and r2 = b. */
    static boolean takenX(int opcode, long a, long b) {
        return taken(insn(opcode, R1, R2, 2, 0), a, b);
    }

    private static boolean taken(Instruction jump, long a, long b) {
        long r0 = run(
                mov64(R0, 0),
                lddw(R1, a),
                lddw(R2, b),
                jump,           // +2 skips the not-taken path
                mov64(R0, 1),   // not taken
                exit(),
                mov64(R0, 2),   // taken
                exit());
        if (r0 != 1 && r0 != 2) {
            throw new AssertionError("jump program returned " + r0);
        }
        return r0 == 2;
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
