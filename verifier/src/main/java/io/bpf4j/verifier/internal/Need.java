package io.bpf4j.verifier.internal;

/** Registers and spilled stack slots, per call frame, whose exact values a decision depended on. */
final class Need {
    final int[] regs = new int[Analyzer.MAX_CALL_FRAMES];
    final long[] slots = new long[Analyzer.MAX_CALL_FRAMES];

    boolean isEmpty() {
        for (int f = 0; f < regs.length; f++) {
            if (regs[f] != 0 || slots[f] != 0) {
                return false;
            }
        }
        return true;
    }

    boolean hasReg(int frame, int r) {
        return (regs[frame] & (1 << r)) != 0;
    }

    boolean hasSlot(int frame, int slot) {
        return (slots[frame] & (1L << slot)) != 0;
    }
}
