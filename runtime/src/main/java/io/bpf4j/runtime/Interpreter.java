package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.spi.DecodedProgram;
import java.util.BitSet;
import java.util.List;

/**
 * The reference semantics of bpf4j: decodes a program once into flat arrays and executes it
 * with one {@code switch} per instruction. Every memory access goes through {@link Memory}'s
 * checks. Thread-safe: all per-run state lives in {@link #execute}.
 */
final class Interpreter implements DecodedProgram {
    static final int MAX_FRAMES = Execution.FRAMES;
    /**
     * High half of the value {@code lddw rX, func} produces: a code address, not a memory address.
     * Its region id (0xffffffff) is never mapped, so it cannot be dereferenced.
     */
    static final long CODE_ADDRESS_TAG = 0xffff_ffffL << Memory.REGION_SHIFT;
    /** Linux's bpf_tail_call helper id: the engine itself carries it out. */
    static final int TAIL_CALL_HELPER = 12;
    /** Longest chain of tail calls, as Linux's MAX_TAIL_CALL_CNT. */
    static final int MAX_TAIL_CALLS = 33;

    // Opcodes of the decoded form that no eBPF instruction has: lddw of a map reference and of a
    // map value address (resolved per run, because a tail call may bring another program's maps),
    // and the tail call.
    private static final int LDDW_MAP = DecodedProgram.LDDW_MAP;
    private static final int LDDW_MAP_VALUE = DecodedProgram.LDDW_MAP_VALUE;
    private static final int TAIL_CALL = DecodedProgram.TAIL_CALL;

    private final Instructions code;
    private final List<BpfMap> maps;
    private final int[] opcodes;
    private final byte[] dsts;
    private final byte[] srcs;
    private final short[] offsets;
    /** Sign-extended immediate, or the whole 64-bit value of a lddw. */
    private final long[] imms;
    /** Resolved helper per call instruction (null elsewhere). */
    private final HelperFunction[] helperAt;
    private final HelperRegistry helpers;
    private final long instructionBudget;
    /** Name for compiled classes and messages. */
    String name = "program";
    /** Accesses a verifier proved safe (see {@link DecodedProgram#provenSafeAccesses()}). */
    BitSet provenSafe = new BitSet();
    /** The type the program was verified as, for which {@link #provenSafe} holds; null when nothing was proven. */
    ProgramType verifiedType;
    /**
     * The program's compiled form once there is one: runs then go to it instead of the loop below
     * (see {@link ExecutionMode}). Set once; volatile so that a background compilation publishes it.
     */
    volatile CompiledCode compiled;
    /** AUTO mode: compiles in the background after this many runs; null when not in AUTO mode. */
    AutoCompilation autoCompilation;
    /**
     * Whether no run of this program can write the stack: it was verified and no instruction
     * names r10. r10 is the only source of stack addresses, and the verifier lets no other value
     * (a scalar, a pointer loaded from a map) be dereferenced as one, so such a program, its
     * functions and callbacks never reach a stack byte; helpers get only pointers it holds. An
     * unverified program can forge stack addresses and is never stack-untouched. After runs of
     * such programs only, the stack needs no zeroing ({@link Execution}).
     */
    final boolean stackUntouched;

    Interpreter(Instructions code, List<BpfMap> maps, HelperRegistry helpers, long instructionBudget) {
        this(code, maps, helpers, instructionBudget, false);
    }

