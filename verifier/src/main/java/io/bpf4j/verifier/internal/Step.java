package io.bpf4j.verifier.internal;

/**
 * One instruction a path executed since its last remembered state: the history that precision
 * tracking walks backwards. Steps form a list from the newest to the oldest that paths forked
 * from the same point share, so a fork copies one reference, not the history.
 */
final class Step {
    final int pc;
    /** Index of the call frame the instruction ran in. */
    final int frame;
    final Step prev;
    /** The stack slot a load, store or atomic operation at a constant offset touched: its frame, or -1. */
    int stackFrame = -1;
    int stackSlot;
    /** A call that entered a new frame (a subprogram or a helper's callback) rather than returning at once. */
    boolean enteredFrame;
    /** An exit of a helper's callback: it returns to the helper call, which sets no register of the caller. */
    boolean callbackReturn;
    /**
     * For a conditional jump: the registers (bit r of entry f) and spilled slots (bit s of entry f)
     * whose values the comparison decided or narrowed, scalars linked by an id included; null for others.
     */
    int[] linkedRegs;
    long[] linkedSlots;

    Step(int pc, int frame, Step prev) {
        this.pc = pc;
        this.frame = frame;
        this.prev = prev;
    }

    /** The same step, marked as having entered a frame (the original stays unmarked for paths forked before). */
    Step enteringFrame() {
        Step s = new Step(pc, frame, prev);
        s.stackFrame = stackFrame;
        s.stackSlot = stackSlot;
        s.enteredFrame = true;
        return s;
    }
}
