package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * The checks Linux makes on the control-flow graph before abstract interpretation (its
 * {@code check_subprogs} and {@code check_cfg}): subprograms found from calls, jumps staying
 * inside their subprogram, each subprogram ending in {@code exit} or a jump, every instruction
 * reachable, known opcodes, and in strict mode no backward jump. It also marks the prune points:
 * jump targets, instructions after conditional jumps, and the instructions after calls.
 */
final class ControlFlow {
    private final Instructions code;
    private final int n;
    private final boolean strict;
    private final Set<Integer> subprogs;
    private final boolean[] pruneAt;

    private final Set<Integer> roots;

    ControlFlow(Instructions code, boolean strict, Set<Integer> subprogs, boolean[] pruneAt, Set<Integer> roots) {
        this.roots = roots;
        this.code = code;
        this.n = code.size();
        this.strict = strict;
        this.subprogs = subprogs;
        this.pruneAt = pruneAt;
    }

    void check() {
        boolean[] second = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (code.get(pc).opcode() == LDDW) {
                second[pc + 1] = true;
                pc++;
            }
        }
        subprogs.add(0);
        for (int r : roots) {
            if (r > 0 && r < n) {
                subprogs.add(r);
            }
        }
        for (int pc = 0; pc < n; pc++) {
            if (second[pc]) {
                continue;
            }
            Instruction insn = code.get(pc);
            if (insn.opcode() == CALLX) {
                throw new Analyzer.Rejection(pc, "unknown opcode " + Integer.toHexString(insn.opcode()));
            }
            if (insn.opcode() == CALL_IMM && insn.src() == CALL_LOCAL) {
                int t = pc + 1 + insn.imm();
                if (t < 0 || t >= n) {
                    throw new Analyzer.Rejection(pc, "call to invalid destination " + t);
                }
                subprogs.add(t);
            }
            if (insn.opcode() == LDDW && insn.src() == PSEUDO_FUNC) {
                int t = pc + 1 + insn.imm();
                if (t < 0 || t >= n) {
                    throw new Analyzer.Rejection(pc, "function pointer to invalid destination " + t);
                }
                subprogs.add(t);
            }
        }
        Integer[] starts = subprogs.toArray(new Integer[0]);
        for (int s = 0; s < starts.length; s++) {
            int start = starts[s];
            int end = s + 1 < starts.length ? starts[s + 1] : n;
            for (int pc = start; pc < end; pc++) {
                if (second[pc]) {
                    continue;
                }
                Instruction insn = code.get(pc);
                int cls = insn.opcode() & 7;
                if (cls != JMP && cls != JMP32) {
                    continue;
                }
                int jop = insn.opcode() & 0xf0;
                if (jop == CALL || jop == EXIT) {
                    continue;
                }
                int off = (cls == JMP32 && jop == JA) ? insn.imm() : insn.offset();
                int t = pc + 1 + off;
                if (t < start || t >= end) {
                    throw new Analyzer.Rejection(pc, "jump out of range from insn " + pc + " to " + t);
                }
                if (second[t]) {
                    throw new Analyzer.Rejection(pc, "jump into the middle of ldimm64 insn " + (t - 1));
                }
            }
            int last = end - 1;
            Instruction lastInsn = code.get(last);
            int lastCls = lastInsn.opcode() & 7;
            boolean endsOk = !second[last] && (lastCls == JMP || lastCls == JMP32)
                    && (lastInsn.opcode() == EXIT_OP || (lastInsn.opcode() & 0xf0) == JA);
            if (!endsOk) {
                throw new Analyzer.Rejection(last, "last insn is not an exit or jmp");
            }
        }
        reachability(second);
    }

    private void reachability(boolean[] second) {
        boolean[] seen = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.push(0);
        for (int r : roots) {
            if (r >= 0 && r < n) {
                subprogs.add(r);
                work.push(r);
            }
        }
        // Subprograms count as reachable only when a reachable call or function pointer names them.
        while (!work.isEmpty()) {
            int pc = work.pop();
            if (pc < 0 || pc >= n || seen[pc]) {
                continue;
            }
            seen[pc] = true;
            Instruction insn = code.get(pc);
            int op = insn.opcode();
            int cls = op & 7;
            if (op == LDDW) {
                if (insn.src() == PSEUDO_FUNC) {
                    work.push(pc + 1 + insn.imm());
                }
                work.push(pc + 2);
                continue;
            }
            if (cls != JMP && cls != JMP32) {
                work.push(pc + 1);
                continue;
            }
            int jop = op & 0xf0;
            if (jop == EXIT) {
                continue;
            }
            if (jop == CALL) {
                pruneAt[pc + 1 < n ? pc + 1 : pc] = true;
                if (insn.src() == CALL_LOCAL) {
                    work.push(pc + 1 + insn.imm());
                }
                work.push(pc + 1);
                continue;
            }
            int off = (cls == JMP32 && jop == JA) ? insn.imm() : insn.offset();
            int t = pc + 1 + off;
            if (strict && t <= pc) {
                throw new Analyzer.Rejection(pc, "back-edge from insn " + pc + " to " + t);
            }
            pruneAt[t] = true;
            work.push(t);
            if (jop != JA) {
                pruneAt[pc + 1] = true;
                work.push(pc + 1);
            }
        }
        for (int pc = 0; pc < n; pc++) {
            if (!second[pc] && !seen[pc]) {
                throw new Analyzer.Rejection(pc, "unreachable insn " + pc);
            }
        }
    }
}
