package io.bpf4j.verifier.internal;

/**
 * Widening for helper callbacks ({@code bpf_loop} and friends), whose number of iterations the
 * verifier does not know: a number that changed between two runs of the callback becomes
 * unknown, so that repeated runs reach a state already explored. Only loses precision, so it is
 * sound; it applies where the helper, not the program, bounds the iterations.
 */
final class Widening {
    private Widening() {}

    /** Widens {@code cur} in place where it is not covered by {@code old}. */
    static void widen(State old, State cur) {
        if (old.frames.size() != cur.frames.size()) {
            return;
        }
        for (int i = 0; i < cur.frames.size(); i++) {
            Frame o = old.frames.get(i);
            Frame c = cur.frames.get(i);
            for (int r = 0; r < c.regs.length; r++) {
                c.regs[r] = widen(o.regs[r], c.regs[r]);
            }
            for (int s = 0; s < Frame.SLOTS; s++) {
                if (c.spills[s] != null && o.spills[s] != null) {
                    c.spills[s] = widen(o.spills[s], c.spills[s]);
                } else if (c.spills[s] != null && c.spills[s].isScalar() && c.stype[s * 8] == Frame.SPILL) {
                    c.spills[s] = Reg.unknownScalar();
                }
            }
        }
    }

    private static Reg widen(Reg old, Reg cur) {
        if (cur.isScalar() && old.isScalar() && !old.var.contains(cur.var)) {
            return Reg.unknownScalar();
        }
        if (cur.isPointer() && old.type == cur.type && !old.var.contains(cur.var)) {
            Reg r = cur.copy();
            r.var = Scalar.unknown();
            return r;
        }
        return cur;
    }
}
