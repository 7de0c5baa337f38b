package io.bpf4j.compiler.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.runtime.spi.DecodedProgram;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.TreeSet;

/**
 * The control-flow facts the generator needs: which instructions start functions (each becomes a
 * JVM method), which instructions each function reaches, and where basic blocks start (where the
 * instruction budget is charged).
 */
final class ProgramShape {
    final DecodedProgram program;
    final int size;
    /** Instruction 0, every local call target and every {@code lddw rX, func} target. */
    final TreeSet<Integer> functions = new TreeSet<>();
    /** Instructions where a basic block starts. */
    final BitSet leaders = new BitSet();

    ProgramShape(DecodedProgram program) {
        this.program = program;
        this.size = program.size();
        functions.add(0);
        for (int pc = 0; pc < size; pc++) {
            int op = program.opcode(pc);
            if (op == CALL_IMM && program.src(pc) == CALL_LOCAL) {
                functions.add(pc + (int) program.imm(pc) + 1);
            } else if (op == LDDW && program.src(pc) == PSEUDO_FUNC) {
                functions.add((int) program.imm(pc));
            }
        }
        functions.removeIf(f -> f < 0 || f >= size || program.opcode(f) == -1);
        leaders.set(0);
        for (int f : functions) {
            leaders.set(f);
        }
        for (int pc = 0; pc < size; pc++) {
            int op = program.opcode(pc);
            if (op == -1) {
                continue;
            }
            if (isJump(op)) {
                int target = jumpTarget(pc);
                if (target >= 0 && target < size) {
                    leaders.set(target);
                }
            }
            if (endsBlock(op)) {
                int next = pc + (op == LDDW || op == DecodedProgram.LDDW_MAP || op == DecodedProgram.LDDW_MAP_VALUE ? 2 : 1);
                if (next < size) {
                    leaders.set(next);
                }
            }
        }
    }

    static boolean isLddw(int op) {
        return op == LDDW || op == DecodedProgram.LDDW_MAP || op == DecodedProgram.LDDW_MAP_VALUE;
    }

    /** A conditional or unconditional jump (not a call or exit). */
    static boolean isJump(int op) {
        int cls = op & 0x07;
        if (op > 0xff || (cls != JMP && cls != JMP32)) {
            return false;
        }
        int code = op & 0xf0;
        return code != CALL && code != EXIT;
    }

    static boolean isUnconditional(int op) {
        return op == (JMP | JA) || op == (JMP32 | JA);
    }

    int jumpTarget(int pc) {
        int op = program.opcode(pc);
        return op == (JMP32 | JA) ? pc + 1 + (int) program.imm(pc) : pc + 1 + program.offset(pc);
    }

    /**
     * Whether a block ends after this instruction: control may leave (jumps, calls, exit), it may
     * fault (memory access, which must not be charged for the instructions after it), or it is a
     * lddw (so that only a block's last instruction can take two slots).
     */
    static boolean endsBlock(int op) {
        if (op > 0xff) {
            return true; // map lddw, tail call
        }
        int cls = op & 0x07;
        return cls == JMP || cls == JMP32 || cls == LD || cls == LDX || cls == ST || cls == STX;
    }

    /** Instructions reachable from {@code entry} without following calls (they return). */
    BitSet reachableFrom(int entry) {
        BitSet seen = new BitSet(size);
        Deque<Integer> work = new ArrayDeque<>();
        work.push(entry);
        while (!work.isEmpty()) {
            int pc = work.pop();
            if (pc < 0 || pc >= size || seen.get(pc)) {
                continue;
            }
            seen.set(pc);
            int op = program.opcode(pc);
            if (op == EXIT_OP) {
                continue;
            }
            if (isJump(op)) {
                work.push(jumpTarget(pc));
                if (isUnconditional(op)) {
                    continue;
                }
            }
            work.push(pc + (isLddw(op) ? 2 : 1));
        }
        return seen;
    }

    /** Instructions (counting a lddw once) from leader {@code pc} to the end of its block. */
    int blockLength(int pc) {
        int n = 0;
        for (;;) {
            int op = program.opcode(pc);
            n++;
            int next = pc + (isLddw(op) ? 2 : 1);
            if (endsBlock(op) || next >= size || leaders.get(next)) {
                return n;
            }
            pc = next;
        }
    }
}
