package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;

/**
 * Precision tracking (the idea of Linux's {@code mark_chain_precision}): a scalar is "precise" in a
 * remembered state when some path from that state made a decision that depended on its value
 * (pointer arithmetic, a memory or helper size, a branch whose outcome the value decided, a
 * return-value range). Pruning compares only precise scalars by range; an imprecise one may hold
 * any value in a state it covers, because no path from it looked at the value. That is what lets
 * paths that differ in counters, lengths or flags that nothing checks be recognised as one.
 *
 * <p>When a decision needs a register, the register is traced backwards through the instructions
 * the path executed ({@link Step}s): {@code r1 = r2 + r3} needs r2 and r3, a load from a stack
 * slot needs the register spilled there, a constant needs nothing. Each remembered state the
 * trace passes gets the registers and slots still needed marked precise. A step it cannot trace
 * marks every scalar of the remaining states precise, which only costs pruning, never soundness.
 */
final class Precision {
    private static final int CALLER_SAVED = 0b111111; // r0-r5
    private static final int ARGS = 0b111110; // r1-r5

    /**
     * Steps backtracking may walk in one verification. A decision walks back until its registers
     * are found precise, which on a long path without stopping points is quadratic: a fuzzed
     * program kept the verifier busy for minutes. Past the budget, a decision marks every scalar
     * of the path's remembered states precise instead ({@link #markAll}, amortized by its flags):
     * sound, only less pruning. {@code -Dbpf4j.verifier.backtrackBudget} overrides it (tests).
     */
    static final long WALK_BUDGET = 50_000_000L;

    private final Instructions code;
    private final long budget;
    private long walked;

    Precision(Instructions code) {
        this.code = code;
        this.budget = Long.getLong("bpf4j.verifier.backtrackBudget", WALK_BUDGET);
    }

    /**
     * Traces {@code need} (as of just after step {@code from}) back through {@code from} and its
     * predecessors, marking what is still needed in {@code node} (the state remembered before the
     * oldest of those steps) and its ancestors.
     */
    void backtrack(Step from, State.Explored node, Need need) {
        if (walked >= budget) {
            markAll(node);
            return;
        }
        Step s = from;
        while (true) {
            for (; s != null; s = s.prev) {
                walked++;
                if (!undo(s, need)) {
                    markAll(node);
                    return;
                }
                if (need.isEmpty()) {
                    return;
                }
            }
            if (node == null) {
                return;
            }
            if (node.state == null) {
                // Forgotten under the memory limit: it cannot say what is already precise, so the
                // walk would go on to the root every time. Mark everything above it instead (once:
                // markAll stops at states already marked).
                markAll(node.parent);
                return;
            }
            if (!mark(node, need)) {
                markAll(node);
                return;
            }
            if (need.isEmpty()) {
                return;
            }
            s = node.history;
            node = node.parent;
        }
    }

    /** What {@code need} after the step's instruction requires before it; false when it cannot tell. */
    private boolean undo(Step s, Need need) {
        int f = s.frame;
        Instruction insn = code.get(s.pc);
        int op = insn.opcode();
        int d = insn.dst();
        int src = insn.src();
        boolean x = (op & X) != 0;
        switch (op & 7) {
            case ALU, ALU64 -> {
                if (!need.hasReg(f, d)) {
                    return true;
                }
                int aop = op & 0xf0;
                if (aop == MOV) {
                    need.regs[f] &= ~(1 << d);
                    if (x) {
                        need.regs[f] |= 1 << src;
                    }
                } else if (x && aop != END && aop != NEG) {
                    need.regs[f] |= 1 << src;
                }
                return true;
            }
            case LDX -> {
                if (need.hasReg(f, d)) {
                    need.regs[f] &= ~(1 << d);
                    if (s.stackFrame >= 0) {
                        need.slots[s.stackFrame] |= 1L << s.stackSlot;
                    }
                }
                return true;
            }
            case ST, STX -> {
                boolean atomic = (op & 0xe0) == ATOMIC;
                if (atomic && (insn.imm() & ATOMIC_FETCH) != 0) {
                    int fetched = insn.imm() == ATOMIC_CMPXCHG ? 0 : src;
                    need.regs[f] &= ~(1 << fetched); // the old memory value: not derived from a register
                }
                if (s.stackFrame >= 0 && need.hasSlot(s.stackFrame, s.stackSlot)) {
                    need.slots[s.stackFrame] &= ~(1L << s.stackSlot);
                    if (!atomic && (op & 7) == STX) {
                        need.regs[f] |= 1 << src;
                    }
                }
                return true;
            }
            case LD -> {
                if (op == LDDW) {
                    need.regs[f] &= ~(1 << d);
                } else {
                    need.regs[f] &= ~CALLER_SAVED; // legacy packet load: r0 set from the packet, r1-r5 cleared
                }
                return true;
            }
            default -> {
                return undoJump(s, insn, need);
            }
        }
    }

