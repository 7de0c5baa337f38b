package io.bpf4j.verifier.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether an explored state covers a new one at the same instruction: every register and stack
 * slot of the new state is at least as constrained as in the explored one, so every path from
 * the new state was already proven safe (Linux's {@code states_equal} with {@code regsafe} and
 * {@code stacksafe}). Identities (null-check ids, packet-range ids, equal-scalar ids, references)
 * must correspond one to one.
 */
final class Subsumption {
    private final Map<Integer, Integer> idmap = new HashMap<>();
    private final Map<Integer, Integer> reverse = new HashMap<>();
    private final boolean priv;
    /** Stand-in ids for scalars of the new state that have none: distinct from each other. */
    private int fresh;

    private Subsumption(boolean priv, Liveness liveness, int pc, State.Explored node) {
        this.priv = priv;
        this.liveness = liveness;
        this.pc = pc;
        this.node = node;
    }

    private final Liveness liveness;
    private final int pc;
    /**
     * The remembered state when all paths from it are explored: then its precision marks and stack
     * reads are final, and imprecise scalars and stack slots no path reads need not match. Null
     * for a state still being explored, which is compared in full.
     */
    private final State.Explored node;

    /** Whether a state whose paths are all explored covers {@code cur}, using its precision and stack liveness. */
    static boolean covers(State.Explored old, State cur, boolean priv, Liveness liveness, int pc) {
        return new Subsumption(priv, liveness, pc, old).states(old.state, cur);
    }

    /** Whether {@code old} covers {@code cur}, comparing every scalar and slot (for states still being explored). */
    static boolean coversFully(State old, State cur, boolean priv, Liveness liveness, int pc) {
        return new Subsumption(priv, liveness, pc, null).states(old, cur);
    }

    /** Precision only counts for privileged programs: unprivileged, Linux compares every scalar exactly. */
    private boolean imprecise(Reg old) {
        return node != null && priv && !old.precise;
    }

    /** Registers of frame {@code i} that the rest of the run may read. */
    private int liveMask(State cur, int i) {
        if (liveness == null) {
            return -1;
        }
        if (i == cur.frames.size() - 1) {
            return liveness.liveAt(pc);
        }
        Frame callee = cur.frames.get(i + 1);
        if (callee.callbackFrame) {
            return liveness.liveAt(callee.callsite); // the helper call runs again: it reads r1-r5
        }
        return liveness.liveAt(callee.callsite + 1) & ~0b111111; // r0-r5 are set or cleared on return
    }

    private boolean states(State old, State cur) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()
                || (old.speculative && !cur.speculative)) {
            return false;
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!ids(old.refs.get(i)[0], cur.refs.get(i)[0])) {
                return false;
            }
        }
        for (int i = 0; i < old.frames.size(); i++) {
            long liveSlots = node == null ? -1L : node.read[i];
            if (!frame(old.frames.get(i), cur.frames.get(i), liveMask(cur, i), liveSlots)) {
                return false;
            }
        }
        return true;
    }

    private boolean ids(int a, int b) {
        if (a == 0 && b == 0) {
            return true;
        }
        if (a == 0 || b == 0) {
            return false;
        }
        Integer m = idmap.get(a);
        Integer r = reverse.get(b);
        if (m == null && r == null) {
            idmap.put(a, b);
            reverse.put(b, a);
            return true;
        }
        return m != null && m == b && r != null && r == a;
    }

    private boolean frame(Frame old, Frame cur, int live, long liveSlots) {
        if (old.callsite != cur.callsite || old.callbackFrame != cur.callbackFrame) {
            return false;
        }
        for (int r = 0; r < old.regs.length; r++) {
            if ((live & (1 << r)) != 0 && !reg(old.regs[r], cur.regs[r])) {
                return false;
            }
        }
        for (int slot = 0; slot < Frame.SLOTS; slot++) {
            if ((liveSlots & (1L << slot)) != 0 && !slot(old, cur, slot)) {
                return false;
            }
        }
        return true;
    }

    private boolean slot(Frame old, Frame cur, int slot) {
        int base = slot * 8;
        Reg os = old.stype[base] == Frame.SPILL ? old.spills[slot] : null;
        Reg cs = cur.stype[base] == Frame.SPILL ? cur.spills[slot] : null;
        if (os != null) {
            if (cs != null) {
                return reg(os, cs);
            }
            if (!os.isScalar()) {
                return false;
            }
            if (imprecise(os)) {
                // Any scalar may be read back here: fine unless the bytes may not be read at all.
                for (int i = 0; i < 8; i++) {
                    byte t = cur.stype[base + i];
                    if ((t == Frame.INVALID && !priv) || t == Frame.SPILL) {
                        return false; // a SPILL byte without a spilled register at the slot start: never produced
                    }
                }
                return true;
            }
            // An old spilled scalar against plain bytes: fine when the bytes are no more than it allows.
            boolean allZero = true;
            for (int i = 0; i < 8; i++) {
                byte t = cur.stype[base + i];
                if (t == Frame.INVALID && !(priv && os.var.isUnbounded())) {
                    return false;
                }
                allZero &= t == Frame.ZERO;
            }
            return allZero ? os.var.contains(Scalar.constant(0)) : os.var.isUnbounded();
        }
        for (int i = 0; i < 8; i++) {
            byte o = old.stype[base + i];
            byte c = cur.stype[base + i];
            switch (o) {
                case Frame.INVALID -> { }
                case Frame.MISC -> {
                    boolean ok = c == Frame.MISC || c == Frame.ZERO || (c == Frame.INVALID && priv)
                            || (c == Frame.SPILL && cur.spills[slot] != null && cur.spills[slot].isScalar());
                    if (!ok) {
                        return false;
                    }
                }
                case Frame.ZERO -> {
                    boolean ok = c == Frame.ZERO || (c == Frame.SPILL && cur.spills[slot] != null
                            && cur.spills[slot].isConst() && cur.spills[slot].var.constValue() == 0);
                    if (!ok) {
                        return false;
                    }
                }
                default -> {
                    return false; // a SPILL byte without a spilled register: never produced
                }
            }
        }
        return true;
    }

    private boolean reg(Reg old, Reg cur) {
        if (!old.isInit()) {
            return true;
        }
        if (old.type != cur.type) {
            return false;
        }
        if (old.type == RegType.SCALAR) {
            if (imprecise(old)) {
                return true;
            }
            if (old.id != 0 && !ids(old.id, cur.id == 0 ? --fresh : cur.id)) {
                return false;
            }
            return old.var.contains(cur.var);
        }
        if (old.maybeNull != cur.maybeNull || old.off != cur.off || old.map != cur.map || old.readOnly != cur.readOnly
                || old.memSize != cur.memSize || old.frame != cur.frame) {
            return false;
        }
        if (!ids(old.refId, cur.refId)) {
            return false;
        }
        if (old.type.isPacket()) {
            if (cur.range < old.range) {
                return false;
            }
            if (!ids(old.id, cur.id)) {
                return false;
            }
        } else if (old.maybeNull && !ids(old.id, cur.id)) {
            return false;
        }
        return old.var.contains(cur.var);
    }
}
