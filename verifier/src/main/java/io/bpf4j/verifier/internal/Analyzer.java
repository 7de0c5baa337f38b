package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.HelperArgType;
import io.bpf4j.runtime.HelperPrototype;
import io.bpf4j.runtime.HelperReturnType;
import io.bpf4j.runtime.LinuxHelpers;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapFlags;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationRequest.ArgKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The abstract interpreter: walks every path of a program from its entry with an abstract
 * {@link State}, checking each instruction against the state (registers initialized, memory
 * accesses inside their objects, helper arguments matching prototypes, pointers used as the
 * program type allows), forking at conditional jumps whose outcome is unknown, and pruning a path
 * when it reaches an instruction in a state no more general than one already proven safe there.
 * Loops are unrolled until they exit or reach a state equal to one on their own path (an
 * infinite loop), within {@link #LIMIT} instruction steps, as Linux's verifier does.
 */
public final class Analyzer {
    /** Linux's BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final long LIMIT = 1_000_000;

    /**
     * Helpers Linux gives non-tracing programs only with CAP_PERFMON: trace_printk, probe_read_user,
     * probe_read_kernel, probe_read_user_str, probe_read_kernel_str, get_current_task,
     * snprintf_btf, get_current_task_btf, task_pt_regs, trace_vprintk (tracing programs, which need
     * CAP_PERFMON to load at all, are refused earlier when unprivileged).
     */
    private static final java.util.Set<Integer> PERFMON_HELPERS = java.util.Set.of(6, 112, 113, 114, 115, 35, 149, 158,
            175, 177);

    /** Program types Linux loads only with CAP_PERFMON (is_perfmon_prog_type). */
    private static boolean needsPerfmon(ProgramType type) {
        return switch (type) {
            case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM, STRUCT_OPS, EXT -> true;
            default -> false;
        };
    }
    /** Linux's MAX_CALL_FRAMES. */
    public static final int MAX_CALL_FRAMES = 8;
    /** Linux's BPF_COMPLEXITY_LIMIT_JMP_SEQ: pending branches at once. */
    static final int MAX_PENDING = 8192;
    /** Linux's BPF_MAX_VAR_OFF: offsets beyond this are refused in pointer arithmetic and accesses. */
    static final long MAX_VAR_OFF = 1L << 29;
    /** Explored states remembered per instruction before the least useful are dropped. */
    static final int MAX_STATES_PER_INSN = 128;
    static final int HELPER_TAIL_CALL = 12;

    /** A rejection: instruction and reason; the analyzer keeps the state it was found in. */
    public static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int pc;
        public final String reason;

        Rejection(int pc, String reason) {
            super(reason, null, false, false);
            this.pc = pc;
            this.reason = reason;
        }
    }

    private record Pending(int pc, State state, long bytes) {}

    private final Instructions code;
    private final int n;
    private final ProgramType type;
    private final List<MapDefinition> maps;
    private final VerificationRequest request;
    private final boolean priv;
    private final boolean[] pruneAt;
    private final boolean[] callbackCall;
    /** Instructions a speculative path failed at: Linux puts a barrier before them, which ends every speculative path there. */
    private final boolean[] nospec;
    private final List<State.Explored>[] explored;
    private final Map<Long, List<State.Explored>>[] active;
    private long jumpsProcessed;
    private Liveness liveness;
    private Precision precision;
    private long lastAddProcessed;
    private long lastAddJumps;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final BitSet reachable = new BitSet();
    private final BitSet safeAccess = new BitSet();
    /** Accesses that, on some path, went to a region with bytes a runtime can address directly (see {@link #directAccess}). */
    private final BitSet directOnSomePath = new BitSet();
    /** Accesses that, on some path, went anywhere else. */
    private final BitSet indirectOnSomePath = new BitSet();
    private final List<String> trace = new ArrayList<>();
    private final TreeSet<Integer> subprogs = new TreeSet<>();

    /** Remembered states that still hold a snapshot, oldest first: the order they are forgotten in under the memory limit. */
    private final ArrayDeque<State.Explored> snapshots = new ArrayDeque<>();
    private long stateBytes;
    /** Estimated bytes of the states in {@link #pending}: they count against the memory limit too. */
    private long pendingBytes;
    private long peakStateBytes;
    private int evictedStates;

    private long processed;
    private int curStates;
    private int peakStates;
    private int totalStates;
    private int nextId = 1;

    /** State and instruction being checked, for the log when a check fails. */
    private State current;
    private int currentPc = -1;

    @SuppressWarnings("unchecked")
    public Analyzer(VerificationRequest request) {
        this.request = request;
        this.code = request.code();
        this.n = code.size();
        this.type = request.type();
        this.maps = new ArrayList<>(request.maps());
        this.priv = request.privileged();
        this.pruneAt = new boolean[n];
        this.callbackCall = new boolean[n];
        this.nospec = new boolean[n];
        this.explored = new List[n];
        this.active = new Map[n];
    }

    public long processed() {
        return processed;
    }

    public int peakStates() {
        return peakStates;
    }

    public long peakStateBytes() {
        return peakStateBytes;
    }

    public int evictedStates() {
        return evictedStates;
    }

    public VerificationRequest request() {
        return request;
    }

    public int totalStates() {
        return totalStates;
    }

    public BitSet reachable() {
        return reachable;
    }

    public BitSet safeAccess() {
        return safeAccess;
    }

    /**
     * Accesses that go, on every path, to memory a runtime holds as one region with bytes and
     * that were proven within it: loads from the stack at a fixed offset, from a map value, from
     * the packet or its metadata; stores to the stack at a fixed offset. (Context fields, helper
     * memory and map keys are left out: a runtime translates or bounds those differently.)
     */
    public BitSet directAccess() {
        BitSet direct = (BitSet) directOnSomePath.clone();
        direct.andNot(indirectOnSomePath);
        direct.and(safeAccess);
        return direct;
    }

    public List<String> trace() {
        return trace;
    }

    public int currentPc() {
        return currentPc;
    }

    /** Registers and stack of the state a rejection was found in, as Linux prints them. */
    public String currentStateText() {
        return current == null ? "" : stateText(current);
    }

    /** Verifies the program; throws {@link Rejection} at the first unsafe instruction. */
    public void run() {
        if (!priv && needsPerfmon(type)) {
            throw new Rejection(-1, "loading a " + type.name().toLowerCase() + " program needs CAP_PERFMON: Linux refuses"
                    + " it to unprivileged users (EPERM) before verifying it");
        }
        new ControlFlow(code, request.strict(), subprogs, pruneAt, request.globalFunctions().keySet()).check();
        liveness = Liveness.of(code);
        precision = new Precision(code);
        checkMapReferences();
        markCallbackCalls();
        explore(0, initialState(0, null));
        for (Map.Entry<Integer, List<ArgKind>> g : request.globalFunctions().entrySet()) {
            int entry = g.getKey();
            if (entry <= 0 || entry >= n) {
                throw new Rejection(-1, "global function at instruction " + entry + " is outside the program");
            }
            explore(entry, initialState(entry, g.getValue()));
        }
    }

    private void markCallbackCalls() {
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = code.get(pc);
            if (insn.opcode() == CALL_IMM && insn.src() == CALL_HELPER && isCallbackHelper(insn.imm())) {
                callbackCall[pc] = true;
                pruneAt[pc] = true;
            }
            if (insn.opcode() == LDDW) {
                pc++;
            }
        }
    }

    private static boolean isCallbackHelper(int id) {
        return id == 164 || id == 180 || id == 181 || id == 209 || id == 170;
    }

    private State initialState(int entry, List<ArgKind> globalArgs) {
        State st = new State();
        Frame f = new Frame();
        f.subprog = entry;
        st.frames.add(f);
        if (globalArgs == null) {
            f.regs[1] = Reg.pointer(RegType.PTR_TO_CTX, 0);
        } else {
            for (int i = 0; i < 5; i++) {
                ArgKind k = i < globalArgs.size() ? globalArgs.get(i) : null;
                if (k == ArgKind.CONTEXT) {
                    f.regs[i + 1] = Reg.pointer(RegType.PTR_TO_CTX, 0);
                } else if (k == ArgKind.SCALAR || k == ArgKind.POINTER) {
                    f.regs[i + 1] = Reg.unknownScalar();
                }
            }
        }
        f.regs[10] = Reg.pointer(RegType.PTR_TO_STACK, 0);
        return st;
    }

    // ---- the exploration loop -----------------------------------------------------------

    private void explore(int entry, State start) {
        State st = start;
        int pc = entry;
        pending.clear();
        pendingBytes = 0;
        while (true) {
            if (pc < 0) {
                endPath(st);
                Pending p = pending.poll();
                if (p == null) {
                    return;
                }
                st = p.state();
                pc = p.pc();
                pendingBytes -= p.bytes();
                continue;
            }
            current = st;
            currentPc = pc;
            if (++processed > request.instructionLimit()) {
                throw new Rejection(pc, "BPF program is too large. Processed " + processed + " insn");
            }
            if (st.speculative && nospec[pc]) {
                pc = -1; // a barrier stops speculation here
                continue;
            }
            // An infinite loop is an error of the program, also on a speculative path.
            if (pruneAt[pc] && isStateVisited(pc, st)) {
                pc = -1;
                continue;
            }
            if (!st.speculative) {
                reachable.set(pc);
            }
            if (request.logLevel() >= 2 && trace.size() < 100_000) {
                trace.add(pc + ": " + Disassembler.format(code, pc) + "    ; " + stateText(st));
            }
            st.last = new Step(pc, st.frames.size() - 1, st.last);
            try {
                pc = step(st, pc);
            } catch (Rejection r) {
                if (!st.speculative || !recoverableWithBarrier(r)) {
                    throw r;
                }
                // Only a mispredicted branch gets here: Linux (6.17 and later) then puts a
                // speculation barrier before the instruction and drops the path instead of the program.
                nospec[currentPc] = true;
                pc = -1;
            }
        }
    }

    /**
     * Whether Linux would stop a speculative path at this error with a barrier (its errors EPERM,
     * EACCES and EINVAL) rather than reject the program: not for the limits on verification work.
     */
    private static boolean recoverableWithBarrier(Rejection r) {
        return !(r.reason.startsWith("BPF program is too large") || r.reason.startsWith("The sequence of")
                || r.reason.startsWith("verification needs more than its memory limit")
                || r.reason.startsWith("the call stack of") || r.reason.startsWith("combined stack size")
                || r.reason.startsWith("kernel subsystem misconfigured"));
    }

    private void endPath(State st) {
        for (State.Explored e = st.parent; e != null; e = e.parent) {
            if (--e.branches > 0) {
                break;
            }
            completed(e);
        }
    }

    private void push(int pc, State st) {
        if (pending.size() >= MAX_PENDING) {
            throw new Rejection(currentPc, "The sequence of " + pending.size() + " jumps is too complex.");
        }
        long bytes = st.estimatedBytes();
        pendingBytes += bytes;
        makeRoom(null);
        if (stateBytes + pendingBytes > request.stateMemoryLimit()) {
            pendingBytes -= bytes; // not taken: the peak stays what was held
            throw new Rejection(currentPc, "verification needs more than its memory limit of " + request.stateMemoryLimit()
                    + " bytes for the " + (pending.size() + 1) + " branches waiting to be explored");
        }
        peakStateBytes = Math.max(peakStateBytes, stateBytes + pendingBytes);
        if (st.parent != null) {
            st.parent.branches++;
        }
        pending.push(new Pending(pc, st, bytes));
    }

    /**
     * Whether {@code cur} at {@code pc} is covered by a state already explored there (prune), or
     * repeats a state still being explored on its own path (an infinite loop). Otherwise remembers it.
     */
    private boolean isStateVisited(int pc, State cur) {
        long fp = cur.fingerprint();
        Map<Long, List<State.Explored>> act = active[pc];
        if (act != null) {
            if (callbackCall[pc]) {
                // A callback's effects repeated: the helper bounds the iterations, so a state
                // covered by one still being explored adds nothing.
                State.Explored latest = null;
                for (List<State.Explored> l : act.values()) {
                    for (State.Explored e : l) {
                        if (Subsumption.coversFully(e.state, cur, priv, liveness, pc)) {
                            e.hits++;
                            // e's paths are still being explored: what they will need is unknown, so
                            // everything this path carries into e counts as precise and read.
                            coveredBy(cur, Precision.everythingIn(cur), everySlot());
                            return true;
                        }
                        if (latest == null || e.order > latest.order) {
                            latest = e;
                        }
                    }
                }
                if (latest != null) {
                    // Not covered: widen the numbers that changed to unknown so the iterations converge.
                    Widening.widen(latest.state, cur);
                    fp = cur.fingerprint();
                }
            } else {
                List<State.Explored> same = act.get(fp);
                if (same != null) {
                    for (State.Explored e : same) {
                        if (e.state.sameAs(cur)) {
                            throw new Rejection(pc, "infinite loop detected at insn " + pc);
                        }
                    }
                }
            }
        }
        // Remember this state only every so often (Linux's heuristic: 2 jumps and 8 instructions
        // since the last one), which keeps loops from filling memory with checkpoints. Inside a
        // loop (a state at this instruction is still being explored on this path) each iteration
        // differs, so its states rarely prune: remember one only every 20 jumps or 100
        // instructions, as Linux does; a loop that never ends then holds one state per 20
        // iterations at most until the work limit, not one per iteration.
        long sinceAdd = processed - lastAddProcessed;
        long jumpsSinceAdd = jumpsProcessed - lastAddJumps;
        boolean remember = callbackCall[pc]
                || (sinceAdd >= 8 && jumpsSinceAdd >= 2
                        && (act == null || act.isEmpty() || sinceAdd >= 100 || jumpsSinceAdd >= 20));
        List<State.Explored> list = explored[pc];
        if (list != null) {
            for (int i = 0; i < list.size(); ) {
                State.Explored e = list.get(i);
                if (Subsumption.covers(e, cur, priv, liveness, pc)) {
                    e.hits++;
                    // This path continues as e's did: what e's paths depended on, this one does too.
                    coveredBy(cur, Precision.preciseIn(e), e.read);
                    return true;
                }
                // A state that keeps failing to cover others costs a comparison at every visit:
                // Linux drops it after more than 3 + 3 * hits misses (counted only when a new
                // state is remembered instead, so that loop iterations do not wipe out the states
                // of earlier ones), which keeps the lists short.
                if (remember && ++e.misses > e.hits * 3 + 3) {
                    forget(e);
                    continue;
                }
                i++;
            }
        }
        if (!remember) {
            return false;
        }
        lastAddProcessed = processed;
        lastAddJumps = jumpsProcessed;
        State.Explored node = new State.Explored(cur.copy(), cur.parent, pc, fp);
        node.order = totalStates;
        node.state.parent = null;
        node.state.last = null;
        node.history = cur.last;
        node.writtenBefore = cur.written;
        cur.last = null;
        cur.written = new long[MAX_CALL_FRAMES];
        if (act == null) {
            act = active[pc] = new HashMap<>();
        }
        act.computeIfAbsent(fp, k -> new ArrayList<>(1)).add(node);
        cur.parent = node;
        totalStates++;
        curStates++;
        peakStates = Math.max(peakStates, curStates);
        snapshots.add(node);
        stateBytes += node.bytes;
        makeRoom(node);
        peakStateBytes = Math.max(peakStateBytes, stateBytes + pendingBytes);
        return false;
    }

    /**
     * Keeps the remembered states and the branches waiting to be explored under the state memory
     * limit by forgetting the oldest remembered states (but not {@code keep}, the newest).
     */
    private void makeRoom(State.Explored keep) {
        while (stateBytes + pendingBytes > request.stateMemoryLimit() && !snapshots.isEmpty() && snapshots.peek() != keep) {
            State.Explored oldest = snapshots.poll();
            if (oldest.state != null) {
                forget(oldest);
                evictedStates++;
            }
        }
    }

    /**
     * Drops a remembered state's snapshot: it no longer prunes, detects loops or takes memory. The
     * node stays as the parent of its paths (branch counting, precision and liveness walk through
     * it), so forgetting costs pruning, never soundness.
     */
    private void forget(State.Explored e) {
        Map<Long, List<State.Explored>> act = active[e.pc];
        List<State.Explored> same = act == null ? null : act.get(e.fingerprint);
        if (same != null && same.remove(e) && same.isEmpty()) {
            act.remove(e.fingerprint);
        }
        List<State.Explored> list = explored[e.pc];
        if (list != null) {
            list.remove(e);
        }
        e.state = null;
        stateBytes -= e.bytes;
        curStates--;
    }

    /** Records, on the remembered states {@code cur} descends from, what the state covering it depends on. */
    private void coveredBy(State cur, Need need, long[] reads) {
        if (priv) {
            precision.backtrack(cur.last, cur.parent, need);
        }
        for (int f = 0; f < cur.frames.size(); f++) {
            markRead(cur, f, reads[f]);
        }
    }

    private static long[] everySlot() {
        long[] all = new long[MAX_CALL_FRAMES];
        java.util.Arrays.fill(all, -1L);
        return all;
    }

    /**
     * Stack liveness: slots of {@code frame} read by the current path before it wrote them are live
     * in the remembered states it descends from, up to the one before the write that set them.
     * Pruning ignores the slots no path from a state reads.
     */
    private void markRead(State st, int frame, long slots) {
        long m = slots & ~st.written[frame];
        for (State.Explored e = st.parent; m != 0 && e != null; e = e.parent) {
            if (frame >= e.frameCount) {
                break;
            }
            long fresh = m & ~e.read[frame];
            e.read[frame] |= fresh;
            m = fresh & ~e.writtenBefore[frame];
        }
    }

    /** The slots holding stack bytes [from, to), as indexes into {@link Frame#stype}. */
    private static long slotMask(int from, int to) {
        long m = 0;
        for (int slot = Math.max(0, from) / 8; slot <= (to - 1) / 8 && slot < Frame.SLOTS; slot++) {
            m |= 1L << slot;
        }
        return m;
    }

    /** A decision at the current instruction depended on register {@code regno}'s value. */
    private void precise(State st, int regno) {
        if (!priv || st.last == null) {
            return;
        }
        Need need = new Need();
        need.regs[st.last.frame] |= 1 << regno;
        precision.backtrack(st.last.prev, st.parent, need);
    }

    /** A decision at the current instruction depended on the value spilled in a stack slot. */
    private void preciseSlot(State st, int frame, int slot) {
        if (!priv || st.last == null) {
            return;
        }
        Need need = new Need();
        need.slots[frame] |= 1L << slot;
        precision.backtrack(st.last.prev, st.parent, need);
    }

    /** A remembered state whose paths are all explored: it moves from the active set to the list pruning uses. */
    private void completed(State.Explored e) {
        if (e.state == null) {
            return; // forgotten under the memory limit: nothing to prune with
        }
        Map<Long, List<State.Explored>> act = active[e.pc];
        List<State.Explored> l = act.get(e.fingerprint);
        l.remove(e);
        if (l.isEmpty()) {
            act.remove(e.fingerprint);
        }
        List<State.Explored> list = explored[e.pc];
        if (list == null) {
            list = explored[e.pc] = new ArrayList<>();
        }
        if (list.size() >= MAX_STATES_PER_INSN) {
            for (State.Explored x : List.copyOf(list)) {
                if (x.misses > x.hits * 3 + 3) {
                    forget(x);
                }
            }
            if (list.size() >= MAX_STATES_PER_INSN) {
                forget(list.get(0));
            }
        }
        list.add(e);
    }

    // ---- one instruction ------------------------------------------------------------------

    private int step(State st, int pc) {
        Instruction insn = code.get(pc);
        int op = insn.opcode();
        switch (op & 7) {
            case ALU, ALU64 -> {
                alu(st, pc, insn);
                return pc + 1;
            }
            case LDX -> {
                load(st, pc, insn);
                return pc + 1;
            }
            case ST, STX -> {
                if ((op & 0xe0) == ATOMIC) {
                    atomic(st, pc, insn);
                } else {
                    store(st, pc, insn);
                }
                return pc + 1;
            }
            case LD -> {
                if (op == LDDW) {
                    lddw(st, pc, insn);
                    return pc + 2;
                }
                legacyPacketLoad(st, pc, insn);
                return pc + 1;
            }
            default -> {
                jumpsProcessed++;
                return jump(st, pc, insn);
            }
        }
    }

    private Reg read(State st, int pc, int r) {
        Reg reg = st.reg(r);
        if (!reg.isInit()) {
            throw new Rejection(pc, "R" + r + " !read_ok");
        }
        return reg;
    }

    private void set(State st, int r, Reg value) {
        st.cur().regs[r] = value;
    }

    private int newId() {
        return nextId++;
    }

    private static String opText(int aop) {
        return switch (aop) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case OR -> "|=";
            case AND -> "&=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case NEG -> "neg";
            case MOD -> "%=";
            case XOR -> "^=";
            case MOV -> "=";
            case ARSH -> "s>>=";
            default -> "?";
        };
    }

    private static String typeName(Reg r) {
        return r.type.linuxName() + (r.maybeNull ? "_or_null" : "");
    }

    // ---- ALU --------------------------------------------------------------------------------

    private void alu(State st, int pc, Instruction insn) {
        int op = insn.opcode();
        int aop = op & 0xf0;
        boolean is64 = (op & 7) == ALU64;
        boolean isX = (op & X) != 0;
        int d = insn.dst();
        if (aop == END) {
            Reg dst = read(st, pc, d);
            if (dst.isPointer()) {
                if (!priv) {
                    throw new Rejection(pc, "R" + d + " pointer arithmetic prohibited");
                }
                set(st, d, Reg.unknownScalar());
                return;
            }
            int bits = insn.imm();
            boolean toLittle = !is64 && !isX;
            Scalar v = toLittle ? dst.var.truncate(bits) : (bits == 64 ? Scalar.unknown() : Scalar.unsignedAtMost((1L << bits) - 1));
            set(st, d, Reg.scalar(v));
            return;
        }
        if (aop == MOV) {
            if (isX) {
                Reg src = read(st, pc, insn.src());
                int ext = insn.offset();
                if (ext != 0) {
                    if (src.isPointer()) {
                        if (!priv) {
                            throw new Rejection(pc, "R" + insn.src() + " sign-extension part of pointer");
                        }
                        set(st, d, Reg.unknownScalar());
                        return;
                    }
                    Scalar v = src.var.signExtend(ext);
                    set(st, d, Reg.scalar(is64 ? v : v.zext32()));
                    return;
                }
                if (is64) {
                    if (src.isScalar() && src.id == 0 && !src.var.isConst()) {
                        src.id = newId();
                    }
                    set(st, d, src.copy());
                    return;
                }
                if (src.isPointer()) {
                    if (!priv) {
                        throw new Rejection(pc, "R" + insn.src() + " partial copy of pointer");
                    }
                    set(st, d, Reg.scalar(Scalar.unknown32()));
                    return;
                }
                set(st, d, Reg.scalar(src.var.zext32()));
                return;
            }
            set(st, d, Reg.constant(is64 ? insn.imm() : insn.imm() & 0xffffffffL));
            return;
        }
        Reg dst = read(st, pc, d);
        if (aop == NEG) {
            if (dst.isPointer()) {
                if (!priv) {
                    throw new Rejection(pc, "R" + d + " pointer arithmetic prohibited");
                }
                set(st, d, Reg.unknownScalar());
                return;
            }
            set(st, d, Reg.scalar(ScalarAlu.apply(NEG, dst.var, dst.var, !is64)));
            return;
        }
        Reg src;
        if (isX) {
            src = read(st, pc, insn.src());
        } else {
            int imm = insn.imm();
            if ((aop == DIV || aop == MOD) && imm == 0) {
                throw new Rejection(pc, "div by zero");
            }
            if ((aop == LSH || aop == RSH || aop == ARSH) && (imm < 0 || imm >= (is64 ? 64 : 32))) {
                throw new Rejection(pc, "invalid shift " + imm);
            }
            src = Reg.constant(is64 ? imm : imm & 0xffffffffL);
        }
        if (dst.isScalar() && src.isScalar()) {
            set(st, d, Reg.scalar(ScalarAlu.apply(aop, dst.var, src.var, !is64)));
            return;
        }
        if (dst.isPointer() && src.isPointer()) {
            if (aop == SUB && priv) {
                set(st, d, Reg.unknownScalar());
                return;
            }
            throw new Rejection(pc, "R" + d + " pointer " + opText(aop) + " pointer prohibited");
        }
        if (dst.isPointer()) {
            if (isX) {
                precise(st, insn.src());
            }
            set(st, d, pointerArithmetic(pc, d, dst, src, aop, is64, isX, false));
        } else {
            precise(st, d);
            set(st, d, pointerArithmetic(pc, d, src, dst, aop, is64, isX, true));
        }
    }

    /** {@code ptr op off}, or {@code off op ptr} when {@code scalarIsDst}, as Linux's adjust_ptr_min_max_vals. */
    private Reg pointerArithmetic(int pc, int d, Reg ptr, Reg off, int aop, boolean is64, boolean isX, boolean scalarIsDst) {
        if (!is64) {
            if (aop == SUB && priv) {
                return Reg.unknownScalar();
            }
            throw new Rejection(pc, "R" + d + " 32-bit pointer arithmetic prohibited");
        }
        if (ptr.maybeNull) {
            throw new Rejection(pc, "R" + d + " pointer arithmetic on " + typeName(ptr) + " prohibited, null-check it first");
        }
        boolean known = off.var.isConst();
        long k = off.var.constValue();
        switch (ptr.type) {
            case PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY, PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META,
                    PTR_TO_MEM, PTR_TO_BTF_ID, PTR_TO_FUNC -> { }
            case CONST_PTR_TO_MAP -> {
                if (!(known && k == 0 && aop == ADD)) {
                    throw new Rejection(pc, "R" + d + " pointer arithmetic on map_ptr prohibited");
                }
            }
            default -> throw new Rejection(pc, "R" + d + " pointer arithmetic on " + typeName(ptr) + " prohibited");
        }
        if (known && (k >= MAX_VAR_OFF || k <= -MAX_VAR_OFF)) {
            throw new Rejection(pc, "value " + k + " makes " + ptr.type.linuxName() + " pointer be out of bounds");
        }
        if (!known && off.var.smin() == Long.MIN_VALUE) {
            throw new Rejection(pc, "math between " + ptr.type.linuxName()
                    + " pointer and register with unbounded min value is not allowed");
        }
        if (!known && Long.compareUnsigned(off.var.umax(), MAX_VAR_OFF) >= 0 && off.var.smin() >= 0) {
            throw new Rejection(pc, "math between " + ptr.type.linuxName()
                    + " pointer and register with unbounded max value is not allowed");
        }
        Reg r = ptr.copy();
        switch (aop) {
            case ADD -> {
                if (known) {
                    r.off = Math.addExact(ptr.off, (int) k);
                } else {
                    r.var = ScalarAlu.apply(ADD, ptr.var, off.var, false);
                    if (ptr.type.isPacket()) {
                        r.id = newId();
                        r.range = 0;
                    }
                }
            }
            case SUB -> {
                if (scalarIsDst) {
                    throw new Rejection(pc, "R" + d + " tried to subtract pointer from scalar");
                }
                if (ptr.type == RegType.PTR_TO_STACK) {
                    throw new Rejection(pc, "R" + d + " subtraction from stack pointer prohibited");
                }
                if (known) {
                    r.off = Math.subtractExact(ptr.off, (int) k);
                } else {
                    r.var = ScalarAlu.apply(SUB, ptr.var, off.var, false);
                    if (ptr.type.isPacket()) {
                        r.id = newId();
                        r.range = 0;
                    }
                }
            }
            case AND, OR, XOR -> throw new Rejection(pc, "R" + d + " bitwise operator " + opText(aop) + " on pointer prohibited");
            default -> throw new Rejection(pc, "R" + d + " pointer arithmetic with " + opText(aop) + " operator prohibited");
        }
        if (r.var.isEmpty() || Math.abs((long) r.off) >= MAX_VAR_OFF) {
            throw new Rejection(pc, typeName(ptr) + " pointer offset " + r.off + " is not allowed");
        }
        if (!priv) {
            unprivilegedPointerChecks(pc, d, ptr, off, r, isX, known);
        }
        return r;
    }

    private void unprivilegedPointerChecks(int pc, int d, Reg ptr, Reg off, Reg r, boolean isX, boolean known) {
        if (isX) {
            if (ptr.type != RegType.PTR_TO_STACK && ptr.type != RegType.PTR_TO_MAP_VALUE) {
                throw new Rejection(pc, "R" + d + " has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root");
            }
            if (!known && off.var.smin() < 0 && off.var.smax() >= 0) {
                throw new Rejection(pc, "R" + d + " has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root");
            }
        }
        if (r.type == RegType.PTR_TO_STACK) {
            if (!r.var.isConst()) {
                throw new Rejection(pc, "R" + d + " variable stack access prohibited for !root");
            }
            long total = r.off + r.var.constValue();
            if (total < -Frame.STACK_SIZE || total >= 0) {
                throw new Rejection(pc, "R" + d + " stack pointer arithmetic goes out of range, prohibited for !root");
            }
        } else if (r.type == RegType.PTR_TO_MAP_VALUE) {
            long lo = r.off + r.var.smin();
            long hi = r.off + r.var.smax();
            if (lo < 0 || hi >= maps.get(r.map).valueSize()) {
                throw new Rejection(pc, "R" + d + " pointer arithmetic of map value goes out of range, prohibited for !root");
            }
        }
    }

    // ---- loads and stores -----------------------------------------------------------------

    private static int sizeOf(int op) {
        return switch (op & 0x18) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    private void load(State st, int pc, Instruction insn) {
        int size = sizeOf(insn.opcode());
        Reg ptr = read(st, pc, insn.src());
        Reg value = access(st, pc, insn.src(), ptr, insn.offset(), size, false, null);
        if ((insn.opcode() & 0xe0) == MEMSX && value.isScalar()) {
            value = Reg.scalar(value.var.signExtend(size * 8));
        }
        set(st, insn.dst(), value);
    }

    private void store(State st, int pc, Instruction insn) {
        int size = sizeOf(insn.opcode());
        Reg ptr = read(st, pc, insn.dst());
        Reg value;
        int valueReg = -1;
        if ((insn.opcode() & 7) == STX) {
            valueReg = insn.src();
            value = read(st, pc, valueReg);
        } else {
            value = Reg.constant(insn.imm());
        }
        if (value.isPointer() && !priv && ptr.type != RegType.PTR_TO_STACK) {
            String where = switch (ptr.type) {
                case PTR_TO_MAP_VALUE -> "map";
                case PTR_TO_CTX -> "ctx";
                case PTR_TO_PACKET, PTR_TO_PACKET_META -> "packet";
                default -> "mem";
            };
            throw new Rejection(pc, "R" + valueReg + " leaks addr into " + where);
        }
        if (valueReg >= 0 && size < 8 && ptr.type == RegType.PTR_TO_STACK && value.isConst() && value.var.constValue() == 0) {
            // The bytes become "zero", which pruning compares exactly, but only because the register
            // held 0: backtracking cannot follow plain stack bytes, so the register is precise now.
            precise(st, valueReg);
        }
        access(st, pc, insn.dst(), ptr, insn.offset(), size, true, value);
    }

    private void atomic(State st, int pc, Instruction insn) {
        int size = sizeOf(insn.opcode());
        int aop = insn.imm();
        if (size != 4 && size != 8) {
            throw new Rejection(pc, "invalid atomic operand size");
        }
        Reg ptr = read(st, pc, insn.dst());
        Reg value = read(st, pc, insn.src());
        if (aop == ATOMIC_CMPXCHG) {
            read(st, pc, 0);
        }
        if (value.isPointer() && !priv) {
            throw new Rejection(pc, "R" + insn.src() + " leaks addr into mem");
        }
        if (ptr.type != RegType.PTR_TO_STACK && ptr.type != RegType.PTR_TO_MAP_VALUE && ptr.type != RegType.PTR_TO_MEM) {
            throw new Rejection(pc, "BPF_ATOMIC stores into R" + insn.dst() + " " + typeName(ptr) + " is not allowed");
        }
        access(st, pc, insn.dst(), ptr, insn.offset(), size, false, null);
        access(st, pc, insn.dst(), ptr, insn.offset(), size, true, Reg.unknownScalar());
        Scalar fetched = size == 4 ? Scalar.unknown32() : Scalar.unknown();
        if (aop == ATOMIC_CMPXCHG) {
            set(st, 0, Reg.scalar(fetched));
        } else if ((aop & ATOMIC_FETCH) != 0) {
            set(st, insn.src(), Reg.scalar(fetched));
        }
    }

    private void lddw(State st, int pc, Instruction insn) {
        int d = insn.dst();
        switch (insn.src()) {
            case PSEUDO_IMM -> set(st, d, Reg.constant(code.imm64(pc)));
            case PSEUDO_MAP_FD, PSEUDO_MAP_IDX -> {
                int m = mapIndex(pc, insn.imm());
                Reg r = Reg.pointer(RegType.CONST_PTR_TO_MAP, 0);
                r.map = m;
                set(st, d, r);
            }
            case PSEUDO_MAP_VALUE, PSEUDO_MAP_IDX_VALUE -> {
                int m = mapIndex(pc, insn.imm());
                MapDefinition def = maps.get(m);
                int off = code.get(pc + 1).imm();
                if (def.type() != MapType.ARRAY || def.maxEntries() != 1) {
                    throw new Rejection(pc, "direct value access on " + def.type() + " map is not allowed (only single-entry array maps)");
                }
                if (off < 0 || off >= def.valueSize()) {
                    throw new Rejection(pc, "invalid access to map value pointer, value_size=" + def.valueSize() + " off=" + off);
                }
                Reg r = Reg.pointer(RegType.PTR_TO_MAP_VALUE, off);
                r.map = m;
                r.readOnly = (def.flags() & MapFlags.BPF_F_RDONLY_PROG) != 0;
                set(st, d, r);
            }
            case PSEUDO_FUNC -> {
                if (!request.btf()) {
                    throw new Rejection(pc, "missing btf func_info (function pointers need the program's BTF)");
                }
                Reg r = Reg.pointer(RegType.PTR_TO_FUNC, 0);
                r.frame = pc + 1 + insn.imm();
                set(st, d, r);
            }
            default -> throw new Rejection(pc, "lddw of a kernel variable (src " + insn.src()
                    + ", a BTF id) is not supported by bpf4j");
        }
    }

    /**
     * Every map reference must name a map, also in code no path reaches (Linux resolves them all
     * at load, before verifying), or the runtime would refuse a program the verifier accepted.
     */
    private void checkMapReferences() {
        for (int pc = 0; pc < n; pc++) {
            if (code.isWide(pc)) {
                int src = code.get(pc).src();
                if (src == PSEUDO_MAP_FD || src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_VALUE || src == PSEUDO_MAP_IDX_VALUE) {
                    mapIndex(pc, code.get(pc).imm());
                }
                pc++;
            }
        }
    }

    private int innerMapIndex(MapDefinition inner) {
        int i = maps.indexOf(inner);
        if (i < 0) {
            maps.add(inner);
            i = maps.size() - 1;
        }
        return i;
    }

    private int mapIndex(int pc, int imm) {
        if (imm < 0 || imm >= request.maps().size()) {
            throw new Rejection(pc, "fd " + imm + " is not pointing to valid bpf_map (the program has "
                    + request.maps().size() + " maps)");
        }
        return imm;
    }

    private void legacyPacketLoad(State st, int pc, Instruction insn) {
        boolean allowed = switch (type) {
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> true;
            default -> false;
        };
        if (!allowed) {
            throw new Rejection(pc, "BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        Reg r6 = read(st, pc, 6);
        if (r6.type != RegType.PTR_TO_CTX) {
            throw new Rejection(pc, "at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if ((insn.opcode() & 0xe0) == IND) {
            Reg src = read(st, pc, insn.src());
            if (!src.isScalar()) {
                throw new Rejection(pc, "R" + insn.src() + " type=" + typeName(src) + " expected=scalar");
            }
        }
        if (!st.refs.isEmpty()) {
            throw new Rejection(pc, "BPF_LD_[ABS|IND] cannot be mixed with socket references");
        }
        for (int r = 1; r <= 5; r++) {
            set(st, r, Reg.notInit());
        }
        set(st, 0, Reg.scalar(Scalar.unsignedAtMost(sizeOf(insn.opcode()) == 8 ? -1L : (1L << (8 * sizeOf(insn.opcode()))) - 1)));
    }

    /**
     * Checks an access of {@code size} bytes at {@code ptr + off} and returns what a load reads
     * ({@code write} false) or performs the store of {@code value}.
     */
    private Reg access(State st, int pc, int regno, Reg ptr, int off, int size, boolean write, Reg value) {
        Reg result = switch (ptr.type) {
            case PTR_TO_STACK -> stackAccess(st, pc, regno, ptr, off, size, write, value);
            case PTR_TO_CTX -> contextAccess(pc, regno, ptr, off, size, write);
            case PTR_TO_MAP_VALUE -> {
                if (ptr.maybeNull) {
                    throw new Rejection(pc, "R" + regno + " invalid mem access '" + typeName(ptr) + "'");
                }
                MapDefinition def = maps.get(ptr.map);
                if (write && ptr.readOnly) {
                    throw new Rejection(pc, "write into map forbidden, value_size=" + def.valueSize() + " off="
                            + (ptr.off + off) + " size=" + size);
                }
                regionAccess(pc, regno, ptr, off, size, def.valueSize(), "map value", "value_size");
                yield Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
            }
            case PTR_TO_MAP_KEY -> {
                regionAccess(pc, regno, ptr, off, size, maps.get(ptr.map).keySize(), "map key", "key_size");
                yield Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
            }
            case PTR_TO_MEM -> {
                if (ptr.maybeNull) {
                    throw new Rejection(pc, "R" + regno + " invalid mem access '" + typeName(ptr) + "'");
                }
                regionAccess(pc, regno, ptr, off, size, ptr.memSize, "memory", "mem_size");
                yield Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
            }
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> packetAccess(pc, regno, ptr, off, size, write);
            case PTR_TO_SOCKET -> {
                if (ptr.maybeNull) {
                    throw new Rejection(pc, "R" + regno + " invalid mem access '" + typeName(ptr) + "'");
                }
                if (write) {
                    throw new Rejection(pc, "R" + regno + " cannot write into " + typeName(ptr));
                }
                long at = (long) ptr.off + off;
                if (!ptr.var.isConst() || ptr.var.constValue() != 0 || !ContextRules.socketReadable(at, size)) {
                    throw new Rejection(pc, "R" + regno + " invalid " + typeName(ptr) + " access off=" + at + " size=" + size);
                }
                yield Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
            }
            case CONST_PTR_TO_MAP -> {
                // Privileged programs may read fields of the kernel's struct bpf_map (through BTF).
                if (!priv) {
                    throw new Rejection(pc, "'struct bpf_map' access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN");
                }
                if (write) {
                    throw new Rejection(pc, "only read from bpf_map is supported");
                }
                long at = (long) ptr.off + off;
                if (at < 0 || at + size > 256) {
                    throw new Rejection(pc, "access beyond struct bpf_map at off " + at);
                }
                yield Reg.unknownScalar();
            }
            default -> throw new Rejection(pc, "R" + regno + " invalid mem access '" + typeName(ptr) + "'");
        };
        safeAccess.set(pc);
        boolean direct = switch (ptr.type) {
            case PTR_TO_STACK -> ptr.var.isConst();
            case PTR_TO_MAP_VALUE, PTR_TO_PACKET, PTR_TO_PACKET_META -> !write;
            default -> false;
        };
        (direct ? directOnSomePath : indirectOnSomePath).set(pc);
        return result;
    }

    private Reg contextAccess(int pc, int regno, Reg ptr, int off, int size, boolean write) {
        if (ptr.off != 0) {
            throw new Rejection(pc, "dereference of modified ctx ptr R" + regno + " off=" + ptr.off + " disallowed");
        }
        if (!ptr.var.isConst() || ptr.var.constValue() != 0) {
            throw new Rejection(pc, "variable ctx access var_off=" + ptr.var.tnum() + " disallowed");
        }
        ContextRules.Access a = ContextRules.check(type, off, size, write);
        if (!a.allowed()) {
            throw new Rejection(pc, "invalid bpf_context access off=" + off + " size=" + size);
        }
        if (write) {
            return null;
        }
        if (a.result() == RegType.SCALAR) {
            return Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
        }
        Reg r = Reg.pointer(a.result(), 0);
        if (a.maybeNull()) {
            r.maybeNull = true; // sock_ops' sk: NULL when the callback runs without a full socket
            r.id = newId();
        }
        return r;
    }

    /** An access to an object of {@code limit} bytes at the pointer's fixed plus variable offset. */
    private void regionAccess(int pc, int regno, Reg ptr, int off, int size, int limit, String what, String sizeName) {
        long fixed = (long) ptr.off + off;
        Scalar v = ptr.var;
        if (v.smin() < 0 && (v.smin() == Long.MIN_VALUE || fixed + v.smin() < 0)) {
            throw new Rejection(pc, "R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (fixed + v.smin() < 0 || fixed + v.smin() + size > limit) {
            throw new Rejection(pc, v.isConst() && v.constValue() == 0
                    ? "invalid access to " + what + ", " + sizeName + "=" + limit + " off=" + fixed + " size=" + size
                    : "R" + regno + " min value is outside of the allowed memory range");
        }
        if (Long.compareUnsigned(v.umax(), MAX_VAR_OFF) >= 0) {
            throw new Rejection(pc, "R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
        if (fixed + v.umax() + size > limit) {
            throw new Rejection(pc, "R" + regno + " max value is outside of the allowed memory range");
        }
    }

    private Reg packetAccess(int pc, int regno, Reg ptr, int off, int size, boolean write) {
        if (write && !packetWritable()) {
            throw new Rejection(pc, "cannot write into packet");
        }
        if (ptr.var.smin() < 0) {
            throw new Rejection(pc, "R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        long start = (long) ptr.off + off;
        if (start < 0 || start + size > ptr.range) {
            throw new Rejection(pc, "invalid access to packet, off=" + start + " size=" + size + ", R" + regno + "(id="
                    + ptr.id + ",off=" + ptr.off + ",r=" + ptr.range + "): R" + regno + " offset is outside of the packet");
        }
        return write ? null : Reg.scalar(Scalar.unsignedAtMost(size == 8 ? -1L : (1L << (8 * size)) - 1));
    }

    private boolean packetWritable() {
        return switch (type) {
            case XDP, SCHED_CLS, SCHED_ACT, LWT_XMIT, SK_SKB, LWT_SEG6LOCAL -> true;
            default -> false;
        };
    }

    private Reg stackAccess(State st, int pc, int regno, Reg ptr, int off, int size, boolean write, Reg value) {
        Frame f = st.frames.get(ptr.frame);
        Tnum at = ptr.var.tnum().add(Tnum.constant((long) ptr.off + off));
        if (!at.isAligned(size)) {
            throw new Rejection(pc, "misaligned stack access off " + ptr.var.tnum() + "+" + ptr.off + "+" + off
                    + " size " + size);
        }
        long lo = (long) ptr.off + off + ptr.var.smin();
        long hi = (long) ptr.off + off + ptr.var.smax();
        if (lo < -Frame.STACK_SIZE || hi + size > 0 || ptr.var.smin() == Long.MIN_VALUE) {
            throw new Rejection(pc, "invalid " + (write ? "write to" : "read from") + " stack R" + regno + " off="
                    + (ptr.var.isConst() ? String.valueOf(lo) : lo + ".." + hi) + " size=" + size);
        }
        touchStack(st, pc, f, (int) -lo);
        if (!ptr.var.isConst()) {
            markRead(st, ptr.frame, slotMask((int) lo + Frame.STACK_SIZE, (int) hi + size + Frame.STACK_SIZE));
            return variableStackAccess(pc, regno, f, (int) lo, (int) hi, size, write);
        }
        int idx = (int) lo + Frame.STACK_SIZE;
        int slot = idx / 8;
        st.last.stackFrame = ptr.frame;
        st.last.stackSlot = slot;
        if (write) {
            if (size == 8 && idx % 8 == 0 && value != null && (value.isPointer() || value.isScalar())) {
                st.written[ptr.frame] |= 1L << slot;
                for (int i = 0; i < 8; i++) {
                    f.stype[idx + i] = Frame.SPILL;
                }
                if (priv && value.isScalar() && value.id == 0 && !value.var.isConst()) {
                    // Link the register and its spilled copy (Linux does so before a spill), so that a
                    // comparison of either narrows both: compilers often spill a value, then bound it.
                    value.id = newId();
                }
                Reg spilled = value.copy();
                f.spills[slot] = spilled;
                return null;
            }
            if (value != null && value.isPointer() && !priv) {
                throw new Rejection(pc, "invalid size of register spill");
            }
            boolean zero = value != null && value.isConst() && value.var.constValue() == 0;
            // A partial write keeps the slot's other bytes, and may meet a spilled pointer: it reads the slot.
            markRead(st, ptr.frame, slotMask(idx, idx + size));
            writeBytes(pc, f, idx, size, zero ? Frame.ZERO : Frame.MISC);
            return null;
        }
        markRead(st, ptr.frame, slotMask(idx, idx + size));
        boolean allSpill = true;
        boolean anySpill = false;
        for (int i = 0; i < size; i++) {
            boolean s = f.stype[idx + i] == Frame.SPILL;
            allSpill &= s;
            anySpill |= s;
        }
        if (allSpill && size == 8 && idx % 8 == 0 && f.spills[slot] != null) {
            return f.spills[slot].copy();
        }
        if (anySpill) {
            int s = idx / 8;
            Reg spilled = f.spills[s];
            if (spilled != null && spilled.isPointer()) {
                if (!priv) {
                    throw new Rejection(pc, "invalid size of register fill");
                }
                return Reg.scalar(Scalar.unsignedAtMost((1L << (8 * size)) - 1));
            }
            if (spilled != null && idx % 8 == 0 && (idx + size) <= s * 8 + 8 && checkBytesInit(f, idx, size)) {
                return Reg.scalar(spilled.var.truncate(size * 8));
            }
        }
        boolean allZero = true;
        for (int i = 0; i < size; i++) {
            byte t = f.stype[idx + i];
            if (t == Frame.INVALID && !priv) {
                throw new Rejection(pc, "invalid read from stack off " + lo + "+" + i + " size " + size);
            }
            allZero &= t == Frame.ZERO;
        }
        if (allZero) {
            return Reg.constant(0);
        }
        return Reg.scalar(size == 8 ? Scalar.unknown() : Scalar.unsignedAtMost((1L << (8 * size)) - 1));
    }

    private static boolean checkBytesInit(Frame f, int idx, int size) {
        for (int i = 0; i < size; i++) {
            if (f.stype[idx + i] != Frame.SPILL) {
                return false;
            }
        }
        return true;
    }

    /** Marks stack bytes written with {@code kind}, breaking spilled registers they overlap. */
    private void writeBytes(int pc, Frame f, int idx, int size, byte kind) {
        for (int i = idx; i < idx + size; i++) {
            int s = i / 8;
            if (f.spills[s] != null) {
                if (f.spills[s].isPointer() && !priv) {
                    throw new Rejection(pc, "attempt to corrupt spilled pointer on stack");
                }
                for (int j = s * 8; j < s * 8 + 8; j++) {
                    if (f.stype[j] == Frame.SPILL) {
                        f.stype[j] = Frame.MISC;
                    }
                }
                f.spills[s] = null;
            }
        }
        for (int i = idx; i < idx + size; i++) {
            f.stype[i] = kind;
        }
    }

    private Reg variableStackAccess(int pc, int regno, Frame f, int lo, int hi, int size, boolean write) {
        int from = lo + Frame.STACK_SIZE;
        int to = hi + size + Frame.STACK_SIZE;
        if (write) {
            writeBytes(pc, f, from, to - from, Frame.MISC);
            return null;
        }
        for (int i = from; i < to; i++) {
            if (f.stype[i] == Frame.INVALID && !priv) {
                throw new Rejection(pc, "invalid variable-offset read from stack R" + regno);
            }
            if (f.stype[i] == Frame.SPILL && f.spills[i / 8] != null && f.spills[i / 8].isPointer() && !priv) {
                throw new Rejection(pc, "leaking pointer from stack off " + (i - Frame.STACK_SIZE));
            }
        }
        return Reg.scalar(size == 8 ? Scalar.unknown() : Scalar.unsignedAtMost((1L << (8 * size)) - 1));
    }

    private void touchStack(State st, int pc, Frame f, int depth) {
        if (depth > f.depth) {
            f.depth = depth;
            int total = 0;
            for (Frame fr : st.frames) {
                total += (Math.max(fr.depth, 1) + 31) / 32 * 32;
            }
            if (total > Frame.STACK_SIZE) {
                throw new Rejection(pc, "combined stack size of " + st.frames.size() + " calls is " + total + ". Too large");
            }
        }
    }

    // ---- jumps, calls, exit -----------------------------------------------------------------

    private int jump(State st, int pc, Instruction insn) {
        int op = insn.opcode();
        int jop = op & 0xf0;
        boolean is32 = (op & 7) == JMP32;
        switch (jop) {
            case JA -> {
                return pc + 1 + (is32 ? insn.imm() : insn.offset());
            }
            case CALL -> {
                return call(st, pc, insn);
            }
            case EXIT -> {
                return exit(st, pc);
            }
            default -> {
                return conditional(st, pc, insn, jop, is32);
            }
        }
    }

    private int conditional(State st, int pc, Instruction insn, int jop, boolean is32) {
        boolean isX = (insn.opcode() & X) != 0;
        int d = insn.dst();
        Reg dst = read(st, pc, d);
        Reg src = isX ? read(st, pc, insn.src()) : Reg.constant(is32 ? insn.imm() & 0xffffffffL : insn.imm());
        int target = pc + 1 + insn.offset();
        if (isX && src.isPointer() && !priv && !(isPacketLike(dst) && isPacketLike(src))) {
            throw new Rejection(pc, "R" + insn.src() + " pointer comparison prohibited");
        }
        if (dst.isScalar() && src.isScalar()) {
            return scalarBranch(st, pc, insn, jop, is32, target);
        }
        // A null check of a maybe-null pointer.
        if (!isX && !is32 && insn.imm() == 0 && (jop == JEQ || jop == JNE) && dst.maybeNull) {
            State other = st.copy();
            markNull(other, dst.id, jop == JEQ);
            markNull(st, dst.id, jop != JEQ);
            push(target, other);
            return pc + 1;
        }
        if (isPacketLike(dst) && isPacketLike(src) && dst.isPointer() && src.isPointer()) {
            State other = st.copy();
            packetComparison(st, other, insn, jop);
            push(target, other);
            return pc + 1;
        }
        // A pointer known not to be null compared with 0: the outcome is known. Linux decides this
        // branch before it looks at privileges, so unprivileged programs may test such a pointer
        // (an array lookup with a constant key in range, a copy of a checked pointer).
        if (!is32 && isNeverNull(dst) && src.isConst() && src.var.constValue() == 0 && (jop == JEQ || jop == JNE)) {
            if (isX) {
                precise(st, insn.src());
            }
            return jop == JEQ ? pc + 1 : target;
        }
        if (!priv) {
            throw new Rejection(pc, "R" + d + " pointer comparison prohibited");
        }
        push(target, st.copy());
        return pc + 1;
    }

    /** Pointers Linux's reg_not_null knows are never null (not the context or the stack). */
    private static boolean isNeverNull(Reg r) {
        if (r.maybeNull) {
            return false;
        }
        return switch (r.type) {
            case PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY, PTR_TO_SOCKET, PTR_TO_TCP_SOCK, PTR_TO_SOCK_COMMON, PTR_TO_MEM -> true;
            default -> false;
        };
    }

    private static boolean isPacketLike(Reg r) {
        return r.type == RegType.PTR_TO_PACKET || r.type == RegType.PTR_TO_PACKET_META || r.type == RegType.PTR_TO_PACKET_END;
    }

    private int scalarBranch(State st, int pc, Instruction insn, int jop, boolean is32, int target) {
        boolean isX = (insn.opcode() & X) != 0;
        Reg dst = st.reg(insn.dst());
        Reg src = isX ? st.reg(insn.src()) : Reg.constant(is32 ? insn.imm() & 0xffffffffL : insn.imm());
        int taken = ScalarBranch.taken(dst.var, src.var, jop, is32);
        if (taken != ScalarBranch.UNKNOWN) {
            // The values decided the branch: a state with other values might go the other way.
            precise(st, insn.dst());
            if (isX) {
                precise(st, insn.src());
            }
            if (!priv) {
                // Unprivileged: the branch not taken may still run speculatively (Spectre v1), so
                // it is explored too, with the compared registers unknown, as Linux does.
                State spec = st.copy();
                spec.speculative = true;
                spec.cur().regs[insn.dst()] = Reg.unknownScalar();
                if (isX) {
                    spec.cur().regs[insn.src()] = Reg.unknownScalar();
                }
                push(taken == 1 ? pc + 1 : target, spec);
            }
            return taken == 1 ? target : pc + 1;
        }
        recordLinked(st, dst, isX ? src : null);
        State other = st.copy();
        boolean otherOk = refineIn(other, insn, jop, true, is32);
        boolean curOk = refineIn(st, insn, jop, false, is32);
        if (otherOk != curOk) {
            // Only one way is possible: the values decided it.
            precise(st, insn.dst());
            if (isX) {
                precise(st, insn.src());
            }
        }
        if (otherOk && curOk) {
            push(target, other);
            return pc + 1;
        }
        if (otherOk) {
            other.parent = st.parent;
            // Continue on the taken branch alone: move its state into the current one.
            st.frames.clear();
            st.frames.addAll(other.frames);
            st.refs.clear();
            st.refs.addAll(other.refs);
            return target;
        }
        return curOk ? pc + 1 : -1;
    }

    private boolean refineIn(State st, Instruction insn, int jop, boolean holds, boolean is32) {
        boolean isX = (insn.opcode() & X) != 0;
        Reg dst = st.reg(insn.dst());
        Reg src = isX ? st.reg(insn.src()) : Reg.constant(is32 ? insn.imm() & 0xffffffffL : insn.imm());
        Scalar a = dst.var.copy();
        Scalar b = src.var.copy();
        if (!ScalarBranch.refine(a, b, jop, holds, is32)) {
            return false;
        }
        dst.var = a;
        propagate(st, dst);
        if (isX) {
            src.var = b;
            propagate(st, src);
        }
        return true;
    }

    /**
     * Notes on the jump's step which registers and spilled slots the comparison narrows besides its
     * operands: the scalars linked to them by an id. Precision tracking needs all of them together.
     */
    private static void recordLinked(State st, Reg dst, Reg src) {
        int a = dst.id;
        int b = src == null ? 0 : src.id;
        if (a == 0 && b == 0) {
            return;
        }
        int[] regs = new int[MAX_CALL_FRAMES];
        long[] slots = new long[MAX_CALL_FRAMES];
        for (int f = 0; f < st.frames.size(); f++) {
            Frame fr = st.frames.get(f);
            for (int r = 0; r < fr.regs.length; r++) {
                Reg g = fr.regs[r];
                if (g.isScalar() && g.id != 0 && (g.id == a || g.id == b)) {
                    regs[f] |= 1 << r;
                }
            }
            for (int slot = 0; slot < Frame.SLOTS; slot++) {
                Reg g = fr.spills[slot];
                if (g != null && g.isScalar() && g.id != 0 && (g.id == a || g.id == b)) {
                    slots[f] |= 1L << slot;
                }
            }
        }
        st.last.linkedRegs = regs;
        st.last.linkedSlots = slots;
    }

    /** Gives every scalar known equal to {@code reg} (same id) its refined value. */
    private static void propagate(State st, Reg reg) {
        if (reg.id == 0) {
            return;
        }
        for (Frame f : st.frames) {
            for (Reg r : f.regs) {
                if (r != reg && r.isScalar() && r.id == reg.id) {
                    r.var = reg.var.copy();
                }
            }
            for (Reg r : f.spills) {
                if (r != null && r != reg && r.isScalar() && r.id == reg.id) {
                    r.var = reg.var.copy();
                }
            }
        }
    }

    /** After a null check: pointers with this id are null (scalar 0) or known non-null. */
    private static void markNull(State st, int id, boolean isNull) {
        for (Frame f : st.frames) {
            for (int i = 0; i < f.regs.length; i++) {
                Reg r = f.regs[i];
                if (r.maybeNull && r.id == id) {
                    if (isNull) {
                        f.regs[i] = Reg.constant(0);
                    } else {
                        r.maybeNull = false;
                    }
                }
            }
            for (int i = 0; i < f.spills.length; i++) {
                Reg r = f.spills[i];
                if (r != null && r.maybeNull && r.id == id) {
                    if (isNull) {
                        f.spills[i] = Reg.constant(0);
                    } else {
                        r.maybeNull = false;
                    }
                }
            }
        }
        if (isNull) {
            // A null reservation or socket holds nothing to release.
            st.refs.removeIf(ref -> ref[2] == id);
        }
    }

    /** A comparison of a packet pointer with the packet end (or meta with data) proves bytes present. */
    private void packetComparison(State fallThrough, State taken, Instruction insn, int jop) {
        Reg dst = fallThrough.reg(insn.dst());
        Reg src = fallThrough.reg(insn.src());
        boolean dstPkt = (dst.type == RegType.PTR_TO_PACKET && src.type == RegType.PTR_TO_PACKET_END)
                || (dst.type == RegType.PTR_TO_PACKET_META && src.type == RegType.PTR_TO_PACKET);
        boolean srcPkt = (src.type == RegType.PTR_TO_PACKET && dst.type == RegType.PTR_TO_PACKET_END)
                || (src.type == RegType.PTR_TO_PACKET_META && dst.type == RegType.PTR_TO_PACKET);
        if (!dstPkt && !srcPkt) {
            return;
        }
        int reg = dstPkt ? insn.dst() : insn.src();
        // Normalise to "pkt OP end".
        int op = dstPkt ? jop : ScalarBranch.flip(jop);
        switch (op) {
            case JGT -> goodPointers(fallThrough, reg, false); // pkt > end false: pkt <= end
            case JGE -> goodPointers(fallThrough, reg, true); // pkt >= end false: pkt < end
            case JLT -> goodPointers(taken, reg, true); // pkt < end
            case JLE -> goodPointers(taken, reg, false); // pkt <= end
            default -> { }
        }
    }

    private static void goodPointers(State st, int regno, boolean strict) {
        Reg p = st.reg(regno);
        if (p.off < 0) {
            return;
        }
        if (Long.compareUnsigned(p.var.umax(), 0xffff) > 0 || p.var.umax() + p.off > 0xffff) {
            return;
        }
        int newRange = p.off + (strict ? 1 : 0);
        for (Frame f : st.frames) {
            for (Reg r : f.regs) {
                if (r.type == p.type && r.id == p.id) {
                    r.range = Math.max(r.range, newRange);
                }
            }
            for (Reg r : f.spills) {
                if (r != null && r.type == p.type && r.id == p.id) {
                    r.range = Math.max(r.range, newRange);
                }
            }
        }
    }

    private int exit(State st, int pc) {
        Frame f = st.cur();
        Reg r0 = f.regs[0];
        if (!r0.isInit() && (st.frames.size() == 1 || f.callbackFrame)) {
            throw new Rejection(pc, "R0 !read_ok");
        }
        if (st.frames.size() > 1) {
            if (r0.type == RegType.PTR_TO_STACK && r0.frame == st.frames.size() - 1) {
                throw new Rejection(pc, "cannot return stack pointer to the caller frame");
            }
            st.frames.remove(st.frames.size() - 1);
            Frame caller = st.cur();
            if (f.callsite >= 0 && callbackCall[f.callsite] && f.callbackFrame) {
                st.last.callbackReturn = true;
                precise(st, 0);
                if (!r0.isScalar() || r0.var.smin() < 0 || r0.var.smax() > 1) {
                    throw new Rejection(pc, "At callback return the register R0 has " + r0 + " should have been in [0, 1]");
                }
                return f.callsite;
            }
            caller.regs[0] = r0.copy();
            for (int r = 1; r <= 5; r++) {
                caller.regs[r] = Reg.notInit();
            }
            return f.callsite + 1;
        }
        if (r0.isPointer() && !priv) {
            throw new Rejection(pc, "R0 leaks addr as return value");
        }
        if (!st.refs.isEmpty()) {
            int[] ref = st.refs.get(0);
            throw new Rejection(pc, "Unreleased reference id=" + ref[0] + " alloc_insn=" + ref[1]);
        }
        checkReturnRange(pc, r0);
        return -1;
    }

    private void checkReturnRange(int pc, Reg r0) {
        long hi = switch (type) {
            case CGROUP_SKB, CGROUP_SOCK, SOCK_OPS, CGROUP_SOCK_ADDR, CGROUP_DEVICE, CGROUP_SYSCTL, CGROUP_SOCKOPT -> 1;
            default -> -1;
        };
        if (hi < 0) {
            return;
        }
        if (!r0.isScalar()) {
            throw new Rejection(pc, "At program exit the register R0 is not a known value (" + typeName(r0) + ")");
        }
        precise(current, 0);
        if (r0.var.smin() < 0 || r0.var.smax() > hi) {
            throw new Rejection(pc, "At program exit the register R0 has " + r0 + " should have been in [0, " + hi + "]");
        }
    }

    private int call(State st, int pc, Instruction insn) {
        switch (insn.src()) {
            case CALL_HELPER -> {
                return new HelperCall(st, pc, insn.imm()).run();
            }
            case CALL_LOCAL -> {
                int target = pc + 1 + insn.imm();
                List<ArgKind> global = request.globalFunctions().get(target);
                if (global != null) {
                    for (int i = 0; i < global.size() && i < 5; i++) {
                        Reg a = read(st, pc, i + 1);
                        if (global.get(i) == ArgKind.CONTEXT && (a.type != RegType.PTR_TO_CTX || a.off != 0)) {
                            throw new Rejection(pc, "R" + (i + 1) + " type=" + typeName(a) + " expected=ctx (argument "
                                    + (i + 1) + " of the global function at instruction " + target + ")");
                        }
                        if (global.get(i) == ArgKind.SCALAR && !a.isScalar()) {
                            throw new Rejection(pc, "R" + (i + 1) + " is not a scalar (argument " + (i + 1)
                                    + " of the global function at instruction " + target + ")");
                        }
                    }
                    for (int r = 1; r <= 5; r++) {
                        set(st, r, Reg.notInit());
                    }
                    set(st, 0, Reg.unknownScalar());
                    return pc + 1;
                }
                if (st.frames.size() >= MAX_CALL_FRAMES) {
                    throw new Rejection(pc, "the call stack of " + (st.frames.size() + 1) + " frames is too deep");
                }
                enterFrame(st, pc, target, false);
                return target;
            }
            default -> throw new Rejection(pc, "calls of kernel functions (kfuncs) are not supported by bpf4j");
        }
    }

    private Frame enterFrame(State st, int pc, int target, boolean callback) {
        Frame caller = st.cur();
        Frame f = new Frame();
        f.callsite = pc;
        f.subprog = target;
        f.frameNo = st.frames.size();
        f.callbackFrame = callback;
        st.last = st.last.enteringFrame();
        st.written[f.frameNo] = -1L; // a new frame's stack holds nothing older to read
        if (!callback) {
            for (int r = 1; r <= 5; r++) {
                f.regs[r] = caller.regs[r].copy();
            }
        }
        Reg fp = Reg.pointer(RegType.PTR_TO_STACK, 0);
        fp.frame = f.frameNo;
        f.regs[10] = fp;
        st.frames.add(f);
        return f;
    }

    // ---- helper calls -------------------------------------------------------------------------

    /** One helper call: arguments checked against the prototype, then r0 set and r1-r5 cleared. */
    private final class HelperCall {
        private final State st;
        private final int pc;
        private final int id;
        private final String name;
        private int map = -1;
        private Reg memReg;
        private int memRegno;
        private boolean memWrite;
        private boolean memOrNull;
        private long allocSize = -1;
        private int callback = -1;
        private int releaseRef;
        /** The key's value when it is a known constant on the stack, else -1. */
        private long constKey = -1;

        HelperCall(State st, int pc, int id) {
            this.st = st;
            this.pc = pc;
            this.id = id;
            this.name = LinuxHelpers.find(id).map(LinuxHelpers.Entry::label).orElse("helper#" + id);
        }

        int run() {
            Optional<HelperPrototype> found = request.helpers().apply(id);
            if (found.isEmpty()) {
                throw new Rejection(pc, "invalid func unknown#" + id + " (no helper with this id is registered)");
            }
            HelperPrototype proto = found.get();
            if (!priv && PERFMON_HELPERS.contains(id)) {
                // Linux offers these to other program types only with CAP_PERFMON (bpf_base_func_proto).
                throw new Rejection(pc, "unknown func " + name);
            }
            if (!LinuxHelpers.isAllowed(id, type)) {
                throw new Rejection(pc, "program of this type cannot use helper " + name);
            }
            if (proto.gplOnly() && !request.gplCompatible()) {
                throw new Rejection(pc, "cannot call GPL-restricted function " + name + " from non-GPL compatible program");
            }
            for (int i = 0; i < 5; i++) {
                checkArg(i + 1, proto.arg(i));
            }
            checkMapCompatibility();
            if (id == HELPER_TAIL_CALL) {
                if (st.frames.size() > 1 && !request.btf()) {
                    throw new Rejection(pc, "tail_call is not allowed in subprogs without BTF");
                }
                if (!st.refs.isEmpty()) {
                    throw new Rejection(pc, "tail_call would lead to reference leak");
                }
            }
            if (proto.releasesReference()) {
                release();
            }
            if (callback >= 0 && callbackCall[pc]) {
                // Explore the path where the helper returns, and one more run of the callback.
                State after = st.copy();
                finish(after, proto);
                push(pc + 1, after);
                Frame cb = enterFrame(st, pc, callback, true);
                setCallbackArgs(cb);
                return callback;
            }
            finish(st, proto);
            return pc + 1;
        }

        private void setCallbackArgs(Frame cb) {
            Frame caller = st.frames.get(st.frames.size() - 2);
            switch (id) {
                case 181 -> { // bpf_loop(nr, callback, ctx, flags): callback(index, ctx)
                    cb.regs[1] = Reg.scalar(Scalar.unknown32());
                    cb.regs[2] = caller.regs[3].copy();
                }
                case 164 -> { // for_each_map_elem(map, callback, ctx, flags): callback(map, key, value, ctx)
                    cb.regs[1] = caller.regs[1].copy();
                    Reg key = Reg.pointer(RegType.PTR_TO_MAP_KEY, 0);
                    key.map = map;
                    cb.regs[2] = key;
                    Reg value = Reg.pointer(RegType.PTR_TO_MAP_VALUE, 0);
                    value.map = map;
                    cb.regs[3] = value;
                    cb.regs[4] = caller.regs[3].copy();
                }
                case 180 -> { // find_vma(task, addr, callback, ctx, flags): callback(task, vma, ctx)
                    cb.regs[1] = Reg.pointer(RegType.PTR_TO_BTF_ID, 0);
                    cb.regs[2] = Reg.pointer(RegType.PTR_TO_BTF_ID, 0);
                    cb.regs[3] = caller.regs[4].copy();
                }
                case 209 -> { // user_ringbuf_drain(map, callback, ctx, flags): callback(dynptr, ctx)
                    cb.regs[1] = Reg.unknownScalar();
                    cb.regs[2] = caller.regs[3].copy();
                }
                default -> { // timer callback(map, key, value)
                    cb.regs[1] = Reg.unknownScalar();
                    cb.regs[2] = Reg.unknownScalar();
                    cb.regs[3] = Reg.unknownScalar();
                }
            }
        }

        private void finish(State s, HelperPrototype proto) {
            Frame f = s.cur();
            for (int r = 1; r <= 5; r++) {
                f.regs[r] = Reg.notInit();
            }
            HelperReturnType rt = proto.returnType();
            Reg r0;
            switch (rt) {
                case INTEGER -> r0 = Reg.unknownScalar();
                case VOID -> r0 = Reg.notInit();
                case PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL -> {
                    if (map < 0) {
                        throw new Rejection(pc, "kernel subsystem misconfigured verifier: " + name + " returns a map value but takes no map");
                    }
                    MapDefinition def = maps.get(map);
                    if (def.type().isMapInMap() && def.innerMap() != null) {
                        // A lookup in a map of maps yields an inner map (or null).
                        r0 = Reg.pointer(RegType.CONST_PTR_TO_MAP, 0);
                        r0.map = innerMapIndex(def.innerMap());
                        if (rt.mayBeNull()) {
                            r0.maybeNull = true;
                            r0.id = newId();
                        }
                        f.regs[0] = r0;
                        return;
                    }
                    r0 = Reg.pointer(RegType.PTR_TO_MAP_VALUE, 0);
                    r0.map = map;
                    r0.readOnly = (maps.get(map).flags() & MapFlags.BPF_F_RDONLY_PROG) != 0;
                    if (id == 1 && (def.type() == MapType.ARRAY || def.type() == MapType.PERCPU_ARRAY) && constKey >= 0
                            && constKey < Integer.toUnsignedLong(def.maxEntries())) {
                        // An array lookup with a constant key in range cannot fail (as Linux knows since 6.13).
                        f.regs[0] = r0;
                        return;
                    }
                }
                case PTR_TO_ALLOC_MEM_OR_NULL -> {
                    r0 = Reg.pointer(RegType.PTR_TO_MEM, 0);
                    r0.memSize = (int) Math.max(0, allocSize);
                }
                case PTR_TO_MEM_OR_NULL, PTR_TO_MEM_OR_BTF_ID, PTR_TO_MEM_OR_BTF_ID_OR_NULL -> {
                    r0 = Reg.pointer(RegType.PTR_TO_MEM, 0);
                    r0.memSize = 0;
                }
                case PTR_TO_SOCKET_OR_NULL -> r0 = Reg.pointer(RegType.PTR_TO_SOCKET, 0);
                case PTR_TO_SOCK_COMMON_OR_NULL -> r0 = Reg.pointer(RegType.PTR_TO_SOCK_COMMON, 0);
                case PTR_TO_TCP_SOCK_OR_NULL -> r0 = Reg.pointer(RegType.PTR_TO_TCP_SOCK, 0);
                default -> r0 = Reg.pointer(RegType.PTR_TO_BTF_ID, 0);
            }
            if (rt.mayBeNull()) {
                r0.maybeNull = true;
                r0.id = newId();
            }
            if (proto.acquiresReference()) {
                r0.refId = newId();
                s.refs.add(new int[] {r0.refId, pc, r0.id});
            }
            f.regs[0] = r0;
        }

        private void release() {
            boolean found = false;
            for (int i = 0; i < st.refs.size(); i++) {
                if (st.refs.get(i)[0] == releaseRef) {
                    st.refs.remove(i);
                    found = true;
                    break;
                }
            }
            if (!found) {
                throw new Rejection(pc, "R1 must be referenced when passed to release function " + name);
            }
            for (Frame f : st.frames) {
                for (int i = 0; i < f.regs.length; i++) {
                    if (f.regs[i].refId == releaseRef) {
                        f.regs[i] = priv ? Reg.unknownScalar() : Reg.notInit();
                    }
                }
                for (int i = 0; i < f.spills.length; i++) {
                    if (f.spills[i] != null && f.spills[i].refId == releaseRef) {
                        f.spills[i] = Reg.unknownScalar();
                    }
                }
            }
        }

        private Rejection expected(int regno, Reg r, String what) {
            return new Rejection(pc, "R" + regno + " type=" + typeName(r) + " expected=" + what);
        }

        private void checkArg(int regno, HelperArgType t) {
            if (t == HelperArgType.DONTCARE) {
                return;
            }
            Reg r = read(st, pc, regno);
            if (r.isScalar() && t != HelperArgType.ANYTHING) {
                // A scalar where the helper expects a size, a constant or a pointer that may be
                // null: whether it is accepted, and what the helper may touch, depend on its value.
                precise(st, regno);
            }
            switch (t) {
                case ANYTHING -> {
                    if (r.isPointer() && !priv) {
                        throw new Rejection(pc, "R" + regno + " leaks addr into helper function");
                    }
                }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) {
                        throw expected(regno, r, "map_ptr");
                    }
                    map = r.map;
                }
                case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_UNINIT_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL -> {
                    if (map < 0) {
                        throw new Rejection(pc, "invalid map_ptr to access map->" + (t == HelperArgType.PTR_TO_MAP_KEY ? "key" : "value"));
                    }
                    if (t == HelperArgType.PTR_TO_MAP_VALUE_OR_NULL && r.isConst() && r.var.constValue() == 0) {
                        return;
                    }
                    MapDefinition def = maps.get(map);
                    int size = t == HelperArgType.PTR_TO_MAP_KEY ? def.keySize() : def.valueSize();
                    requireMemoryType(regno, r);
                    memoryAccess(regno, r, size, size, t == HelperArgType.PTR_TO_UNINIT_MAP_VALUE);
                    if (t == HelperArgType.PTR_TO_MAP_KEY) {
                        constKey = constantKey(r, size);
                    }
                }
                case PTR_TO_MEM, PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM, PTR_TO_UNINIT_MEM_OR_NULL -> {
                    memOrNull = t == HelperArgType.PTR_TO_MEM_OR_NULL || t == HelperArgType.PTR_TO_UNINIT_MEM_OR_NULL;
                    memWrite = t == HelperArgType.PTR_TO_UNINIT_MEM || t == HelperArgType.PTR_TO_UNINIT_MEM_OR_NULL;
                    if (memOrNull && r.isConst() && r.var.constValue() == 0) {
                        memReg = r;
                        memRegno = regno;
                        return;
                    }
                    requireMemoryType(regno, r);
                    memReg = r;
                    memRegno = regno;
                }
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> sizeArg(regno, r, t == HelperArgType.CONST_SIZE_OR_ZERO);
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!r.isConst()) {
                        throw new Rejection(pc, "R" + regno + " is not a known constant'");
                    }
                    allocSize = r.var.constValue();
                }
                case PTR_TO_CTX, PTR_TO_CTX_OR_NULL -> {
                    if (t == HelperArgType.PTR_TO_CTX_OR_NULL && r.isConst() && r.var.constValue() == 0) {
                        return;
                    }
                    if (r.type != RegType.PTR_TO_CTX) {
                        throw expected(regno, r, "ctx");
                    }
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw new Rejection(pc, "dereference of modified ctx ptr R" + regno + " off=" + r.off + " disallowed");
                    }
                }
                case PTR_TO_LONG, PTR_TO_INT -> {
                    requireMemoryType(regno, r);
                    int size = t == HelperArgType.PTR_TO_LONG ? 8 : 4;
                    memoryAccess(regno, r, size, size, true);
                }
                case PTR_TO_STACK_OR_NULL -> {
                    if (r.isConst() && r.var.constValue() == 0) {
                        return;
                    }
                    if (r.type != RegType.PTR_TO_STACK && r.type != RegType.PTR_TO_MAP_VALUE) {
                        throw expected(regno, r, "fp");
                    }
                }
                case PTR_TO_FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) {
                        throw expected(regno, r, "func");
                    }
                    callback = r.frame;
                }
                case PTR_TO_CONST_STR -> {
                    if (r.type != RegType.PTR_TO_MAP_VALUE || !r.readOnly || !r.var.isConst()) {
                        throw new Rejection(pc, "R" + regno + " does not point to a readonly map'");
                    }
                }
                case PTR_TO_ALLOC_MEM -> {
                    if (r.type != RegType.PTR_TO_MEM || r.maybeNull) {
                        throw expected(regno, r, "ringbuf_mem");
                    }
                    if (r.refId == 0) {
                        throw new Rejection(pc, "R" + regno + " must be referenced when passed to release function");
                    }
                    if (r.off != 0 || !r.var.isConst() || r.var.constValue() != 0) {
                        throw new Rejection(pc, "R" + regno + " must have zero offset when passed to release func");
                    }
                    releaseRef = r.refId;
                }
                case PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, PTR_TO_BTF_ID_SOCK_COMMON, PTR_TO_BTF_ID_SOCK_COMMON_OR_NULL -> {
                    boolean sock = r.type == RegType.PTR_TO_SOCKET || r.type == RegType.PTR_TO_SOCK_COMMON
                            || r.type == RegType.PTR_TO_TCP_SOCK || r.type == RegType.PTR_TO_BTF_ID;
                    if (t == HelperArgType.PTR_TO_BTF_ID_SOCK_COMMON_OR_NULL && r.isConst() && r.var.constValue() == 0) {
                        return;
                    }
                    if (!sock || r.maybeNull) {
                        throw expected(regno, r, "sock");
                    }
                    if (t == HelperArgType.PTR_TO_SOCKET && r.refId != 0 && id == 86) {
                        releaseRef = r.refId;
                        }
                }
                case PTR_TO_BTF_ID -> {
                    if (r.type != RegType.PTR_TO_BTF_ID || r.maybeNull) {
                        throw expected(regno, r, "ptr_");
                    }
                }
                default -> throw new Rejection(pc, "argument R" + regno + " of " + name + " is a " + t
                        + ", which needs BTF-described objects that bpf4j's verifier does not support yet");
            }
        }

        /** The value of a key on the stack at a constant offset when its bytes are known (zero or a spilled constant). */
        private long constantKey(Reg r, int size) {
            if (r.type != RegType.PTR_TO_STACK || !r.var.isConst() || size > 8) {
                return -1;
            }
            Frame f = st.frames.get(r.frame);
            int idx = (int) (r.off + r.var.constValue()) + Frame.STACK_SIZE;
            if (idx < 0 || idx + size > Frame.STACK_SIZE) {
                return -1;
            }
            boolean zero = true;
            for (int i = 0; i < size; i++) {
                zero &= f.stype[idx + i] == Frame.ZERO;
            }
            if (zero) {
                return 0;
            }
            Reg spilled = f.spills[idx / 8];
            if (idx % 8 == 0 && f.stype[idx] == Frame.SPILL && spilled != null && spilled.isConst()) {
                preciseSlot(st, r.frame, idx / 8); // the key decides whether the lookup can fail
                long v = spilled.var.constValue();
                return size == 8 ? v : v & ((1L << (8 * size)) - 1);
            }
            return -1;
        }

        private void requireMemoryType(int regno, Reg r) {
            switch (r.type) {
                case PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_MEM -> {
                    if (r.maybeNull) {
                        throw expected(regno, r, "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_");
                    }
                }
                default -> throw expected(regno, r, "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_");
            }
        }

        private void sizeArg(int regno, Reg r, boolean zeroOk) {
            if (!r.isScalar()) {
                throw expected(regno, r, "scalar");
            }
            Scalar v = r.var;
            if (v.smin() < 0) {
                throw new Rejection(pc, "R" + regno + " min value is negative, either use unsigned or 'var &= const'");
            }
            if (v.umin() == 0 && !zeroOk) {
                throw new Rejection(pc, "R" + regno + " invalid zero-sized read");
            }
            if (Long.compareUnsigned(v.umax(), MAX_VAR_OFF) >= 0) {
                throw new Rejection(pc, "R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
            }
            if (memReg == null) {
                return;
            }
            if (memReg.isScalar()) {
                if (v.umax() != 0) {
                    throw new Rejection(pc, "R" + memRegno + " type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem");
                }
                return;
            }
            // A helper that fills memory of a size known only as a range might write less than the
            // range's top: Linux then requires the whole range initialized before the call, as for a
            // read (it drops raw mode for non-constant sizes), so that no byte is left uninitialized.
            memoryAccess(memRegno, memReg, (int) v.umin(), (int) v.umax(), memWrite && v.isConst());
            memReg = null;
        }

        /** Checks that a helper may access [0, maxSize) bytes at the pointer (reading them unless {@code write}). */
        private void memoryAccess(int regno, Reg r, int minSize, int maxSize, boolean write) {
            if (maxSize == 0) {
                return;
            }
            switch (r.type) {
                case PTR_TO_STACK -> helperStackAccess(regno, r, maxSize, write);
                case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                    long start = r.off;
                    if (r.var.smin() < 0 || start < 0 || start + maxSize > r.range) {
                        throw new Rejection(pc, "invalid access to packet, off=" + start + " size=" + maxSize + ", R" + regno
                                + "(id=" + r.id + ",off=" + r.off + ",r=" + r.range + "): R" + regno + " offset is outside of the packet");
                    }
                }
                case PTR_TO_MAP_VALUE -> {
                    MapDefinition def = maps.get(r.map);
                    if (write && r.readOnly) {
                        throw new Rejection(pc, "write into map forbidden, value_size=" + def.valueSize() + " off=" + r.off
                                + " size=" + maxSize);
                    }
                    regionAccess(pc, regno, r, 0, maxSize, def.valueSize(), "map value", "value_size");
                }
                case PTR_TO_MAP_KEY -> regionAccess(pc, regno, r, 0, maxSize, maps.get(r.map).keySize(), "map key", "key_size");
                case PTR_TO_MEM -> regionAccess(pc, regno, r, 0, maxSize, r.memSize, "memory", "mem_size");
                default -> throw expected(regno, r, "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_");
            }
        }

        private void helperStackAccess(int regno, Reg r, int size, boolean write) {
            Frame f = st.frames.get(r.frame);
            long lo = r.off + r.var.smin();
            long hi = r.off + r.var.smax();
            if (r.var.smin() == Long.MIN_VALUE || lo < -Frame.STACK_SIZE || hi + size > 0) {
                throw new Rejection(pc, "invalid indirect access to stack R" + regno + " off=" + lo + " size=" + size);
            }
            if (!r.var.isConst() && !priv) {
                throw new Rejection(pc, "R" + regno + " variable offset stack access prohibited for !root");
            }
            touchStack(st, pc, f, (int) -lo);
            int from = (int) lo + Frame.STACK_SIZE;
            int to = (int) hi + size + Frame.STACK_SIZE;
            markRead(st, r.frame, slotMask(from, to));
            if (write) {
                writeBytes(pc, f, from, to - from, Frame.MISC);
                return;
            }
            for (int i = from; i < to; i++) {
                byte t = f.stype[i];
                if (t == Frame.INVALID && !priv) {
                    throw new Rejection(pc, "invalid indirect read from stack R" + regno + " off " + lo + "+" + (i - from)
                            + " size " + size);
                }
                if (t == Frame.SPILL && !priv && f.spills[i / 8] != null && f.spills[i / 8].isPointer()) {
                    throw new Rejection(pc, "leaking pointer from stack off " + (i - Frame.STACK_SIZE));
                }
            }
        }

        private void checkMapCompatibility() {
            if (map < 0) {
                return;
            }
            MapType mt = maps.get(map).type();
            boolean ok = switch (mt) {
                case PROG_ARRAY -> id == HELPER_TAIL_CALL;
                case RINGBUF -> id == 130 || id == 131 || id == 134 || id == 198;
                case PERF_EVENT_ARRAY -> id == 22 || id == 25 || id == 55 || id == 111 || id == 121;
                case QUEUE, STACK -> id == 87 || id == 88 || id == 89;
                case STACK_TRACE -> id == 27;
                default -> true;
            };
            boolean helperOk = switch (id) {
                case HELPER_TAIL_CALL -> mt == MapType.PROG_ARRAY;
                case 130, 131, 134 -> mt == MapType.RINGBUF;
                case 25, 22, 55 -> mt == MapType.PERF_EVENT_ARRAY;
                case 87, 88, 89 -> mt == MapType.QUEUE || mt == MapType.STACK;
                case 27 -> mt == MapType.STACK_TRACE;
                case 51 -> mt == MapType.DEVMAP || mt == MapType.DEVMAP_HASH || mt == MapType.CPUMAP || mt == MapType.XSKMAP;
                case 195 -> mt == MapType.PERCPU_ARRAY || mt == MapType.PERCPU_HASH || mt == MapType.LRU_PERCPU_HASH;
                default -> true;
            };
            if (!ok || !helperOk) {
                throw new Rejection(pc, "cannot pass map_type " + mt.id() + " into func " + name);
            }
        }
    }

    // ---- log text ------------------------------------------------------------------------------

    static String stateText(State st) {
        StringBuilder b = new StringBuilder();
        for (int fi = 0; fi < st.frames.size(); fi++) {
            Frame f = st.frames.get(fi);
            if (st.frames.size() > 1) {
                b.append(fi == 0 ? "" : " | ").append("frame").append(fi).append(':');
            }
            for (int r = 0; r < f.regs.length; r++) {
                if (f.regs[r].isInit()) {
                    Reg reg = f.regs[r];
                    b.append(" R").append(r).append('=');
                    if (r == 10 || reg.type == RegType.PTR_TO_STACK) {
                        b.append(reg.var.isConst() ? "fp" + (reg.off + reg.var.constValue()) : reg.toString());
                    } else {
                        b.append(reg);
                    }
                }
            }
            b.append(f.stackText());
        }
        return b.toString().strip();
    }
}