    private boolean undoJump(Step s, Instruction insn, Need need) {
        int f = s.frame;
        int jop = insn.opcode() & 0xf0;
        switch (jop) {
            case JA -> {
                return true;
            }
            case CALL -> {
                if (s.enteredFrame) {
                    int callee = f + 1;
                    if (callee >= need.regs.length) {
                        return false;
                    }
                    int args = need.regs[callee] & ARGS;
                    if ((need.regs[callee] & ~ARGS) != 0) {
                        return false; // r0 or r6-r9 of a frame before they were set
                    }
                    // A subprogram gets r1-r5 as they are; a callback gets values derived from them.
                    need.regs[f] |= insn.src() == CALL_LOCAL ? args : (args != 0 ? ARGS : 0);
                    need.regs[callee] = 0;
                    need.slots[callee] = 0; // a new frame's stack starts empty
                    return true;
                }
                if (f + 1 < need.regs.length && (need.regs[f + 1] != 0 || need.slots[f + 1] != 0)) {
                    return false;
                }
                need.regs[f] &= ~CALLER_SAVED;
                return true;
            }
            case EXIT -> {
                if (f == 0) {
                    return false; // the main program's exit ends its path: nothing runs after it
                }
                int caller = f - 1;
                if (need.regs[f] != 0 || need.slots[f] != 0) {
                    return false; // the frame no longer exists after its exit
                }
                if (!s.callbackReturn) {
                    if (need.hasReg(caller, 0)) {
                        need.regs[f] |= 1;
                    }
                    need.regs[caller] &= ~CALLER_SAVED;
                }
                return true;
            }
            default -> {
                int both = 1 << insn.dst();
                if ((insn.opcode() & X) != 0) {
                    both |= 1 << insn.src();
                }
                boolean touches = (need.regs[f] & both) != 0;
                if (s.linkedRegs != null) {
                    for (int i = 0; i < need.regs.length && !touches; i++) {
                        touches = (need.regs[i] & s.linkedRegs[i]) != 0 || (need.slots[i] & s.linkedSlots[i]) != 0;
                    }
                }
                if (touches) {
                    // The comparison narrowed one operand by the other (and all scalars linked to them).
                    need.regs[f] |= both;
                    if (s.linkedRegs != null) {
                        for (int i = 0; i < need.regs.length; i++) {
                            need.regs[i] |= s.linkedRegs[i];
                            need.slots[i] |= s.linkedSlots[i];
                        }
                    }
                }
                return true;
            }
        }
    }

    /** Marks the needed scalars of a remembered state precise; drops what is already precise or not a scalar. */
    private static boolean mark(State.Explored node, Need need) {
        State st = node.state;
        for (int f = 0; f < need.regs.length; f++) {
            if (f >= node.frameCount) {
                if (need.regs[f] != 0 || need.slots[f] != 0) {
                    return false;
                }
                continue;
            }

            Frame fr = st.frames.get(f);
            for (int r = 0; r < 11; r++) {
                if ((need.regs[f] & (1 << r)) == 0) {
                    continue;
                }
                Reg g = fr.regs[r];
                if (!g.isScalar() || g.precise) {
                    need.regs[f] &= ~(1 << r);
                } else {
                    g.precise = true;
                }
            }
            long slots = need.slots[f];
            while (slots != 0) {
                int slot = Long.numberOfTrailingZeros(slots);
                slots &= slots - 1;
                Reg g = fr.stype[slot * 8] == Frame.SPILL ? fr.spills[slot] : null;
                if (g == null || !g.isScalar() || g.precise) {
                    // Plain stack bytes are compared exactly: a value read from them needs nothing further.
                    need.slots[f] &= ~(1L << slot);
                } else {
                    g.precise = true;
                }
            }
        }
        return true;
    }

    /** The fallback: every scalar of the state and its ancestors becomes precise. */
    static void markAll(State.Explored node) {
        for (State.Explored e = node; e != null && !e.allPrecise; e = e.parent) {
            e.allPrecise = true;
            if (e.state == null) {
                continue;
            }
            for (Frame fr : e.state.frames) {
                for (Reg g : fr.regs) {
                    g.precise = true;
                }
                for (Reg g : fr.spills) {
                    if (g != null) {
                        g.precise = true;
                    }
                }
            }
        }
    }

    /** What a state that another covers must keep precise: everything precise in the covering one. */
    static Need preciseIn(State.Explored node) {
        Need need = new Need();
        State st = node.state;
        for (int f = 0; f < st.frames.size(); f++) {
            Frame fr = st.frames.get(f);
            for (int r = 0; r < 11; r++) {
                if (fr.regs[r].isScalar() && fr.regs[r].precise) {
                    need.regs[f] |= 1 << r;
                }
            }
            for (int slot = 0; slot < Frame.SLOTS; slot++) {
                Reg g = fr.spills[slot];
                if (g != null && fr.stype[slot * 8] == Frame.SPILL && g.isScalar() && g.precise) {
                    need.slots[f] |= 1L << slot;
                }
            }
        }
        return need;
    }

    /** Everything of a state: for a state covered by one whose precision is not final yet. */
    static Need everythingIn(State st) {
        Need need = new Need();
        for (int f = 0; f < st.frames.size(); f++) {
            need.regs[f] = (1 << 11) - 1;
            need.slots[f] = -1L;
        }
        return need;
    }
}
