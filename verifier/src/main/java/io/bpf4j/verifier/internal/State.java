package io.bpf4j.verifier.internal;

import java.util.ArrayList;
import java.util.List;

/** An abstract machine state: the call frames (innermost last) and the references the program holds. */
public final class State {
    final List<Frame> frames = new ArrayList<>();
    /** Acquired references still held: pairs of (reference id, instruction that acquired it). */
    final List<int[]> refs = new ArrayList<>();
    /** The explored-state node this state descends from, for loop detection and branch counting. */
    Explored parent;
    /** Whether this path only runs speculatively (a mispredicted branch), explored for unprivileged programs. */
    boolean speculative;
    /** The instructions run since {@link #parent} was remembered, newest first (shared with forks). */
    Step last;
    /** Stack slots (bit s, per frame) fully written since {@link #parent} was remembered: reads of them stop there. */
    long[] written = new long[Analyzer.MAX_CALL_FRAMES];

    State copy() {
        State s = new State();
        for (Frame f : frames) {
            s.frames.add(f.copy());
        }
        for (int[] r : refs) {
            s.refs.add(r.clone());
        }
        s.parent = parent;
        s.speculative = speculative;
        s.last = last;
        s.written = written.clone();
        return s;
    }

    Frame cur() {
        return frames.get(frames.size() - 1);
    }

    Reg reg(int r) {
        return cur().regs[r];
    }

    boolean sameAs(State o) {
        if (frames.size() != o.frames.size() || refs.size() != o.refs.size() || speculative != o.speculative) {
            return false;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!frames.get(i).sameAs(o.frames.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** An explored state remembered at an instruction: its snapshot and how many paths below it are still open. */
    static final class Explored {
        /** The snapshot; null once evicted to bound memory (the node stays: its paths and history still count). */
        State state;
        /** Call frames of the snapshot (kept when it is evicted: precision tracking needs it). */
        final int frameCount;
        /** Estimated heap bytes of the snapshot, counted against the verification's memory limit. */
        final long bytes;
        final Explored parent;
        final int pc;
        final long fingerprint;
        int branches = 1;
        int hits;
        int misses;
        /** Creation order, to find the latest state at an instruction. */
        int order;
        /** The instructions run from {@link #parent}'s instruction up to this one. */
        Step history;
        /** Stack slots fully written on the way from {@link #parent} to this state. */
        long[] writtenBefore;
        /** Stack slots (bit s, per frame) that some path from this state reads before writing: the live ones. */
        final long[] read = new long[Analyzer.MAX_CALL_FRAMES];
        /** Whether every scalar here and in the ancestors is marked precise (precision tracking's fallback). */
        boolean allPrecise;

        Explored(State state, Explored parent, int pc, long fingerprint) {
            this.state = state;
            this.frameCount = state.frames.size();
            this.bytes = state.estimatedBytes();
            this.parent = parent;
            this.pc = pc;
            this.fingerprint = fingerprint;
        }
    }

    /**
     * A conservative estimate of the heap this state takes (its frames' registers, scalar bounds,
     * stack byte types and spilled registers), for the verifier's memory limit: a remembered
     * state is the one thing a hostile program can make the verifier hold by the hundred thousand.
     */
    long estimatedBytes() {
        long bytes = 96 + 16L * refs.size();
        for (Frame f : frames) {
            bytes += Frame.BASE_BYTES;
            for (Reg g : f.spills) {
                if (g != null) {
                    bytes += Reg.BYTES;
                }
            }
        }
        return bytes;
    }

    /** A hash equal for states that are {@link #sameAs} each other (identities ignored). */
    long fingerprint() {
        long h = frames.size() * 31L + refs.size();
        for (Frame f : frames) {
            h = h * 1_000_003L + f.callsite;
            for (Reg r : f.regs) {
                h = h * 31 + r.fingerprint();
            }
            h = h * 31 + java.util.Arrays.hashCode(f.stype);
            for (Reg r : f.spills) {
                h = h * 31 + (r == null ? 0 : r.fingerprint());
            }
        }
        return h;
    }
}
