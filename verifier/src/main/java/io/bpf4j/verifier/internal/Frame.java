package io.bpf4j.verifier.internal;

import java.util.Arrays;

/**
 * One call frame of an abstract state: registers r0 to r10 and the 512-byte stack, where each
 * byte is invalid (never written), misc (written, unknown), zero, or part of a spilled register
 * (an aligned 8-byte store of a register, which a later 8-byte load restores exactly).
 */
public final class Frame {
    public static final int STACK_SIZE = 512;
    static final int SLOTS = STACK_SIZE / 8;

    /** Estimated heap bytes of a frame without spills: the frame, 11 registers, byte types, the spill table. */
    static final long BASE_BYTES = 64 + 11 * Reg.BYTES + (16 + STACK_SIZE) + (16 + 4L * SLOTS);

    static final byte INVALID = 0;
    static final byte MISC = 1;
    static final byte ZERO = 2;
    static final byte SPILL = 3;

    final Reg[] regs = new Reg[11];
    /** Byte types, index 0 is the byte at fp-512. */
    final byte[] stype = new byte[STACK_SIZE];
    /** Spilled registers per 8-byte slot, index 0 is fp-512..fp-505. */
    final Reg[] spills = new Reg[SLOTS];
    /** Instruction to return to in the caller (-1 for the main program). */
    int callsite = -1;
    /** First instruction of this frame's subprogram. */
    int subprog;
    /** Deepest stack byte this frame has touched, as a positive depth. */
    int depth;
    /** Index of this frame in its state. */
    int frameNo;
    /** Whether this frame runs a helper's callback (bpf_loop, ...): its exit returns to the helper call. */
    boolean callbackFrame;

    Frame() {
        for (int i = 0; i < regs.length; i++) {
            regs[i] = Reg.notInit();
        }
    }

    Frame copy() {
        Frame f = new Frame();
        for (int i = 0; i < regs.length; i++) {
            f.regs[i] = regs[i].copy();
        }
        System.arraycopy(stype, 0, f.stype, 0, STACK_SIZE);
        for (int i = 0; i < SLOTS; i++) {
            f.spills[i] = spills[i] == null ? null : spills[i].copy();
        }
        f.callsite = callsite;
        f.subprog = subprog;
        f.depth = depth;
        f.frameNo = frameNo;
        f.callbackFrame = callbackFrame;
        return f;
    }

    boolean sameAs(Frame o) {
        if (callsite != o.callsite || callbackFrame != o.callbackFrame || !Arrays.equals(stype, o.stype)) {
            return false;
        }
        for (int i = 0; i < regs.length; i++) {
            if (!regs[i].sameAs(o.regs[i])) {
                return false;
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            if ((spills[i] == null) != (o.spills[i] == null) || (spills[i] != null && !spills[i].sameAs(o.spills[i]))) {
                return false;
            }
        }
        return true;
    }

    /** A compact text of the non-empty stack slots, as Linux's log prints them ({@code fp-8=mmmmmmmm}). */
    String stackText() {
        StringBuilder b = new StringBuilder();
        for (int slot = SLOTS - 1; slot >= 0; slot--) {
            int base = slot * 8;
            boolean any = false;
            for (int i = 0; i < 8; i++) {
                any |= stype[base + i] != INVALID;
            }
            if (!any) {
                continue;
            }
            b.append(" fp").append(base - STACK_SIZE).append('=');
            if (spills[slot] != null && stype[base] == SPILL) {
                b.append(spills[slot]);
            } else {
                for (int i = 7; i >= 0; i--) {
                    b.append(switch (stype[base + i]) {
                        case MISC -> 'm';
                        case ZERO -> '0';
                        case SPILL -> 'r';
                        default -> '?';
                    });
                }
            }
        }
        return b.toString();
    }
}