    /**
     * @param verified whether a verifier accepted the program against this runtime's helpers: then
     *     a call of a helper the runtime lacks can only be in code the verifier found unreachable
     *     (it rejects reachable ones), and becomes a trap instead of a load error, as Linux accepts
     *     such dead code
     */
    Interpreter(Instructions code, List<BpfMap> maps, HelperRegistry helpers, long instructionBudget, boolean verified) {
        this.code = code;
        this.maps = List.copyOf(maps);
        this.helpers = helpers;
        this.instructionBudget = instructionBudget;
        int n = code.size();
        opcodes = new int[n];
        dsts = new byte[n];
        srcs = new byte[n];
        offsets = new short[n];
        imms = new long[n];
        helperAt = new HelperFunction[n];
        boolean namesR10 = false;
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = code.get(pc);
            namesR10 |= insn.dst() == FRAME_POINTER || insn.src() == FRAME_POINTER;
            opcodes[pc] = insn.opcode();
            dsts[pc] = (byte) insn.dst();
            srcs[pc] = (byte) insn.src();
            offsets[pc] = (short) insn.offset();
            imms[pc] = insn.imm();
            if (insn.opcode() == LDDW) {
                imms[pc] = resolveWideImmediate(pc, insn);
                if (insn.src() == PSEUDO_MAP_FD || insn.src() == PSEUDO_MAP_IDX) {
                    opcodes[pc] = LDDW_MAP;
                } else if (insn.src() == PSEUDO_MAP_VALUE || insn.src() == PSEUDO_MAP_IDX_VALUE) {
                    opcodes[pc] = LDDW_MAP_VALUE;
                }
                opcodes[pc + 1] = -1; // never executed: jumps cannot land here (validated)
                pc++;
            } else if (insn.opcode() == CALL_IMM) {
                if (insn.src() == CALL_HELPER && insn.imm() == TAIL_CALL_HELPER) {
                    opcodes[pc] = TAIL_CALL;
                } else if (insn.src() == CALL_HELPER) {
                    int id = insn.imm();
                    int at = pc;
                    java.util.Optional<Helper> helper = helpers.find(id);
                    if (helper.isPresent()) {
                        helperAt[pc] = helper.get().function();
                    } else if (verified) {
                        helperAt[pc] = unreachableCall("helper id " + id + ", which this runtime does not register,");
                    } else {
                        throw new ProgramLoadException(at, "calls unknown helper id " + id
                                + "; register it with BpfRuntime.builder().helper(...)");
                    }
                } else if (insn.src() == CALL_KFUNC) {
                    if (!verified) {
                        throw new ProgramLoadException(pc, "calls kernel function (kfunc) with BTF id "
                                + insn.imm() + ", which bpf4j does not provide");
                    }
                    // verified: the verifier refuses reachable kfunc calls, so this one is dead code
                    helperAt[pc] = unreachableCall("kernel function (kfunc) with BTF id " + insn.imm());
                }
            }
        }
        stackUntouched = verified && !namesR10;
    }

    /** Stands for a helper the runtime lacks, called where the verifier proved no run reaches. */
    private static HelperFunction unreachableCall(String what) {
        return (r1, r2, r3, r4, r5, context) -> {
            throw new ProgramFault(context.pc(), "called " + what + " in code the verifier found unreachable"
                    + " (the verification did not hold)");
        };
    }

    private long resolveWideImmediate(int pc, Instruction insn) {
        long value = code.imm64(pc);
        return switch (insn.src()) {
            case PSEUDO_IMM -> value;
            case PSEUDO_FUNC -> CODE_ADDRESS_TAG | (pc + insn.imm() + 1);
            case PSEUDO_MAP_FD, PSEUDO_MAP_IDX -> programMap(pc, insn.imm());
            case PSEUDO_MAP_VALUE, PSEUDO_MAP_IDX_VALUE -> {
                int index = programMap(pc, insn.imm());
                BpfMap map = maps.get(index);
                long offset = code.get(pc + 1).imm() & 0xffffffffL;
                if (map.type() != MapType.ARRAY || offset >= map.valueSize()) {
                    throw new ProgramLoadException(pc, "lddw map value: map '" + map.name() + "' is not an array map or offset "
                            + offset + " is outside its " + map.valueSize() + "-byte value");
                }
                yield offset << 32 | index; // the value of key 0 is at the start of an array's storage
            }
            default -> throw new ProgramLoadException(pc, "lddw with src " + insn.src()
                    + " (kernel BTF object) cannot be resolved: bpf4j has no kernel objects");
        };
    }

    /** Index into the program's maps of a lddw map reference; the program's maps are numbered from 0. */
    private int programMap(int pc, int index) {
        if (index < 0 || index >= maps.size()) {
            throw new ProgramLoadException(pc, "lddw refers to map " + index + ", but the program was given "
                    + maps.size() + " map(s)");
        }
        return index;
    }

    /**
     * Takes the accesses a verifier proved safe for a program of {@code type} (see
     * {@link BpfRuntime#load(Program, BitSet)}); only accesses that are loads or stores count.
     */
    void trustProven(ProgramType type, BitSet proven) {
        if (proven == null || proven.isEmpty() || type == ProgramType.UNSPEC) {
            return;
        }
        BitSet accesses = new BitSet();
        for (int pc = proven.nextSetBit(0); pc >= 0 && pc < opcodes.length; pc = proven.nextSetBit(pc + 1)) {
            int op = opcodes[pc];
            int cls = op & 0x07;
            boolean memoryAccess = op >= 0 && op <= 0xff && (cls == LDX && ((op & 0xe0) == MEM || (op & 0xe0) == MEMSX)
                    || (cls == ST || cls == STX) && (op & 0xe0) == MEM);
            if (memoryAccess) {
                accesses.set(pc);
            }
        }
        provenSafe = accesses;
        verifiedType = type;
    }

    Instructions code() {
        return code;
    }

    /** A run state with only the stack frames mapped (the thread's own, if free); {@link Execution#release} must follow. */
    Execution newExecution() {
        return Execution.start(this);
    }

    List<BpfMap> maps() {
        return maps;
    }

    /**
     * Runs the program.
     *
     * @param execution the run state from {@link #newExecution()}, with input regions mapped
     * @param r1 initial r1 (the context pointer), {@code r2} initial r2
     * @param packetAddress where legacy packet loads (LD_ABS/LD_IND) read, or 0 when there is no packet
     * @param packetLength length of that packet
     */
    long execute(Execution execution, long r1, long r2, long packetAddress, int packetLength, ExecutionTracer tracer) {
        execution.packetAddress = packetAddress;
        execution.packetLength = packetLength;
        execution.tracer = tracer;
        execution.remaining = instructionBudget > 0 ? instructionBudget : Long.MAX_VALUE;
        CompiledCode code = tracer == null ? compiledOrCount() : null;
        if (code == null) {
            return interpret(execution, r1, r2);
        }
        long r0 = code.run(execution, r1, r2);
        return execution.tailCallPending ? runTailCallTargets(execution) : r0;
    }

    /**
     * Runs the targets of the tail calls compiled code made at depth 0: it returns from a tail
     * call and its target runs here, so the JVM stack does not grow. (A call site of its own,
     * apart from the entry program's in {@link #execute}: the JIT sees few classes at each.)
     */
    private static long runTailCallTargets(Execution execution) {
        for (;;) {
            execution.tailCallPending = false;
            Interpreter next = execution.current; // the target (Execution.tailCallTarget)
            long r1 = execution.pendingR1;
            CompiledCode code = next.compiled;
            if (code == null) {
                return next.interpret(execution, r1, 0);
            }
            long r0 = code.run(execution, r1, 0);
            if (!execution.tailCallPending) {
                return r0;
            }
        }
    }

    private long interpret(Execution execution, long r1, long r2) {
        long[] r = new long[REGISTER_COUNT];
        r[1] = r1;
        r[2] = r2;
        r[FRAME_POINTER] = execution.frameTopOf(0);
        return run(execution, r, 0, 0);
    }

    /** The compiled form if there is one; in AUTO mode, counts the run (and may start compiling). */
    private CompiledCode compiledOrCount() {
        CompiledCode code = compiled;
        if (code == null && autoCompilation != null) {
            autoCompilation.countRun(this);
        }
        return code;
    }

    /** Interprets the function at {@code pc} in frame {@code depth}: compiled code's way into functions it does not know. */
    long interpretFunction(Execution execution, int pc, int depth, long a1, long a2, long a3, long a4, long a5) {
        long[] r = new long[REGISTER_COUNT];
        r[1] = a1;
        r[2] = a2;
        r[3] = a3;
        r[4] = a4;
        r[5] = a5;
        r[FRAME_POINTER] = execution.frameTopOf(depth);
        int callerPc = execution.pc;
        int callerDepth = execution.depth;
        long result = run(execution, r, pc, depth);
        execution.pc = callerPc;
        execution.depth = callerDepth;
        return result;
    }

    /**
     * Calls the function at {@code codeAddress} (a value of {@code lddw rX, func}) from a helper,
     * in a new frame above the caller's, and returns its r0: how bpf_loop and friends call back.
     */
    long callback(Execution execution, long codeAddress, long a1, long a2, long a3, long a4, long a5) {
        int pc = (int) codeAddress;
        if ((codeAddress & CODE_ADDRESS_TAG) != CODE_ADDRESS_TAG || pc < 0 || pc >= opcodes.length || opcodes[pc] == -1) {
            throw new ProgramFault(execution.pc, String.format("callback 0x%x is not a function of this program", codeAddress));
        }
        int depth = execution.depth + 1;
        if (depth >= MAX_FRAMES) {
            throw new ProgramFault(execution.pc, "callback nests deeper than " + MAX_FRAMES + " frames");
        }
        long[] r = new long[REGISTER_COUNT];
        r[1] = a1;
        r[2] = a2;
        r[3] = a3;
        r[4] = a4;
        r[5] = a5;
        r[FRAME_POINTER] = execution.frameTopOf(depth);
        int callerPc = execution.pc;
        int callerDepth = execution.depth;
        CompiledCode code = execution.tracer == null ? compiled : null;
        execution.callbacks++;
        long result;
        try {
            result = code != null ? code.call(execution, pc, depth, a1, a2, a3, a4, a5) : run(execution, r, pc, depth);
        } finally {
            execution.callbacks--;
        }
        execution.pc = callerPc;
        execution.depth = callerDepth;
        return result;
    }

    /**
     * Runs this program as the target of a tail call made by compiled code in a subprogram: in
     * frame {@code depth} (the subprogram's, which it replaces), from its first instruction, with
     * the context in r1; returns its r0.
     */
    long runAsTailCallTarget(Execution execution, long r1, int depth) {
        long[] r = new long[REGISTER_COUNT];
        r[1] = r1;
        r[FRAME_POINTER] = execution.frameTopOf(depth);
        int callerPc = execution.pc;
        int callerDepth = execution.depth;
        long result = run(execution, r, 0, depth);
        execution.pc = callerPc;
        execution.depth = callerDepth;
        return result;
    }

    /** Executes from {@code startPc} in frame {@code baseDepth} until that frame exits (or a tail call leaves it). */
    private long run(Execution execution, long[] r, int startPc, int baseDepth) {
        final Memory memory = execution.memory;
        final ExecutionTracer tracer = execution.tracer;
        // Saved r6-r9 and return addresses of the calling frames.
        final long[] savedRegisters = new long[MAX_FRAMES * 4];
        final int[] returnPc = new int[MAX_FRAMES];
        // The program each calling frame runs: a tail call from a subprogram replaces only that
        // frame's program, and its callers resume in theirs.
        final Interpreter[] frameProgram = new Interpreter[MAX_FRAMES];
        int depth = baseDepth;

        final long[] before = tracer == null ? null : new long[REGISTER_COUNT];
        // Not final: a tail call replaces the program being executed.
        Interpreter program = this;
        int[] opcodes = this.opcodes;
        byte[] dsts = this.dsts;
        byte[] srcs = this.srcs;
        short[] offsets = this.offsets;
        long[] imms = this.imms;
        int end = opcodes.length;
        long[] maps = execution.mapBindings(this);
        long remaining = execution.remaining;

        int pc = startPc;
        for (;;) {
            if (pc >= end) {
                int last = pc - 1;
                if (last > 0 && opcodes[last] == -1) {
                    last--; // the second slot of a lddw: name the lddw
                }
                throw new ProgramFault(last, "execution ran past the last instruction without exit");
            }
            if (--remaining < 0) {
                throw new BudgetExhaustedFault(pc, instructionBudget);
            }
            final int at = pc;
            if (before != null) {
                System.arraycopy(r, 0, before, 0, REGISTER_COUNT);
            }
            final int d = dsts[pc];
            final int s = srcs[pc];
            final long imm = imms[pc];
            pc++;
            switch (opcodes[at]) {
                // ---------------- ALU64
                case ALU64 | ADD | K -> r[d] += imm;
                case ALU64 | ADD | X -> r[d] += r[s];
                case ALU64 | SUB | K -> r[d] -= imm;
                case ALU64 | SUB | X -> r[d] -= r[s];
                case ALU64 | MUL | K -> r[d] *= imm;
                case ALU64 | MUL | X -> r[d] *= r[s];
                case ALU64 | DIV | K -> r[d] = offsets[at] == 0 ? Semantics.udiv64(r[d], imm) : Semantics.sdiv64(r[d], imm);
                case ALU64 | DIV | X -> r[d] = offsets[at] == 0 ? Semantics.udiv64(r[d], r[s]) : Semantics.sdiv64(r[d], r[s]);
                case ALU64 | MOD | K -> r[d] = offsets[at] == 0 ? Semantics.umod64(r[d], imm) : Semantics.smod64(r[d], imm);
                case ALU64 | MOD | X -> r[d] = offsets[at] == 0 ? Semantics.umod64(r[d], r[s]) : Semantics.smod64(r[d], r[s]);
                case ALU64 | OR | K -> r[d] |= imm;
                case ALU64 | OR | X -> r[d] |= r[s];
                case ALU64 | AND | K -> r[d] &= imm;
                case ALU64 | AND | X -> r[d] &= r[s];
                case ALU64 | XOR | K -> r[d] ^= imm;
                case ALU64 | XOR | X -> r[d] ^= r[s];
                case ALU64 | LSH | K -> r[d] <<= imm; // Java masks long shift counts to 6 bits, as RFC 9669 does
                case ALU64 | LSH | X -> r[d] <<= r[s];
                case ALU64 | RSH | K -> r[d] >>>= imm;
                case ALU64 | RSH | X -> r[d] >>>= r[s];
                case ALU64 | ARSH | K -> r[d] >>= imm;
                case ALU64 | ARSH | X -> r[d] >>= r[s];
                case ALU64 | NEG | K -> r[d] = -r[d];
                case ALU64 | MOV | K -> r[d] = imm;
                case ALU64 | MOV | X -> r[d] = offsets[at] == 0 ? r[s] : Semantics.signExtend(r[s], offsets[at]);
                case ALU64 | END | K -> r[d] = Semantics.byteSwap(r[d], (int) imm);

                // ---------------- ALU (32-bit, zero-extended)
                case ALU | ADD | K -> r[d] = Semantics.zext32(r[d] + imm);
                case ALU | ADD | X -> r[d] = Semantics.zext32(r[d] + r[s]);
                case ALU | SUB | K -> r[d] = Semantics.zext32(r[d] - imm);
                case ALU | SUB | X -> r[d] = Semantics.zext32(r[d] - r[s]);
                case ALU | MUL | K -> r[d] = Semantics.zext32((int) r[d] * (int) imm);
                case ALU | MUL | X -> r[d] = Semantics.zext32((int) r[d] * (int) r[s]);
                case ALU | DIV | K -> r[d] = offsets[at] == 0 ? Semantics.udiv32(r[d], imm) : Semantics.sdiv32(r[d], imm);
                case ALU | DIV | X -> r[d] = offsets[at] == 0 ? Semantics.udiv32(r[d], r[s]) : Semantics.sdiv32(r[d], r[s]);
                case ALU | MOD | K -> r[d] = offsets[at] == 0 ? Semantics.umod32(r[d], imm) : Semantics.smod32(r[d], imm);
                case ALU | MOD | X -> r[d] = offsets[at] == 0 ? Semantics.umod32(r[d], r[s]) : Semantics.smod32(r[d], r[s]);
                case ALU | OR | K -> r[d] = Semantics.zext32(r[d] | imm);
                case ALU | OR | X -> r[d] = Semantics.zext32(r[d] | r[s]);
                case ALU | AND | K -> r[d] = Semantics.zext32(r[d] & imm);
                case ALU | AND | X -> r[d] = Semantics.zext32(r[d] & r[s]);
                case ALU | XOR | K -> r[d] = Semantics.zext32(r[d] ^ imm);
                case ALU | XOR | X -> r[d] = Semantics.zext32(r[d] ^ r[s]);
                case ALU | LSH | K -> r[d] = Semantics.lsh32(r[d], imm);
                case ALU | LSH | X -> r[d] = Semantics.lsh32(r[d], r[s]);
                case ALU | RSH | K -> r[d] = Semantics.rsh32(r[d], imm);
                case ALU | RSH | X -> r[d] = Semantics.rsh32(r[d], r[s]);
                case ALU | ARSH | K -> r[d] = Semantics.arsh32(r[d], imm);
                case ALU | ARSH | X -> r[d] = Semantics.arsh32(r[d], r[s]);
                case ALU | NEG | K -> r[d] = Semantics.zext32(-r[d]);
                case ALU | MOV | K -> r[d] = Semantics.zext32(imm);
                case ALU | MOV | X -> r[d] = offsets[at] == 0 ? Semantics.zext32(r[s]) : Semantics.signExtend32(r[s], offsets[at]);
                case ALU | END | K -> r[d] = Semantics.toLittleEndian(r[d], (int) imm);
                case ALU | END | X -> r[d] = Semantics.byteSwap(r[d], (int) imm);

                // ---------------- JMP (64-bit compares)
                case JMP | JA -> pc += offsets[at];
                case JMP | JEQ | K -> { if (r[d] == imm) pc += offsets[at]; }
                case JMP | JEQ | X -> { if (r[d] == r[s]) pc += offsets[at]; }
                case JMP | JNE | K -> { if (r[d] != imm) pc += offsets[at]; }
                case JMP | JNE | X -> { if (r[d] != r[s]) pc += offsets[at]; }
                case JMP | JGT | K -> { if (Long.compareUnsigned(r[d], imm) > 0) pc += offsets[at]; }
                case JMP | JGT | X -> { if (Long.compareUnsigned(r[d], r[s]) > 0) pc += offsets[at]; }
                case JMP | JGE | K -> { if (Long.compareUnsigned(r[d], imm) >= 0) pc += offsets[at]; }
                case JMP | JGE | X -> { if (Long.compareUnsigned(r[d], r[s]) >= 0) pc += offsets[at]; }
                case JMP | JLT | K -> { if (Long.compareUnsigned(r[d], imm) < 0) pc += offsets[at]; }
                case JMP | JLT | X -> { if (Long.compareUnsigned(r[d], r[s]) < 0) pc += offsets[at]; }
                case JMP | JLE | K -> { if (Long.compareUnsigned(r[d], imm) <= 0) pc += offsets[at]; }
                case JMP | JLE | X -> { if (Long.compareUnsigned(r[d], r[s]) <= 0) pc += offsets[at]; }
                case JMP | JSET | K -> { if ((r[d] & imm) != 0) pc += offsets[at]; }
                case JMP | JSET | X -> { if ((r[d] & r[s]) != 0) pc += offsets[at]; }
                case JMP | JSGT | K -> { if (r[d] > imm) pc += offsets[at]; }
                case JMP | JSGT | X -> { if (r[d] > r[s]) pc += offsets[at]; }
                case JMP | JSGE | K -> { if (r[d] >= imm) pc += offsets[at]; }
                case JMP | JSGE | X -> { if (r[d] >= r[s]) pc += offsets[at]; }
                case JMP | JSLT | K -> { if (r[d] < imm) pc += offsets[at]; }
                case JMP | JSLT | X -> { if (r[d] < r[s]) pc += offsets[at]; }
                case JMP | JSLE | K -> { if (r[d] <= imm) pc += offsets[at]; }
                case JMP | JSLE | X -> { if (r[d] <= r[s]) pc += offsets[at]; }

                // ---------------- JMP32 (compare the low 32 bits)
                case JMP32 | JA -> pc += (int) imm; // gotol: 32-bit offset in imm
                case JMP32 | JEQ | K -> { if ((int) r[d] == (int) imm) pc += offsets[at]; }
                case JMP32 | JEQ | X -> { if ((int) r[d] == (int) r[s]) pc += offsets[at]; }
                case JMP32 | JNE | K -> { if ((int) r[d] != (int) imm) pc += offsets[at]; }
                case JMP32 | JNE | X -> { if ((int) r[d] != (int) r[s]) pc += offsets[at]; }
                case JMP32 | JGT | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm) > 0) pc += offsets[at]; }
                case JMP32 | JGT | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[s]) > 0) pc += offsets[at]; }
                case JMP32 | JGE | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm) >= 0) pc += offsets[at]; }
                case JMP32 | JGE | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[s]) >= 0) pc += offsets[at]; }
                case JMP32 | JLT | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm) < 0) pc += offsets[at]; }
                case JMP32 | JLT | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[s]) < 0) pc += offsets[at]; }
                case JMP32 | JLE | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm) <= 0) pc += offsets[at]; }
                case JMP32 | JLE | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[s]) <= 0) pc += offsets[at]; }
                case JMP32 | JSET | K -> { if (((int) r[d] & (int) imm) != 0) pc += offsets[at]; }
                case JMP32 | JSET | X -> { if (((int) r[d] & (int) r[s]) != 0) pc += offsets[at]; }
                case JMP32 | JSGT | K -> { if ((int) r[d] > (int) imm) pc += offsets[at]; }
                case JMP32 | JSGT | X -> { if ((int) r[d] > (int) r[s]) pc += offsets[at]; }
                case JMP32 | JSGE | K -> { if ((int) r[d] >= (int) imm) pc += offsets[at]; }
                case JMP32 | JSGE | X -> { if ((int) r[d] >= (int) r[s]) pc += offsets[at]; }
                case JMP32 | JSLT | K -> { if ((int) r[d] < (int) imm) pc += offsets[at]; }
                case JMP32 | JSLT | X -> { if ((int) r[d] < (int) r[s]) pc += offsets[at]; }
                case JMP32 | JSLE | K -> { if ((int) r[d] <= (int) imm) pc += offsets[at]; }
                case JMP32 | JSLE | X -> { if ((int) r[d] <= (int) r[s]) pc += offsets[at]; }

                // ---------------- calls and exit
                case CALL_IMM -> {
                    if (s == CALL_LOCAL) {
                        frameProgram[depth] = program;
                        depth = pushFrame(at, depth, r, savedRegisters, returnPc, execution, pc);
                        pc = at + (int) imm + 1;
                    } else {
                        execution.remaining = remaining;
                        execution.depth = depth;
                        r[0] = callHelper(program.helperAt[at], at, r, execution);
                        remaining = execution.remaining;
                    }
                }
                case TAIL_CALL -> {
                    execution.pc = at;
                    Interpreter target = execution.tailCallTarget(r[2], r[3]);
                    if (target == null) {
                        r[0] = -2; // -ENOENT: Linux goes on with the next instruction
                    } else {
                        if (baseDepth != 0 && execution.callbacks > 0) {
                            throw new ProgramFault(at, "tail call from a callback is not supported");
                        }
                        // The target replaces this program (in a subprogram: this frame's program,
                        // whose caller gets the target's r0): same frame, same context in r1.
                        program = target;
                        opcodes = target.opcodes;
                        dsts = target.dsts;
                        srcs = target.srcs;
                        offsets = target.offsets;
                        imms = target.imms;
                        end = opcodes.length;
                        maps = execution.mapBindings(target);
                        long ctx = r[1];
                        java.util.Arrays.fill(r, 0);
                        r[1] = ctx;
                        r[FRAME_POINTER] = execution.frameTopOf(depth);
                        pc = 0;
                    }
                }
                case CALLX -> {
                    long target = r[d];
                    if ((target & CODE_ADDRESS_TAG) == CODE_ADDRESS_TAG) {
                        int fn = (int) target;
                        if (fn < 0 || fn >= end || opcodes[fn] == -1) {
                            throw new ProgramFault(at, String.format("callx to 0x%x, which is not an instruction", target));
                        }
                        frameProgram[depth] = program;
                        depth = pushFrame(at, depth, r, savedRegisters, returnPc, execution, pc);
                        pc = fn;
                    } else {
                        HelperFunction helper = target >= 0 && target <= Integer.MAX_VALUE
                                ? program.helpers.find((int) target).map(Helper::function).orElse(null) : null;
                        if (helper == null) {
                            throw new ProgramFault(at, "callx r" + d + " = " + target
                                    + " is neither a function address nor a registered helper id");
                        }
                        execution.remaining = remaining;
                        execution.depth = depth;
                        r[0] = callHelper(helper, at, r, execution);
                        remaining = execution.remaining;
                    }
                }
                case EXIT_OP -> {
                    if (depth == baseDepth) {
                        if (before != null) {
                            tracer.executed(at, before, r);
                        }
                        execution.remaining = remaining;
                        return r[0];
                    }
                    depth--;
                    int base = depth * 4;
                    r[6] = savedRegisters[base];
                    r[7] = savedRegisters[base + 1];
                    r[8] = savedRegisters[base + 2];
                    r[9] = savedRegisters[base + 3];
                    r[FRAME_POINTER] = execution.frameTopOf(depth);
                    pc = returnPc[depth];
                    if (frameProgram[depth] != program) {
                        // the frame returned from ran a tail-called program: back to the caller's
                        program = frameProgram[depth];
                        opcodes = program.opcodes;
                        dsts = program.dsts;
                        srcs = program.srcs;
                        offsets = program.offsets;
                        imms = program.imms;
                        end = opcodes.length;
                        maps = execution.mapBindings(program);
                    }
                }

                // ---------------- 64-bit immediate
                case LDDW -> {
                    r[d] = imm;
                    pc++;
                }
                case LDDW_MAP -> {
                    r[d] = maps[2 * (int) imm];
                    pc++;
                }
                case LDDW_MAP_VALUE -> {
                    r[d] = maps[2 * (int) imm + 1] + (imm >>> 32);
                    pc++;
                }

                // ---------------- loads
                case LDX | MEM | B -> r[d] = memory.load(r[s] + offsets[at], 1, at);
                case LDX | MEM | H -> r[d] = memory.load(r[s] + offsets[at], 2, at);
                case LDX | MEM | W -> r[d] = memory.load(r[s] + offsets[at], 4, at);
                case LDX | MEM | DW -> r[d] = memory.load(r[s] + offsets[at], 8, at);
                case LDX | MEMSX | B -> r[d] = (byte) memory.load(r[s] + offsets[at], 1, at);
                case LDX | MEMSX | H -> r[d] = (short) memory.load(r[s] + offsets[at], 2, at);
                case LDX | MEMSX | W -> r[d] = (int) memory.load(r[s] + offsets[at], 4, at);

                // ---------------- stores
                case ST | MEM | B -> memory.store(r[d] + offsets[at], 1, imm, at);
                case ST | MEM | H -> memory.store(r[d] + offsets[at], 2, imm, at);
                case ST | MEM | W -> memory.store(r[d] + offsets[at], 4, imm, at);
                case ST | MEM | DW -> memory.store(r[d] + offsets[at], 8, imm, at);
                case STX | MEM | B -> memory.store(r[d] + offsets[at], 1, r[s], at);
                case STX | MEM | H -> memory.store(r[d] + offsets[at], 2, r[s], at);
                case STX | MEM | W -> memory.store(r[d] + offsets[at], 4, r[s], at);
                case STX | MEM | DW -> memory.store(r[d] + offsets[at], 8, r[s], at);

                // ---------------- atomics
                case STX | ATOMIC | W -> atomic(memory, r, r[d] + offsets[at], 4, s, (int) imm, at);
                case STX | ATOMIC | DW -> atomic(memory, r, r[d] + offsets[at], 8, s, (int) imm, at);

                // ---------------- legacy packet loads: out of bounds ends the program with 0
                case LD | ABS | B, LD | ABS | H, LD | ABS | W, LD | IND | B, LD | IND | H, LD | IND | W -> {
                    int size = sizeInBytes(io.bpf4j.isa.Opcodes.size(opcodes[at]));
                    long offset = mode(opcodes[at]) == IND ? (int) (r[s] + imm) : imm;
                    long packetAddress = execution.packetAddress;
                    if (packetAddress == 0 || offset < 0 || offset > execution.packetLength - size) {
                        if (before != null) {
                            r[0] = 0;
                            tracer.executed(at, before, r);
                        }
                        return 0; // Linux ends the program with 0 on an out-of-bounds legacy load
                    }
                    long value = memory.load(packetAddress + offset, size, at);
                    r[0] = size == 1 ? value : Semantics.byteSwap(value, size * 8); // network byte order
                }
                default -> throw new ProgramFault(at, String.format("opcode 0x%02x cannot be executed", opcodes[at]));
            }
            if (before != null) {
                tracer.executed(at, before, r);
            }
        }
    }

    private static int pushFrame(int at, int depth, long[] r, long[] saved, int[] returnPc, Execution execution, int next) {
        if (depth + 1 >= MAX_FRAMES) {
            throw new ProgramFault(at, "call nests deeper than " + MAX_FRAMES + " frames");
        }
        int base = depth * 4;
        saved[base] = r[6];
        saved[base + 1] = r[7];
        saved[base + 2] = r[8];
        saved[base + 3] = r[9];
        returnPc[depth] = next;
        depth++;
        r[FRAME_POINTER] = execution.frameTopOf(depth);
        return depth;
    }

    private static long callHelper(HelperFunction helper, int at, long[] r, Execution execution) {
        execution.pc = at;
        return helper.call(r[1], r[2], r[3], r[4], r[5], execution);
    }

    private static void atomic(Memory memory, long[] r, long address, int size, int s, int operation, int at) {
        long operand = r[s];
        long old = switch (operation & ~ATOMIC_FETCH) {
            case ADD -> memory.atomic(Memory.AtomicOp.ADD, address, size, operand, at);
            case OR -> memory.atomic(Memory.AtomicOp.OR, address, size, operand, at);
            case AND -> memory.atomic(Memory.AtomicOp.AND, address, size, operand, at);
            case XOR -> memory.atomic(Memory.AtomicOp.XOR, address, size, operand, at);
            case ATOMIC_XCHG & ~ATOMIC_FETCH -> memory.atomic(Memory.AtomicOp.EXCHANGE, address, size, operand, at);
            case ATOMIC_CMPXCHG & ~ATOMIC_FETCH -> {
                r[0] = memory.atomicCompareExchange(address, size, r[0], operand, at);
                yield 0;
            }
            default -> throw new ProgramFault(at, "unknown atomic operation " + operation);
        };
        if (operation == ATOMIC_CMPXCHG) {
            return;
        }
        if ((operation & ATOMIC_FETCH) != 0) {
            r[s] = old; // for 32-bit operations `old` is already zero-extended
        }
    }

    // ---------------------------------------------------------------- DecodedProgram, for the compiler

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return opcodes.length;
    }

    @Override
    public int opcode(int pc) {
        return opcodes[pc];
    }

    @Override
    public int dst(int pc) {
        return dsts[pc];
    }

    @Override
    public int src(int pc) {
        return srcs[pc];
    }

    @Override
    public int offset(int pc) {
        return offsets[pc];
    }

    @Override
    public long imm(int pc) {
        return imms[pc];
    }

    @Override
    public HelperFunction helperAt(int pc) {
        return helperAt[pc];
    }

    @Override
    public HelperFunction helper(long id) {
        return id >= 0 && id <= Integer.MAX_VALUE ? helpers.find((int) id).map(Helper::function).orElse(null) : null;
    }

    @Override
    public long instructionBudget() {
        return instructionBudget;
    }

    @Override
    public BitSet provenSafeAccesses() {
        return (BitSet) provenSafe.clone();
    }

    @Override
    public BpfMap mapAt(int index) {
        return index >= 0 && index < maps.size() ? maps.get(index) : null;
    }

    @Override
    public boolean callsMapLookup(int pc) {
        return helperAt[pc] == MapHelpers.LOOKUP;
    }
}
