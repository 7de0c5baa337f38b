package io.bpf4j.compiler.internal;

import static io.bpf4j.isa.Opcodes.*;
import static java.lang.constant.ConstantDescs.*;

import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperFunction;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.Semantics;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.spi.ContextFields;
import io.bpf4j.runtime.spi.DecodedProgram;
import io.bpf4j.runtime.spi.EngineRun;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one {@link DecodedProgram} into the bytes of a class implementing
 * {@link CompiledCode}: each function of the program (instruction 0, every local-call and
 * callback target) becomes a static method whose locals are the registers, so HotSpot keeps them
 * in machine registers. Helpers and the program itself are constants of the class (its class
 * data), so helper calls are calls on a constant receiver that HotSpot can inline.
 *
 * <p>The code keeps the interpreter's semantics exactly: the same {@link Semantics} methods for
 * the arithmetic Java does not have, the same {@link Memory} checks for every access that needs
 * one, the same faults. Accesses skip checks only where they cannot fail: at constant offsets of
 * r10 inside the frame ({@link RegionBindings}), or where a verifier proved them safe and the run
 * is one its proof applies to. A 4-byte load of a field of the runtime's own context, with the
 * context pointer itself as base, reads the field directly ({@link RegionBindings}): the value
 * the checked path would return, the same in every run that has such a context. Array-map lookups a call site names run inline ({@link MapLookups}). The instruction budget, when there is one, is charged once per basic block; blocks end
 * at every instruction that can fault, so a run stops at the very instruction the interpreter
 * stops at.
 */
final class ClassGenerator {
    static final ClassDesc CD_ENGINE_RUN = desc(EngineRun.class);
    static final ClassDesc CD_DECODED = desc(DecodedProgram.class);
    static final ClassDesc CD_MEMORY = desc(Memory.class);
    static final ClassDesc CD_HELPER = desc(HelperFunction.class);
    static final ClassDesc CD_HELPER_CONTEXT = desc(HelperContext.class);
    static final ClassDesc CD_SEMANTICS = desc(Semantics.class);
    static final ClassDesc CD_SUPPORT = desc(CompiledSupport.class);
    static final ClassDesc CD_FAULT = desc(ProgramFault.class);
    static final ClassDesc CD_ATOMIC_OP = desc(Memory.AtomicOp.class);
    static final ClassDesc CD_EXIT = desc(CompiledSupport.LegacyLoadExit.class);
    static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    static final ClassDesc CD_CONTEXT_FIELDS = desc(ContextFields.class);

    /** (run, maps, depth, r0..r9) -> r0 */
    static final MethodTypeDesc MTD_FUNCTION;

    static {
        List<ClassDesc> params = new ArrayList<>(List.of(CD_ENGINE_RUN, CD_LONG_ARRAY, CD_int));
        for (int i = 0; i < 10; i++) {
            params.add(CD_long);
        }
        MTD_FUNCTION = MethodTypeDesc.of(CD_long, params);
    }

    /** HotSpot compiles no method with more bytecode than this (-XX:HugeMethodLimit). */
    static final int HUGE_METHOD_LIMIT = 8000;
    /** Estimated bytecode per chunk of a split function: well under the limit, estimates are rough. */
    static final int CHUNK_BUDGET = 12000;

    /** Bytecode estimate per chunk; 0 means split only functions too large for HotSpot. */
    private final int forcedChunkBudget;

    // Local variable slots of the method being generated: a function method or a chunk of one.
    private int slotRun, slotMaps, slotDepth, slotR0, slotR10, slotMemory, slotRem, slotTmpRef;
    /** Whether this run may skip the checks of proven-safe accesses (int 0 or 1); set at method entry. */
    private int slotProven;
    /** Scratch longs of an access: its address and its offset in the region's segment. */
    private int slotAddr, slotOff;
    /**
     * The byte-array cache of loads: the region id (a long; -1 when empty) whose
     * {@link Memory#byteArrayOf byte[]} (or null: the region has none) is in the other slot.
     * Valid until a call or helper runs, which may replace a region's segment.
     */
    private int slotCacheId, slotCacheArray;
    /** The function's own stack frame segment, or null (see {@link RegionBindings}); set when {@link #bindFrame}. */
    private int slotFrame;
    /** The packet's region id (a long; -1 for none) and byte[] (see {@link RegionBindings}); set when {@link #bindPacket}. */
    private int slotPacketId, slotPacketArray;
    /**
     * The run's {@link ContextFields} (or null: context loads take the checked path) and its
     * address (0 when none); see {@link RegionBindings}; set when {@link #bindContext}.
     */
    private int slotCtxFields, slotCtxAddress;
    /** Whether the method being generated binds its frame, the packet, the context. */
    private boolean bindFrame, bindPacket, bindContext;
    /** Chunk methods only: the register array, the next (chunk, pc), -1 elsewhere. */
    private int slotRegs = -1, slotNext = -1;
    /** The instruction index held in local {@link #slotPcBase} by the method being generated. */
    private int pcBase;
    private int slotPcBase;
    /** Labels of the instructions in the method being generated; null for those in other chunks. */
    private Label[] labels;
    /** Instruction index of {@code labels[0]}. */
    private int labelBase;
    /** Chunk methods: where control leaving the chunk goes (registers spilled, next returned). */
    private Label spill;
    /** Chunk methods: the chunk of each instruction of the function. */
    private int[] chunkOf;
    /** Out-of-chunk branch targets: a label per target, emitted after the body. */
    private Map<Integer, Label> exits;
    /** Functions split into chunks (too large for one method HotSpot compiles). */
    private final BitSet split = new BitSet();

    private final DecodedProgram program;
    private final ProgramShape shape;
    private final RegionBindings regions;
    private final MapLookups mapLookups;
    private final ClassDesc thisClass;
    private final boolean budgeted;
    private final long budget;
    /** Accesses the verifier proved safe: unchecked in runs where the proof applies (a flag checked at run time). */
    private final BitSet provenSafe;
    /** Accesses tests assume safe ({@link BytecodeCompilerService#assumingProvenSafe}): unchecked in every run. */
    private final BitSet assumedSafe;
    /** Class data: the program at 0, then each distinct helper. */
    private final List<Object> classData = new ArrayList<>();
    private final Map<HelperFunction, Integer> helperIndex = new IdentityHashMap<>();
    /** Functions some call or callback may enter: they leave r1-r5 for their caller. */
    private final BitSet called = new BitSet();
    /** Constant-pool slots program constants may take; well under 65535, leaving room for the rest. */
    static final int POOLED_CONSTANT_SLOTS = 30_000;
    /** Program constants in the constant pool (Long and Integer values), and the slots they take. */
    private final java.util.Set<Object> pooledConstants = new java.util.HashSet<>();
    private int pooledConstantSlots;
    /** The constant table of the method being generated (value to index), or null; its class-data index. */
    private Map<Long, Integer> methodConstants;
    private int methodConstantsIndex;
    /** Whether the program has a {@code callx}: only then is the callx dispatch method generated. */
    private boolean hasCallx;

    ClassGenerator(DecodedProgram program, String className) {
        this(program, className, 0);
    }

    /**
     * @param forcedChunkBudget if positive, split every function into chunks of about this many
     *     bytes of bytecode (for tests of splitting on small programs)
     */
    ClassGenerator(DecodedProgram program, String className, int forcedChunkBudget) {
        this.forcedChunkBudget = forcedChunkBudget;
        this.program = program;
        this.shape = new ProgramShape(program);
        this.regions = new RegionBindings(program, shape);
        this.mapLookups = new MapLookups(program, shape);
        this.thisClass = ClassDesc.of(className);
        this.budget = program.instructionBudget();
        this.budgeted = budget > 0;
        this.provenSafe = program.provenSafeAccesses();
        BitSet assumed = BytecodeCompilerService.assumedSafe();
        this.assumedSafe = assumed == null ? new BitSet() : (BitSet) assumed.clone();
        provenSafe.andNot(assumedSafe);
        classData.add(program);
        for (int f : shape.functions) {
            if (f != 0) {
                called.set(f);
            }
        }
        for (int pc = 0; pc < shape.size; pc++) {
            int op = program.opcode(pc);
            if (op == CALL_IMM && program.src(pc) == CALL_LOCAL && program.imm(pc) + pc + 1 == 0) {
                called.set(0);
            }
            if (op == LDDW && program.src(pc) == PSEUDO_FUNC && program.imm(pc) == 0) {
                called.set(0);
            }
            if (op == CALLX) {
                called.set(0);
                hasCallx = true;
            }
        }
    }

    private static ClassDesc desc(Class<?> c) {
        return c.describeConstable().orElseThrow();
    }

    /** What the class needs at run time: pass to {@code defineHiddenClassWithClassData}. */
    List<Object> classData() {
        return List.copyOf(classData);
    }

    byte[] generate() {
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(
                        ClassHierarchyResolver.ofClassLoading(ClassGenerator.class.getClassLoader()))));
        return cf.build(thisClass, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(desc(CompiledCode.class));
            clb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            for (int f : shape.functions) {
                if (tooLarge(f)) {
                    split.set(f);
                    splitFunction(clb, f);
                } else {
                    clb.withMethodBody("f" + f, MTD_FUNCTION, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                            cb -> function(cb, f));
                }
            }
            runMethod(clb);
            callMethod(clb);
            if (hasCallx) {
                callxMethod(clb);
            }
        });
    }

    // ------------------------------------------------------------------ entry points

    private ConstantDesc programConstant() {
        return DynamicConstantDesc.ofNamed(BSM_CLASS_DATA_AT, DEFAULT_NAME, CD_DECODED, 0);
    }

    private ConstantDesc chunkStartsConstant(int[] starts) {
        classData.add(starts);
        return DynamicConstantDesc.ofNamed(BSM_CLASS_DATA_AT, DEFAULT_NAME, CD_int.arrayType(), classData.size() - 1);
    }

    private ConstantDesc helperConstant(HelperFunction helper) {
        int index = helperIndex.computeIfAbsent(helper, h -> {
            classData.add(h);
            return classData.size() - 1;
        });
        return DynamicConstantDesc.ofNamed(BSM_CLASS_DATA_AT, DEFAULT_NAME, CD_HELPER, index);
    }

    private void loadBindings(CodeBuilder cb, int runSlot) {
        cb.aload(runSlot).loadConstant(programConstant())
                .invokeinterface(CD_ENGINE_RUN, "mapBindings", MethodTypeDesc.of(CD_LONG_ARRAY, CD_DECODED));
    }

    /** {@code long run(EngineRun run, long r1, long r2)}: function 0 in frame 0. */
    private void runMethod(ClassBuilder clb) {
        clb.withMethodBody("run", MethodTypeDesc.of(CD_long, CD_ENGINE_RUN, CD_long, CD_long), ClassFile.ACC_PUBLIC, cb -> {
            Label start = cb.newLabel(), end = cb.newLabel(), handler = cb.newLabel();
            cb.labelBinding(start);
            cb.aload(1);
            loadBindings(cb, 1);
            cb.iconst_0().lconst_0().lload(2).lload(4);
            for (int i = 3; i <= 9; i++) {
                cb.lconst_0();
            }
            cb.invokestatic(thisClass, "f0", MTD_FUNCTION).lreturn();
            cb.labelBinding(end);
            cb.labelBinding(handler);
            cb.pop().lconst_0().lreturn();
            cb.exceptionCatch(start, end, handler, CD_EXIT);
        });
    }

    /** {@code long call(EngineRun run, int pc, int depth, long r1..r5)}: a callback into a function. */
    private void callMethod(ClassBuilder clb) {
        MethodTypeDesc type = MethodTypeDesc.of(CD_long, CD_ENGINE_RUN, CD_int, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long);
        clb.withMethodBody("call", type, ClassFile.ACC_PUBLIC, cb -> {
            int maps = 14;
            Label start = cb.newLabel(), end = cb.newLabel(), handler = cb.newLabel(), other = cb.newLabel();
            cb.labelBinding(start);
            loadBindings(cb, 1);
            cb.astore(maps);
            List<SwitchCase> cases = new ArrayList<>();
            Map<Integer, Label> labels = new java.util.TreeMap<>();
            for (int f : shape.functions) {
                Label l = cb.newLabel();
                labels.put(f, l);
                cases.add(SwitchCase.of(f, l));
            }
            cb.iload(2).lookupswitch(other, cases);
            for (var e : labels.entrySet()) {
                cb.labelBinding(e.getValue());
                cb.aload(1).aload(maps).iload(3).lconst_0();
                for (int i = 0; i < 5; i++) {
                    cb.lload(4 + 2 * i);
                }
                for (int i = 6; i <= 9; i++) {
                    cb.lconst_0();
                }
                cb.invokestatic(thisClass, "f" + e.getKey(), MTD_FUNCTION).lreturn();
            }
            cb.labelBinding(other);
            cb.aload(1).iload(2).iload(3);
            for (int i = 0; i < 5; i++) {
                cb.lload(4 + 2 * i);
            }
            cb.invokeinterface(CD_ENGINE_RUN, "interpretFunction",
                    MethodTypeDesc.of(CD_long, CD_int, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long)).lreturn();
            cb.labelBinding(end);
            cb.labelBinding(handler);
            cb.pop().lconst_0().lreturn();
            cb.exceptionCatch(start, end, handler, CD_EXIT);
        });
    }

    /** (run, maps, depth, pc, dst, target, r0..r9) -> r0 */
    private static final MethodTypeDesc MTD_CALLX;

    static {
        List<ClassDesc> params = new ArrayList<>(List.of(CD_ENGINE_RUN, CD_LONG_ARRAY, CD_int, CD_int, CD_int, CD_long));
        for (int i = 0; i < 10; i++) {
            params.add(CD_long);
        }
        MTD_CALLX = MethodTypeDesc.of(CD_long, params);
    }

    /** {@code callx rX}: to a known function, to another instruction (interpreted), or to a helper id. */
    private void callxMethod(ClassBuilder clb) {
        clb.withMethodBody("callx", MTD_CALLX, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE, cb -> {
            final int run = 0, maps = 1, depth = 2, pc = 3, dst = 4, target = 5, r0 = 7;
            Label helper = cb.newLabel(), other = cb.newLabel();
            cb.lload(target).loadConstant(DecodedProgram.CODE_ADDRESS_TAG).land()
                    .loadConstant(DecodedProgram.CODE_ADDRESS_TAG).lcmp().ifne(helper);
            List<SwitchCase> cases = new ArrayList<>();
            Map<Integer, Label> labels = new java.util.TreeMap<>();
            for (int f : shape.functions) {
                Label l = cb.newLabel();
                labels.put(f, l);
                cases.add(SwitchCase.of(f, l));
            }
            cb.lload(target).l2i().lookupswitch(other, cases);
            for (var e : labels.entrySet()) {
                cb.labelBinding(e.getValue());
                Label ok = cb.newLabel();
                cb.iload(depth).iconst_1().iadd().loadConstant(DecodedProgram.MAX_FRAMES).if_icmplt(ok);
                cb.iload(pc).invokestatic(CD_SUPPORT, "callTooDeep", MethodTypeDesc.of(CD_FAULT, CD_int)).athrow();
                cb.labelBinding(ok);
                cb.aload(run).aload(maps).iload(depth).iconst_1().iadd();
                for (int i = 0; i < 10; i++) {
                    cb.lload(r0 + 2 * i);
                }
                cb.invokestatic(thisClass, "f" + e.getKey(), MTD_FUNCTION).lreturn();
            }
            cb.labelBinding(other);
            cb.loadConstant(programConstant()).aload(run).iload(pc).iload(depth).lload(target);
            for (int i = 1; i <= 5; i++) {
                cb.lload(r0 + 2 * i);
            }
            cb.invokestatic(CD_SUPPORT, "callxInterpreted", MethodTypeDesc.of(CD_long, CD_DECODED, CD_ENGINE_RUN,
                    CD_int, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long)).lreturn();
            cb.labelBinding(helper);
            cb.loadConstant(programConstant()).aload(run).iload(pc).iload(depth).iload(dst).lload(target);
            for (int i = 1; i <= 5; i++) {
                cb.lload(r0 + 2 * i);
            }
            cb.invokestatic(CD_SUPPORT, "callxHelper", MethodTypeDesc.of(CD_long, CD_DECODED, CD_ENGINE_RUN,
                    CD_int, CD_int, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long)).lreturn();
        });
    }

    // ------------------------------------------------------------------ functions

    private int reg(int r) {
        return r == FRAME_POINTER ? slotR10 : slotR0 + 2 * r;
    }

    /** Slots of a function method: (run, maps, depth, r0..r9), then r10, memory, budget, scratch. */
    private void functionSlots() {
        slotRun = 0;
        slotMaps = 1;
        slotDepth = 2;
        slotR0 = 3;
        slotR10 = 23;
        slotMemory = 25;
        slotRem = 26;
        slotTmpRef = 28;
        slotPcBase = 29;
        slotProven = 30;
        slotAddr = 31;
        slotOff = 33;
        slotCacheId = 35;
        slotCacheArray = 37;
        slotFrame = 38;
        slotPacketId = 39;
        slotPacketArray = 41;
        slotCtxFields = 42;
        slotCtxAddress = 43;
        slotRegs = -1;
        slotNext = -1;
    }

    /** Slots of a chunk method: (run, maps, depth, regs, memory, pc), then r0..r10, budget, scratch, next. */
    private void chunkSlots() {
        slotRun = 0;
        slotMaps = 1;
        slotDepth = 2;
        slotRegs = 3;
        slotMemory = 4;
        slotR0 = 6;
        slotR10 = 26;
        slotRem = 28;
        slotTmpRef = 30;
        slotNext = 31;
        slotPcBase = 32;
        slotProven = 33;
        slotAddr = 34;
        slotOff = 36;
        slotCacheId = 38;
        slotCacheArray = 40;
        slotFrame = 41;
        slotPacketId = 42;
        slotPacketArray = 44;
        slotCtxFields = 45;
        slotCtxAddress = 46;
    }

    /** Empties the byte-array cache of loads: at method entry, and after anything that may replace a segment. */
    private void clearArrayCache(CodeBuilder cb) {
        cb.loadConstant(-1L).lstore(slotCacheId).aconst_null().astore(slotCacheArray);
    }

    /**
     * Decides which regions the method covering {@code [from, to)} of {@code instructions} binds
     * (see {@link RegionBindings}) and binds them; after {@link #provenFlag}.
     */
    private void bindRegions(CodeBuilder cb, BitSet instructions, int from, int to) {
        bindFrame = regions.bindsFrame(instructions, from, to);
        bindPacket = regions.bindsPacket(instructions, from, to, provenSafe);
        bindContext = regions.bindsContext(instructions, from, to, notContextLoads());
        if (bindContext) {
            // Once: a run's context, and where it is mapped, never change (calls need no rebinding).
            Label none = cb.newLabel(), bound = cb.newLabel();
            cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "contextFields", MethodTypeDesc.of(CD_CONTEXT_FIELDS))
                    .dup().astore(slotCtxFields).ifnull(none);
            cb.aload(slotCtxFields).invokeinterface(CD_CONTEXT_FIELDS, "address", MethodTypeDesc.of(CD_long))
                    .lstore(slotCtxAddress).goto_(bound);
            cb.labelBinding(none);
            cb.lconst_0().lstore(slotCtxAddress);
            cb.labelBinding(bound);
        }
        rebindRegions(cb);
    }

    /** Accesses that are no context loads whatever the run: proven or assumed safe (the verifier proves no context access). */
    private BitSet notContextLoads() {
        BitSet excluded = (BitSet) provenSafe.clone();
        excluded.or(assumedSafe);
        return excluded;
    }

    /** (Re)binds the method's regions: at entry, and after a call, which may have replaced a segment or moved a window. */
    private void rebindRegions(CodeBuilder cb) {
        if (bindFrame) {
            cb.aload(slotMemory).lload(slotR10).invokestatic(CD_SUPPORT, "frameSegment",
                    MethodTypeDesc.of(CD_SEGMENT, CD_MEMORY, CD_long)).astore(slotFrame);
        }
        if (bindPacket) {
            Label none = cb.newLabel(), bound = cb.newLabel();
            cb.iload(slotProven).ifeq(none);
            cb.aload(slotMemory).invokestatic(CD_SUPPORT, "byteArrayRegion", MethodTypeDesc.of(CD_long, CD_MEMORY))
                    .lstore(slotPacketId);
            cb.aload(slotMemory).lload(slotPacketId).loadConstant(Memory.REGION_SHIFT).lshl()
                    .invokevirtual(CD_MEMORY, "byteArrayOf", MethodTypeDesc.of(CD_byte.arrayType(), CD_long))
                    .astore(slotPacketArray).goto_(bound);
            cb.labelBinding(none);
            cb.loadConstant(-1L).lstore(slotPacketId).aconst_null().astore(slotPacketArray);
            cb.labelBinding(bound);
        }
    }

    /** Asks the run whether the verifier's proofs hold in it (see {@link EngineRun#provenSafeHolds}). */
    private void provenFlag(CodeBuilder cb, BitSet instructions, int from, int to) {
        BitSet here = instructions.get(from, to);
        BitSet proven = provenSafe.get(from, to);
        if (here.intersects(proven)) {
            cb.aload(slotRun).loadConstant(programConstant())
                    .invokeinterface(CD_ENGINE_RUN, "provenSafeHolds", MethodTypeDesc.of(CD_boolean, CD_DECODED))
                    .istore(slotProven);
        }
    }

    /** Sets the method's base instruction index (see {@link #pc}). */
    private void pcBase(CodeBuilder cb, int pc) {
        pcBase = pc;
        cb.loadConstant(pc).istore(slotPcBase);
    }

    /** (run, maps, depth, regs, memory, pc) -> the next instruction, or -1 when the function returned (r0 in regs[0]). */
    /** Chunks dispatched by one method (each case takes about 17 bytes of bytecode). */
    static final int GROUP = 256;
    /** (run, maps, depth, regs, memory, pc, chunk) -> the next instruction: a group's dispatcher. */
    static final MethodTypeDesc MTD_GROUP = MethodTypeDesc.of(CD_int, CD_ENGINE_RUN, CD_LONG_ARRAY, CD_int, CD_LONG_ARRAY, CD_MEMORY, CD_int, CD_int);
    static final MethodTypeDesc MTD_CHUNK = MethodTypeDesc.of(CD_int, CD_ENGINE_RUN, CD_LONG_ARRAY, CD_int, CD_LONG_ARRAY, CD_MEMORY, CD_int);

    private void function(CodeBuilder cb, int entry) {
        functionSlots();
        BitSet reach = shape.reachableFrom(entry);
        labelBase = reach.nextSetBit(0);
        labels = new Label[reach.length() - labelBase];
        for (int pc = reach.nextSetBit(0); pc >= 0; pc = reach.nextSetBit(pc + 1)) {
            labels[pc - labelBase] = cb.newLabel();
        }
        cb.aload(slotRun).iload(slotDepth).invokeinterface(CD_ENGINE_RUN, "frameTop", MethodTypeDesc.of(CD_long, CD_int)).lstore(slotR10);
        cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "memory", MethodTypeDesc.of(CD_MEMORY)).astore(slotMemory);
        provenFlag(cb, reach, 0, shape.size);
        clearArrayCache(cb);
        bindRegions(cb, reach, 0, shape.size);
        pcBase(cb, entry);
        budgetIn(cb);
        body(cb, reach, 0, shape.size, entry);
        finishMethodConstants();
    }

    /** Emits the instructions of {@code instructions} in {@code [from, to)}. */
    private void body(CodeBuilder cb, BitSet instructions, int from, int to, int entry) {
        for (int pc = instructions.nextSetBit(from); pc >= 0 && pc < to; pc = instructions.nextSetBit(pc + 1)) {
            cb.labelBinding(label(pc));
            if (budgeted && shape.leaders.get(pc)) {
                chargeBlock(cb, pc, shape.blockLength(pc));
            }
            boolean fallsThrough = instruction(cb, pc, entry);
            int op = program.opcode(pc);
            if (fallsThrough && (op == CALL_IMM || op == CALLX || op == DecodedProgram.TAIL_CALL)
                    && mapLookups.inlinedArray(pc) == null) {
                clearArrayCache(cb); // a helper or callee may have replaced a region's segment
                rebindRegions(cb);
            }
            int next = pc + (ProgramShape.isLddw(program.opcode(pc)) ? 2 : 1);
            if (fallsThrough && next >= shape.size) {
                int last = shape.size - 1;
                if (last > 0 && program.opcode(last) == -1) {
                    last--;
                }
                fault(cb, "ranPastEnd", last);
            } else if (fallsThrough && label(next) == null) {
                cb.goto_(exitTo(cb, next)); // the next instruction is in another chunk
            }
        }
    }

    /** Where to branch to reach instruction {@code pc}: its label, or (in a chunk) a way out to its chunk. */
    private Label target(CodeBuilder cb, int pc) {
        Label label = label(pc);
        return label != null ? label : exitTo(cb, pc);
    }

    private Label label(int pc) {
        int i = pc - labelBase;
        return i >= 0 && i < labels.length ? labels[i] : null;
    }

    private Label exitTo(CodeBuilder cb, int pc) {
        if (exits == null) {
            throw new IllegalStateException("instruction " + pc + " is outside the function");
        }
        return exits.computeIfAbsent(pc, p -> cb.newLabel());
    }

    /** Rough upper bound of the bytecode one instruction becomes, for splitting functions. */
    private int estimate(int pc) {
        int op = program.opcode(pc);
        int cls = op & 0x07;
        int size;
        if (op > 0xff || op == CALL_IMM || op == CALLX || op == EXIT_OP) {
            size = 150; // with the rebinding of regions after it
        } else if ((cls == LDX || cls == ST || cls == STX) && regions.isFrameAccess(pc)) {
            size = 50; // the frame's segment at a constant offset, or Memory's checks (RegionBindings)
        } else if (cls == LDX || cls == ST || cls == STX) {
            size = provenSafe.get(pc) ? 130 : 110; // both paths read through the byte[] cache
            if (regions.mayLoadContextField(pc)) {
                size += 30; // the context field's fast path
            }
        } else if (cls == LD) {
            size = 75;
        } else {
            size = 24;
        }
        if (shape.leaders.get(pc)) {
            size += (budgeted ? 28 : 0) + 8 + 12; // budget check, switch entry, way in or out
        }
        return size;
    }

    /** Whether a function is too large for one method HotSpot compiles (by estimate). */
    private boolean tooLarge(int entry) {
        if (forcedChunkBudget > 0) {
            return true;
        }
        long total = 0;
        BitSet reach = shape.reachableFrom(entry);
        for (int pc = reach.nextSetBit(0); pc >= 0; pc = reach.nextSetBit(pc + 1)) {
            total += estimate(pc) * 2L / 3; // estimates are upper bounds; most instructions need less
        }
        return total > HUGE_METHOD_LIMIT;
    }

    /**
     * A function too large for one method: its instructions are cut into chunks, each a method
     * that keeps the registers in locals and hands them over in an array when control moves to
     * another chunk. The function's method loops, calling the chunk that holds the next
     * instruction, so every method stays small enough for HotSpot to compile.
     */
    private void splitFunction(ClassBuilder clb, int entry) {
        BitSet reach = shape.reachableFrom(entry);
        int[] chunks = new int[shape.size];
        java.util.Arrays.fill(chunks, -1);
        List<int[]> members = new ArrayList<>(); // [first, end) of each chunk
        int used = 0;
        for (int pc = reach.nextSetBit(0); pc >= 0; pc = reach.nextSetBit(pc + 1)) {
            int cost = estimate(pc);
            // Cut only before a block leader, so that a chunk is entered only where blocks start.
            int budgetPerChunk = forcedChunkBudget > 0 ? forcedChunkBudget : CHUNK_BUDGET;
            if ((members.isEmpty() || used + cost > budgetPerChunk) && shape.leaders.get(pc)) {
                if (!members.isEmpty()) {
                    members.getLast()[1] = pc;
                }
                members.add(new int[] {pc, shape.size});
                used = 0;
            }
            chunks[pc] = members.size() - 1;
            used += cost;
        }
        chunkOf = chunks;
        int[] starts = members.stream().mapToInt(m -> m[0]).toArray();
        String prefix = "c" + entry + "_";
        for (int k = 0; k < members.size(); k++) {
            int[] range = members.get(k);
            clb.withMethodBody(prefix + k, MTD_CHUNK, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                    cb -> chunk(cb, reach, range[0], range[1], entry));
        }
        int chunkCount = members.size();
        for (int group = 0; chunkCount > GROUP && group * GROUP < chunkCount; group++) {
            int first = group * GROUP, last = Math.min(chunkCount, first + GROUP) - 1;
            clb.withMethodBody("g" + entry + "_" + group, MTD_GROUP, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE, cb -> {
                List<SwitchCase> switchCases = new ArrayList<>();
                List<Label> caseLabels = new ArrayList<>();
                for (int k = first; k <= last; k++) {
                    Label l = cb.newLabel();
                    caseLabels.add(l);
                    switchCases.add(SwitchCase.of(k, l));
                }
                Label bad = cb.newLabel();
                cb.iload(6).tableswitch(first, last, bad, switchCases);
                for (int k = first; k <= last; k++) {
                    cb.labelBinding(caseLabels.get(k - first));
                    cb.aload(0).aload(1).iload(2).aload(3).aload(4).iload(5)
                            .invokestatic(thisClass, prefix + k, MTD_CHUNK).ireturn();
                }
                cb.labelBinding(bad);
                cb.new_(desc(IllegalStateException.class)).dup()
                        .invokespecial(desc(IllegalStateException.class), INIT_NAME, MTD_void).athrow();
            });
        }
        clb.withMethodBody("f" + entry, MTD_FUNCTION, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE, cb -> {
            functionSlots();
            int regs = 30, next = 31, memory = 32, chunk = 33;
            cb.loadConstant(12).newarray(java.lang.classfile.TypeKind.LONG).astore(regs);
            for (int r = 0; r <= 9; r++) {
                cb.aload(regs).loadConstant(r).lload(slotR0 + 2 * r).lastore();
            }
            cb.aload(regs).loadConstant(10).aload(slotRun).iload(slotDepth)
                    .invokeinterface(CD_ENGINE_RUN, "frameTop", MethodTypeDesc.of(CD_long, CD_int)).lastore();
            if (budgeted) {
                cb.aload(regs).loadConstant(11).aload(slotRun)
                        .invokeinterface(CD_ENGINE_RUN, "remaining", MethodTypeDesc.of(CD_long)).lastore();
            }
            cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "memory", MethodTypeDesc.of(CD_MEMORY)).astore(memory);
            cb.loadConstant(entry).istore(next);
            Label loop = cb.newLabel(), done = cb.newLabel(), dispatch = cb.newLabel();
            cb.labelBinding(loop);
            cb.iload(next).iflt(done);
            cb.loadConstant(chunkStartsConstant(starts)).iload(next)
                    .invokestatic(CD_SUPPORT, "chunkOf", MethodTypeDesc.of(CD_int, CD_int.arrayType(), CD_int)).istore(chunk);
            // One tableswitch over every chunk would itself grow past the limit for huge functions:
            // up to GROUP chunks are dispatched here, more through one method per group of GROUP.
            boolean grouped = chunkCount > GROUP;
            int cases = grouped ? (chunkCount + GROUP - 1) / GROUP : chunkCount;
            List<SwitchCase> switchCases = new ArrayList<>();
            List<Label> caseLabels = new ArrayList<>();
            for (int k = 0; k < cases; k++) {
                Label l = cb.newLabel();
                caseLabels.add(l);
                switchCases.add(SwitchCase.of(k, l));
            }
            cb.iload(chunk);
            if (grouped) {
                cb.loadConstant(GROUP).idiv();
            }
            cb.tableswitch(0, cases - 1, dispatch, switchCases);
            for (int k = 0; k < cases; k++) {
                cb.labelBinding(caseLabels.get(k));
                cb.aload(slotRun).aload(slotMaps).iload(slotDepth).aload(regs).aload(memory).iload(next);
                if (grouped) {
                    cb.iload(chunk).invokestatic(thisClass, "g" + entry + "_" + k, MTD_GROUP);
                } else {
                    cb.invokestatic(thisClass, prefix + k, MTD_CHUNK);
                }
                cb.istore(next).goto_(loop);
            }
            cb.labelBinding(dispatch);
            cb.new_(desc(IllegalStateException.class)).dup().invokespecial(desc(IllegalStateException.class), INIT_NAME, MTD_void).athrow();
            cb.labelBinding(done);
            cb.aload(regs).iconst_0().laload().lreturn();
        });
    }

    private void chunk(CodeBuilder cb, BitSet reach, int from, int to, int entry) {
        chunkSlots();
        labels = new Label[to - from];
        labelBase = from;
        exits = new java.util.TreeMap<>();
        spill = cb.newLabel();
        for (int pc = reach.nextSetBit(from); pc >= 0 && pc < to; pc = reach.nextSetBit(pc + 1)) {
            labels[pc - from] = cb.newLabel();
        }
        for (int r = 0; r <= 10; r++) {
            cb.aload(slotRegs).loadConstant(r).laload().lstore(reg(r));
        }
        if (budgeted) {
            cb.aload(slotRegs).loadConstant(11).laload().lstore(slotRem);
        }
        provenFlag(cb, reach, from, to);
        clearArrayCache(cb);
        bindRegions(cb, reach, from, to);
        pcBase(cb, from);
        // Enter where the dispatcher says: any block leader of this chunk.
        List<SwitchCase> cases = new ArrayList<>();
        for (int pc = reach.nextSetBit(from); pc >= 0 && pc < to; pc = reach.nextSetBit(pc + 1)) {
            if (shape.leaders.get(pc) || pc == from) {
                cases.add(SwitchCase.of(pc, label(pc)));
            }
        }
        Label bad = cb.newLabel();
        cb.iload(5).lookupswitch(bad, cases);
        body(cb, reach, from, to, entry);
        for (var e : exits.entrySet()) {
            cb.labelBinding(e.getValue());
            pc(cb, e.getKey()).istore(slotNext).goto_(spill);
        }
        cb.labelBinding(spill);
        for (int r = 0; r <= 10; r++) {
            cb.aload(slotRegs).loadConstant(r).lload(reg(r)).lastore();
        }
        if (budgeted) {
            cb.aload(slotRegs).loadConstant(11).lload(slotRem).lastore();
        }
        cb.iload(slotNext).ireturn();
        cb.labelBinding(bad);
        cb.new_(desc(IllegalStateException.class)).dup().invokespecial(desc(IllegalStateException.class), INIT_NAME, MTD_void).athrow();
        finishMethodConstants();
        exits = null;
        spill = null;
    }

    /** Returns {@code r0} from the function: from its method, or from a chunk through the register array. */
    private void returnR0(CodeBuilder cb) {
        if (slotRegs < 0) {
            cb.lload(reg(0)).lreturn();
        } else {
            cb.aload(slotRegs).iconst_0().lload(reg(0)).lastore();
            cb.iconst_m1().ireturn();
        }
    }

    /**
     * Pushes an instruction index. Indices above 32767 would each take a constant-pool entry (a
     * class has at most 65535), so they are built from the method's base index in a local.
     */
    private CodeBuilder pc(CodeBuilder cb, int pc) {
        int delta = pc - pcBase;
        if (pc <= Short.MAX_VALUE || delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            return cb.loadConstant(pc);
        }
        return cb.iload(slotPcBase).loadConstant(delta).iadd();
    }

    private void fault(CodeBuilder cb, String name, int pc) {
        pc(cb, pc).invokestatic(CD_SUPPORT, name, MethodTypeDesc.of(CD_FAULT, CD_int)).athrow();
    }

    private void budgetIn(CodeBuilder cb) {
        if (budgeted) {
            cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "remaining", MethodTypeDesc.of(CD_long)).lstore(slotRem);
        }
    }

    private void budgetOut(CodeBuilder cb) {
        if (budgeted) {
            cb.aload(slotRun).lload(slotRem).invokeinterface(CD_ENGINE_RUN, "remaining", MethodTypeDesc.of(CD_void, CD_long));
        }
    }

    /** Charges a block of {@code length} instructions; if fewer remain, faults where the interpreter would. */
    private void chargeBlock(CodeBuilder cb, int pc, int length) {
        Label ok = cb.newLabel();
        constant(cb.lload(slotRem), length).lcmp().ifge(ok);
        pc(cb, pc).lload(slotRem).l2i().iadd().loadConstant(budget)
                .invokestatic(CD_SUPPORT, "budgetExhausted", MethodTypeDesc.of(CD_FAULT, CD_int, CD_long)).athrow();
        cb.labelBinding(ok);
        constant(cb.lload(slotRem), length).lsub().lstore(slotRem);
    }

    /**
     * Pushes a long constant of the program. Values in 16-bit range are built inline; others take
     * two constant-pool entries each, and a class has at most 65535, so once the class holds
     * {@link #POOLED_CONSTANT_SLOTS} worth of them, the rest come from a table of the method
     * being generated (a {@code long[]} of the class data).
     */
    private CodeBuilder constant(CodeBuilder cb, long value) {
        if (value == 0 || value == 1) {
            return cb.loadConstant(value);
        }
        if (value == (short) value) {
            return cb.loadConstant((int) value).i2l();
        }
        return pooled(value, 2) ? cb.loadConstant(value) : tableConstant(cb, value);
    }

    /** {@link #constant(CodeBuilder, long)} for an int: one constant-pool entry, or the method's table. */
    private CodeBuilder constant32(CodeBuilder cb, int value) {
        if (value == (short) value) {
            return cb.loadConstant(value);
        }
        return pooled(value, 1) ? cb.loadConstant(value) : tableConstant(cb, value).l2i();
    }

    /** Whether {@code value} (a Long or an Integer) is, or may now be put, in the constant pool. */
    private boolean pooled(Object value, int slots) {
        if (pooledConstants.contains(value)) {
            return true;
        }
        if (pooledConstantSlots + slots > POOLED_CONSTANT_SLOTS) {
            return false;
        }
        pooledConstants.add(value);
        pooledConstantSlots += slots;
        return true;
    }

    /** Pushes {@code value} from the constant table of the method being generated, creating it on first use. */
    private CodeBuilder tableConstant(CodeBuilder cb, long value) {
        if (methodConstants == null) {
            methodConstants = new java.util.HashMap<>();
            methodConstantsIndex = classData.size();
            classData.add(new long[0]); // filled by finishMethodConstants
        }
        int index = methodConstants.computeIfAbsent(value, v -> methodConstants.size());
        return cb.loadConstant(DynamicConstantDesc.ofNamed(BSM_CLASS_DATA_AT, DEFAULT_NAME, CD_LONG_ARRAY, methodConstantsIndex))
                .loadConstant(index).laload();
    }

    /** Ends the method being generated: its constant table, if it has one, goes into the class data. */
    private void finishMethodConstants() {
        if (methodConstants != null) {
            long[] table = new long[methodConstants.size()];
            methodConstants.forEach((value, index) -> table[index] = value);
            classData.set(methodConstantsIndex, table);
            methodConstants = null;
        }
    }

    /** Pushes the second operand of an ALU or jump instruction as a long: imm or src. */
    private void operand64(CodeBuilder cb, int pc) {
        if ((program.opcode(pc) & X) != 0) {
            cb.lload(reg(program.src(pc)));
        } else {
            constant(cb, program.imm(pc));
        }
    }

    private void operand32(CodeBuilder cb, int pc) {
        if ((program.opcode(pc) & X) != 0) {
            cb.lload(reg(program.src(pc))).l2i();
        } else {
            constant32(cb, (int) program.imm(pc));
        }
    }

    private static void zext(CodeBuilder cb) {
        cb.i2l().loadConstant(0xffff_ffffL).land();
    }

    /** Emits one instruction; returns whether control can fall through to the next. */
    private boolean instruction(CodeBuilder cb, int pc, int entry) {
        int op = program.opcode(pc);
        int d = program.dst(pc);
        switch (op) {
            case DecodedProgram.LDDW_MAP -> {
                cb.aload(slotMaps).loadConstant(2 * (int) program.imm(pc)).laload().lstore(reg(d));
                return true;
            }
            case DecodedProgram.LDDW_MAP_VALUE -> {
                long imm = program.imm(pc);
                cb.aload(slotMaps).loadConstant(2 * (int) imm + 1).laload();
                constant(cb, imm >>> 32).ladd().lstore(reg(d));
                return true;
            }
            case DecodedProgram.TAIL_CALL -> {
                budgetOut(cb);
                Label notFound = cb.newLabel();
                pc(cb.aload(slotRun), pc).iload(slotDepth).lload(reg(2)).lload(reg(3)).lload(reg(1))
                        .invokeinterface(CD_ENGINE_RUN, "tailCall",
                                MethodTypeDesc.of(CD_boolean, CD_int, CD_int, CD_long, CD_long, CD_long))
                        .ifeq(notFound);
                // At depth 0 the runtime runs the target after this returns; in a subprogram the
                // target has run already, and its r0 is what this function returns.
                cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "tailCallResult", MethodTypeDesc.of(CD_long))
                        .lstore(reg(0));
                returnR0(cb);
                cb.labelBinding(notFound);
                cb.loadConstant(-2L).lstore(reg(0));
                return true;
            }
            default -> { }
        }
        int cls = op & 0x07;
        return switch (cls) {
            case ALU64 -> {
                alu64(cb, pc);
                yield true;
            }
            case ALU -> {
                alu32(cb, pc);
                yield true;
            }
            case JMP, JMP32 -> jump(cb, pc, entry);
            case LDX -> {
                load(cb, pc);
                yield true;
            }
            case ST, STX -> {
                store(cb, pc);
                yield true;
            }
            case LD -> {
                ld(cb, pc);
                yield true;
            }
            default -> {
                unsupported(cb, pc);
                yield false;
            }
        };
    }

    private void unsupported(CodeBuilder cb, int pc) {
        pc(cb, pc).loadConstant(program.opcode(pc))
                .invokestatic(CD_SUPPORT, "cannotExecute", MethodTypeDesc.of(CD_FAULT, CD_int, CD_int)).athrow();
    }

    private void semantics(CodeBuilder cb, String name) {
        cb.invokestatic(CD_SEMANTICS, name, MethodTypeDesc.of(CD_long, CD_long, CD_long));
    }

    private void alu64(CodeBuilder cb, int pc) {
        int op = program.opcode(pc);
        int d = reg(program.dst(pc));
        boolean signed = program.offset(pc) != 0;
        switch (op & 0xf0) {
            case ADD -> { cb.lload(d); operand64(cb, pc); cb.ladd(); }
            case SUB -> { cb.lload(d); operand64(cb, pc); cb.lsub(); }
            case MUL -> { cb.lload(d); operand64(cb, pc); cb.lmul(); }
            case OR -> { cb.lload(d); operand64(cb, pc); cb.lor(); }
            case AND -> { cb.lload(d); operand64(cb, pc); cb.land(); }
            case XOR -> { cb.lload(d); operand64(cb, pc); cb.lxor(); }
            case DIV -> { cb.lload(d); operand64(cb, pc); semantics(cb, signed ? "sdiv64" : "udiv64"); }
            case MOD -> { cb.lload(d); operand64(cb, pc); semantics(cb, signed ? "smod64" : "umod64"); }
            case LSH -> { cb.lload(d); operand32(cb, pc); cb.lshl(); } // the JVM masks long shifts to 6 bits, as eBPF does
            case RSH -> { cb.lload(d); operand32(cb, pc); cb.lushr(); }
            case ARSH -> { cb.lload(d); operand32(cb, pc); cb.lshr(); }
            case NEG -> cb.lload(d).lneg();
            case MOV -> {
                int off = program.offset(pc);
                if ((op & X) == 0) {
                    constant(cb, program.imm(pc));
                } else if (off == 0) {
                    cb.lload(reg(program.src(pc)));
                } else {
                    cb.lload(reg(program.src(pc))).loadConstant(off)
                            .invokestatic(CD_SEMANTICS, "signExtend", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                }
            }
            case END -> {
                if ((op & X) != 0) {
                    unsupported(cb, pc);
                    return;
                }
                cb.lload(d).loadConstant((int) program.imm(pc))
                        .invokestatic(CD_SEMANTICS, "byteSwap", MethodTypeDesc.of(CD_long, CD_long, CD_int));
            }
            default -> {
                unsupported(cb, pc);
                return;
            }
        }
        cb.lstore(d);
    }

    private void alu32(CodeBuilder cb, int pc) {
        int op = program.opcode(pc);
        int d = reg(program.dst(pc));
        boolean signed = program.offset(pc) != 0;
        switch (op & 0xf0) {
            case ADD -> { cb.lload(d).l2i(); operand32(cb, pc); cb.iadd(); zext(cb); }
            case SUB -> { cb.lload(d).l2i(); operand32(cb, pc); cb.isub(); zext(cb); }
            case MUL -> { cb.lload(d).l2i(); operand32(cb, pc); cb.imul(); zext(cb); }
            case OR -> { cb.lload(d).l2i(); operand32(cb, pc); cb.ior(); zext(cb); }
            case AND -> { cb.lload(d).l2i(); operand32(cb, pc); cb.iand(); zext(cb); }
            case XOR -> { cb.lload(d).l2i(); operand32(cb, pc); cb.ixor(); zext(cb); }
            case LSH -> { cb.lload(d).l2i(); operand32(cb, pc); cb.ishl(); zext(cb); } // masked to 5 bits, as eBPF does
            case RSH -> { cb.lload(d).l2i(); operand32(cb, pc); cb.iushr(); zext(cb); }
            case ARSH -> { cb.lload(d).l2i(); operand32(cb, pc); cb.ishr(); zext(cb); }
            case NEG -> { cb.lload(d).l2i().ineg(); zext(cb); }
            case DIV -> { cb.lload(d); operand64(cb, pc); semantics(cb, signed ? "sdiv32" : "udiv32"); }
            case MOD -> { cb.lload(d); operand64(cb, pc); semantics(cb, signed ? "smod32" : "umod32"); }
            case MOV -> {
                int off = program.offset(pc);
                if ((op & X) == 0) {
                    constant(cb, program.imm(pc) & 0xffff_ffffL);
                } else if (off == 0) {
                    cb.lload(reg(program.src(pc))).loadConstant(0xffff_ffffL).land();
                } else {
                    cb.lload(reg(program.src(pc))).loadConstant(off)
                            .invokestatic(CD_SEMANTICS, "signExtend32", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                }
            }
            case END -> cb.lload(d).loadConstant((int) program.imm(pc)).invokestatic(CD_SEMANTICS,
                    (op & X) != 0 ? "byteSwap" : "toLittleEndian", MethodTypeDesc.of(CD_long, CD_long, CD_int));
            default -> {
                unsupported(cb, pc);
                return;
            }
        }
        cb.lstore(d);
    }

    private boolean jump(CodeBuilder cb, int pc, int entry) {
        int op = program.opcode(pc);
        int code = op & 0xf0;
        int d = reg(program.dst(pc));
        if (op == CALL_IMM) {
            call(cb, pc);
            return true;
        }
        if (op == CALLX) {
            callx(cb, pc);
            return true;
        }
        if (op == EXIT_OP) {
            exit(cb, entry);
            return false;
        }
        if (code == CALL || code == EXIT) {
            unsupported(cb, pc);
            return false;
        }
        Label jumpTarget = target(cb, shape.jumpTarget(pc));
        if (code == JA) {
            cb.goto_(jumpTarget);
            return false;
        }
        // A loop's conditional back edge branches to an unconditional goto: HotSpot's safepoint
        // poll sits on the back edge, and on a conditional branch the poll's state would keep the
        // compare's result alive (a three-way lcmp materialized in every iteration).
        boolean backward = shape.jumpTarget(pc) <= pc;
        Label target = backward ? cb.newLabel() : jumpTarget;
        conditionalJump(cb, pc, code, target);
        if (backward) {
            Label after = cb.newLabel();
            cb.goto_(after).labelBinding(target).goto_(jumpTarget).labelBinding(after);
        }
        return true;
    }

    /** The compare and branch of a conditional jump to {@code target}. */
    private void conditionalJump(CodeBuilder cb, int pc, int code, Label target) {
        int op = program.opcode(pc);
        int d = reg(program.dst(pc));
        boolean wide = (op & 0x07) == JMP;
        if (wide) {
            cb.lload(d);
            operand64(cb, pc);
            boolean unsigned = code == JGT || code == JGE || code == JLT || code == JLE;
            if (unsigned) {
                // An intrinsic HotSpot compiles to one unsigned compare.
                cb.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
            } else {
                if (code == JSET) {
                    cb.land().lconst_0();
                }
                cb.lcmp();
            }
            cb.branch(switch (code) {
                case JEQ -> Opcode.IFEQ;
                case JNE, JSET -> Opcode.IFNE;
                case JGT, JSGT -> Opcode.IFGT;
                case JGE, JSGE -> Opcode.IFGE;
                case JLT, JSLT -> Opcode.IFLT;
                case JLE, JSLE -> Opcode.IFLE;
                default -> throw new IllegalStateException("jump " + code);
            }, target);
        } else {
            cb.lload(d).l2i();
            operand32(cb, pc);
            boolean unsigned = code == JGT || code == JGE || code == JLT || code == JLE;
            if (unsigned) {
                cb.invokestatic(CD_Integer, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
                cb.branch(switch (code) {
                    case JGT -> Opcode.IFGT;
                    case JGE -> Opcode.IFGE;
                    case JLT -> Opcode.IFLT;
                    default -> Opcode.IFLE;
                }, target);
            } else if (code == JSET) {
                cb.iand().ifne(target);
            } else {
                cb.branch(switch (code) {
                    case JEQ -> Opcode.IF_ICMPEQ;
                    case JNE -> Opcode.IF_ICMPNE;
                    case JGT, JSGT -> Opcode.IF_ICMPGT;
                    case JGE, JSGE -> Opcode.IF_ICMPGE;
                    case JLT, JSLT -> Opcode.IF_ICMPLT;
                    case JLE, JSLE -> Opcode.IF_ICMPLE;
                    default -> throw new IllegalStateException("jump32 " + code);
                }, target);
            }
        }
    }

    private void scratch(CodeBuilder cb) {
        cb.aload(slotRun).invokeinterface(CD_ENGINE_RUN, "registerScratch", MethodTypeDesc.of(CD_LONG_ARRAY)).astore(slotTmpRef);
    }

    /** After a call into program code: the callee's r1-r5, which the caller sees. */
    private void reloadArguments(CodeBuilder cb) {
        scratch(cb);
        for (int i = 1; i <= 5; i++) {
            cb.aload(slotTmpRef).loadConstant(i).laload().lstore(reg(i));
        }
    }

    private void exit(CodeBuilder cb, int entry) {
        if (called.get(entry)) {
            scratch(cb);
            for (int i = 1; i <= 5; i++) {
                cb.aload(slotTmpRef).loadConstant(i).lload(reg(i)).lastore();
            }
        }
        budgetOut(cb);
        returnR0(cb);
    }

    private void call(CodeBuilder cb, int pc) {
        if (program.src(pc) == CALL_LOCAL) {
            int target = pc + (int) program.imm(pc) + 1;
            Label ok = cb.newLabel();
            cb.iload(slotDepth).iconst_1().iadd().loadConstant(DecodedProgram.MAX_FRAMES).if_icmplt(ok);
            fault(cb, "callTooDeep", pc);
            cb.labelBinding(ok);
            budgetOut(cb);
            cb.aload(slotRun).aload(slotMaps).iload(slotDepth).iconst_1().iadd();
            for (int i = 0; i <= 9; i++) {
                cb.lload(reg(i));
            }
            cb.invokestatic(thisClass, "f" + target, MTD_FUNCTION).lstore(reg(0));
            reloadArguments(cb);
            budgetIn(cb);
            return;
        }
        HelperFunction helper = program.helperAt(pc);
        if (helper == null) {
            unsupported(cb, pc);
            return;
        }
        BpfMap array = mapLookups.inlinedArray(pc);
        if (array != null) {
            // map_lookup_elem on an array map known here: no helper call (see MapLookups)
            cb.aload(slotMaps).loadConstant(2 * mapLookups.mapIndex(pc) + 1).laload();
            cb.aload(slotMemory).lload(reg(2)).loadConstant(array.maxEntries()).loadConstant(array.valueStride());
            pc(cb, pc).invokestatic(CD_SUPPORT, "arrayLookup",
                    MethodTypeDesc.of(CD_long, CD_long, CD_MEMORY, CD_long, CD_int, CD_int, CD_int)).lstore(reg(0));
            return;
        }
        budgetOut(cb);
        pc(cb.aload(slotRun), pc).iload(slotDepth)
                .invokeinterface(CD_ENGINE_RUN, "enterHelper", MethodTypeDesc.of(CD_void, CD_int, CD_int));
        cb.loadConstant(helperConstant(helper));
        for (int i = 1; i <= 5; i++) {
            cb.lload(reg(i));
        }
        cb.aload(slotRun).invokeinterface(CD_HELPER, "call",
                MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_HELPER_CONTEXT));
        cb.lstore(reg(0));
        budgetIn(cb);
    }

    private void callx(CodeBuilder cb, int pc) {
        budgetOut(cb);
        pc(cb.aload(slotRun).aload(slotMaps).iload(slotDepth), pc).loadConstant(program.dst(pc)).lload(reg(program.dst(pc)));
        for (int i = 0; i <= 9; i++) {
            cb.lload(reg(i));
        }
        cb.invokestatic(thisClass, "callx", MTD_CALLX).lstore(reg(0));
        reloadArguments(cb);
        budgetIn(cb);
    }

    // ------------------------------------------------------------------ memory

    private static int sizeOf(int op) {
        return switch (op & 0x18) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    /** Pushes {@code reg + offset}. */
    private void address(CodeBuilder cb, int base, int offset) {
        cb.lload(reg(base));
        if (offset != 0) {
            constant(cb, offset).ladd();
        }
    }

    private void load(CodeBuilder cb, int pc) {
        int op = program.opcode(pc);
        int mode = op & 0xe0;
        int size = sizeOf(op);
        if (mode != MEM && mode != MEMSX) {
            unsupported(cb, pc);
            return;
        }
        address(cb, program.src(pc), program.offset(pc));
        cb.lstore(slotAddr);
        Label done = cb.newLabel();
        if (bindFrame && regions.isFrameAccess(pc)) {
            // The frame is bound in every run of the runtime's; else Memory.load checks the access.
            Label unbound = cb.newLabel();
            cb.aload(slotFrame).ifnull(unbound);
            cb.aload(slotFrame);
            frameOperands(cb, pc, size);
            cb.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(valueClass(size), layoutClass(size), CD_long));
            widen(cb, size);
            cb.goto_(done).labelBinding(unbound);
            checkedLoad(cb, pc, size);
            cb.labelBinding(done);
            loaded(cb, pc, mode, size);
            return;
        }
        if (bindPacket && provenSafe.get(pc)) {
            Label general = cb.newLabel();
            packetHit(cb, general);
            cb.invokestatic(CD_SUPPORT, "arrayLoad" + size * 8, MethodTypeDesc.of(CD_long, CD_byte.arrayType(), CD_long));
            cb.goto_(done).labelBinding(general);
        }
        if (bindContext && !provenSafe.get(pc) && !assumedSafe.get(pc) && regions.mayLoadContextField(pc)) {
            contextField(cb, pc, done);
        }
        if (assumedSafe.get(pc)) {
            arrayOrSegmentLoad(cb, size, false, done);
        } else {
            if (provenSafe.get(pc)) {
                // The verifier proved the access in bounds: in runs where that holds, no region
                // checks; in others (rare), Memory.load's, out of line to keep the method small.
                Label checked = cb.newLabel();
                cb.iload(slotProven).ifeq(checked);
                arrayOrSegmentLoad(cb, size, false, done);
                cb.goto_(done).labelBinding(checked);
                checkedLoad(cb, pc, size);
                cb.labelBinding(done);
                loaded(cb, pc, mode, size);
                return;
            }
            Label slow = cb.newLabel();
            cb.aload(slotMemory).lload(slotAddr).loadConstant(size)
                    .invokevirtual(CD_MEMORY, "loadOffset", MethodTypeDesc.of(CD_long, CD_long, CD_int))
                    .dup2().lstore(slotOff).lconst_0().lcmp().iflt(slow);
            arrayOrSegmentLoad(cb, size, true, done);
            cb.goto_(done).labelBinding(slow);
            checkedLoad(cb, pc, size); // a context field, or a fault
        }
        cb.labelBinding(done);
        loaded(cb, pc, mode, size);
    }

    /**
     * A load of a context field (see {@link RegionBindings}): when the base register holds exactly
     * the bound context's address and the offset is a field of it, the field's value, then on to
     * {@code done}; else on to the code emitted next (the checked path). Both calls are on the one
     * context class the runtime has, so HotSpot inlines them: isField of a constant folds away.
     */
    private void contextField(CodeBuilder cb, int pc, Label done) {
        Label general = cb.newLabel();
        int offset = program.offset(pc);
        cb.lload(reg(program.src(pc))).lload(slotCtxAddress).lcmp().ifne(general);
        cb.aload(slotCtxFields).ifnull(general); // no context bound: its address is 0, which a register may hold
        cb.aload(slotCtxFields).loadConstant(offset)
                .invokeinterface(CD_CONTEXT_FIELDS, "isField", MethodTypeDesc.of(CD_boolean, CD_int)).ifeq(general);
        cb.aload(slotCtxFields).loadConstant(offset)
                .invokeinterface(CD_CONTEXT_FIELDS, "field", MethodTypeDesc.of(CD_long, CD_int));
        cb.goto_(done).labelBinding(general);
    }

    /** {@link Memory#load} of the access at {@code slotAddr}: every check, context fields, faults. */
    private void checkedLoad(CodeBuilder cb, int pc, int size) {
        pc(cb.aload(slotMemory).lload(slotAddr).loadConstant(size), pc)
                .invokevirtual(CD_MEMORY, "load", MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_int));
    }

    /** Sign-extends a loaded value for a sign-extending load and stores it in the destination. */
    private void loaded(CodeBuilder cb, int pc, int mode, int size) {
        if (mode == MEMSX) {
            cb.l2i();
            if (size == 1) {
                cb.i2b();
            } else if (size == 2) {
                cb.i2s();
            }
            cb.i2l();
        }
        cb.lstore(reg(program.dst(pc)));
    }

    private void store(CodeBuilder cb, int pc) {
        int op = program.opcode(pc);
        int mode = op & 0xe0;
        int size = sizeOf(op);
        if (mode == ATOMIC && (op & 0x07) == STX && (size == 4 || size == 8)) {
            atomic(cb, pc, size);
            return;
        }
        if (mode != MEM) {
            unsupported(cb, pc);
            return;
        }
        address(cb, program.dst(pc), program.offset(pc));
        cb.lstore(slotAddr);
        Label done = cb.newLabel();
        if (bindFrame && regions.isFrameAccess(pc)) {
            Label unbound = cb.newLabel();
            cb.aload(slotFrame).ifnull(unbound);
            cb.aload(slotFrame);
            frameOperands(cb, pc, size);
            storeValue(cb, pc, op);
            narrow(cb, size);
            cb.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, layoutClass(size), CD_long, valueClass(size)));
            cb.goto_(done).labelBinding(unbound);
            checkedStore(cb, pc, op, size);
            cb.labelBinding(done);
            return;
        }
        if (bindPacket && provenSafe.get(pc)) {
            Label general = cb.newLabel();
            packetHit(cb, general);
            storeValue(cb, pc, op);
            cb.invokestatic(CD_SUPPORT, "arrayStore" + size * 8, MethodTypeDesc.of(CD_void, CD_byte.arrayType(), CD_long, CD_long));
            cb.goto_(done).labelBinding(general);
        }
        if (assumedSafe.get(pc)) {
            arrayOrSegmentStore(cb, pc, op, size, false, done);
        } else {
            if (provenSafe.get(pc)) {
                Label checked = cb.newLabel();
                cb.iload(slotProven).ifeq(checked);
                arrayOrSegmentStore(cb, pc, op, size, false, done);
                cb.goto_(done).labelBinding(checked);
                checkedStore(cb, pc, op, size);
                cb.labelBinding(done);
                return;
            }
            Label slow = cb.newLabel();
            cb.aload(slotMemory).lload(slotAddr).loadConstant(size)
                    .invokevirtual(CD_MEMORY, "storeOffset", MethodTypeDesc.of(CD_long, CD_long, CD_int))
                    .dup2().lstore(slotOff).lconst_0().lcmp().iflt(slow);
            arrayOrSegmentStore(cb, pc, op, size, true, done);
            cb.goto_(done).labelBinding(slow);
            checkedStore(cb, pc, op, size);
        }
        cb.labelBinding(done);
    }

    /** {@link Memory#store} of the store at {@code slotAddr}: every check, context fields, faults. */
    private void checkedStore(CodeBuilder cb, int pc, int op, int size) {
        cb.aload(slotMemory).lload(slotAddr).loadConstant(size);
        storeValue(cb, pc, op);
        pc(cb, pc).invokevirtual(CD_MEMORY, "store", MethodTypeDesc.of(CD_void, CD_long, CD_int, CD_long, CD_int));
    }

    private static final ClassDesc CD_SEGMENT = desc(java.lang.foreign.MemorySegment.class);

    /**
     * Pushes the layout and the constant offset in the frame's segment of a frame access (see
     * {@link RegionBindings#isFrameAccess}): r10 is the segment's end.
     */
    private void frameOperands(CodeBuilder cb, int pc, int size) {
        layout(cb, size);
        cb.loadConstant((long) RegionBindings.FRAME_SIZE + program.offset(pc));
    }

    /**
     * Goes to {@code miss} unless the access at {@code slotAddr} is in the bound packet region;
     * otherwise pushes the packet's array and the address (whose low half is the offset).
     */
    private void packetHit(CodeBuilder cb, Label miss) {
        cb.lload(slotAddr).loadConstant(Memory.REGION_SHIFT).lushr().lload(slotPacketId).lcmp().ifne(miss);
        cb.aload(slotPacketArray).lload(slotAddr);
    }

    private void layout(CodeBuilder cb, int size) {
        cb.getstatic(CD_SUPPORT, switch (size) {
            case 1 -> "BYTE";
            case 2 -> "SHORT";
            case 4 -> "INT";
            default -> "LONG";
        }, layoutClass(size));
    }

    /** Zero-extends a segment's value of {@code size} bytes to a long. */
    private static void widen(CodeBuilder cb, int size) {
        switch (size) {
            case 1 -> cb.i2l().loadConstant(0xffL).land();
            case 2 -> cb.i2l().loadConstant(0xffffL).land();
            case 4 -> cb.i2l().loadConstant(0xffff_ffffL).land();
            default -> { }
        }
    }

    /** Narrows a long to a segment's value of {@code size} bytes. */
    private static void narrow(CodeBuilder cb, int size) {
        switch (size) {
            case 1 -> cb.l2i().i2b();
            case 2 -> cb.l2i().i2s();
            case 4 -> cb.l2i();
            default -> { }
        }
    }

    private static ClassDesc layoutClass(int size) {
        return desc(switch (size) {
            case 1 -> java.lang.foreign.ValueLayout.OfByte.class;
            case 2 -> java.lang.foreign.ValueLayout.OfShort.class;
            case 4 -> java.lang.foreign.ValueLayout.OfInt.class;
            default -> java.lang.foreign.ValueLayout.OfLong.class;
        });
    }

    private static ClassDesc valueClass(int size) {
        return switch (size) {
            case 1 -> CD_byte;
            case 2 -> CD_short;
            case 4 -> CD_int;
            default -> CD_long;
        };
    }

    /**
     * Pushes the segment of the access at {@code slotAddr}, its layout and its offset (from
     * {@code slotOff} when checked, else the address's low half). Emitted at each access, so
     * that each has its own type profile of segments (the packet's, the stack's, a map's).
     */
    private void segmentOperands(CodeBuilder cb, int size, boolean checked) {
        cb.aload(slotMemory).lload(slotAddr).invokevirtual(CD_MEMORY, "segmentOf", MethodTypeDesc.of(CD_SEGMENT, CD_long));
        layout(cb, size);
        if (checked) {
            cb.lload(slotOff);
        } else {
            cb.lload(slotAddr).loadConstant(0xffff_ffffL).land();
        }
    }

    /**
     * Loads {@code size} bytes of the access at {@code slotAddr}, zero-extended, and goes to
     * {@code done}: from the region's {@code byte[]} through the cache of
     * {@link #slotCacheArray} if it has one, else from its segment.
     */
    private void arrayOrSegmentLoad(CodeBuilder cb, int size, boolean checked, Label done) {
        Label segment = cb.newLabel();
        cachedArrayAndOffset(cb, checked, segment);
        cb.invokestatic(CD_SUPPORT, "arrayLoad" + size * 8, MethodTypeDesc.of(CD_long, CD_byte.arrayType(), CD_long));
        cb.goto_(done).labelBinding(segment);
        segmentLoad(cb, size, checked);
    }

    /**
     * Stores the low {@code size} bytes of the store's value at {@code slotAddr} and goes to
     * {@code done}: into the region's {@code byte[]} if it has one, else into its segment. The
     * write permission is checked as before: by {@link Memory#storeOffset} on the checked path;
     * on a proven path a read-only segment has no array (see {@link Memory#byteArrayOf}) and
     * its segment refuses the write.
     */
    private void arrayOrSegmentStore(CodeBuilder cb, int pc, int op, int size, boolean checked, Label done) {
        Label segment = cb.newLabel();
        cachedArrayAndOffset(cb, checked, segment);
        storeValue(cb, pc, op);
        cb.invokestatic(CD_SUPPORT, "arrayStore" + size * 8, MethodTypeDesc.of(CD_void, CD_byte.arrayType(), CD_long, CD_long));
        cb.goto_(done).labelBinding(segment);
        segmentStore(cb, pc, op, size, checked);
    }

    /**
     * Pushes the {@code byte[]} of the region of the access at {@code slotAddr} and the access's
     * offset in it, refilling the cache of {@link #slotCacheArray} on a miss; goes to
     * {@code noArray}, pushing nothing, if the region has no array.
     */
    private void cachedArrayAndOffset(CodeBuilder cb, boolean checked, Label noArray) {
        Label hit = cb.newLabel();
        cb.lload(slotAddr).loadConstant(Memory.REGION_SHIFT).lushr().lload(slotCacheId).lcmp().ifeq(hit);
        cb.aload(slotMemory).lload(slotAddr)
                .invokevirtual(CD_MEMORY, "byteArrayOf", MethodTypeDesc.of(CD_byte.arrayType(), CD_long))
                .astore(slotCacheArray);
        cb.lload(slotAddr).loadConstant(Memory.REGION_SHIFT).lushr().lstore(slotCacheId);
        cb.labelBinding(hit);
        cb.aload(slotCacheArray).ifnull(noArray);
        cb.aload(slotCacheArray);
        if (checked) {
            cb.lload(slotOff);
        } else {
            cb.lload(slotAddr).loadConstant(0xffff_ffffL).land();
        }
    }

    /** Loads {@code size} bytes of the access at {@code slotAddr} from its segment, zero-extended to a long. */
    private void segmentLoad(CodeBuilder cb, int size, boolean checked) {
        segmentOperands(cb, size, checked);
        cb.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(valueClass(size), layoutClass(size), CD_long));
        switch (size) {
            case 1 -> cb.i2l().loadConstant(0xffL).land();
            case 2 -> cb.i2l().loadConstant(0xffffL).land();
            case 4 -> cb.i2l().loadConstant(0xffff_ffffL).land();
            default -> { }
        }
    }

    /** Stores the low {@code size} bytes of the store's value to the segment of the access at {@code slotAddr}. */
    private void segmentStore(CodeBuilder cb, int pc, int op, int size, boolean checked) {
        segmentOperands(cb, size, checked);
        storeValue(cb, pc, op);
        switch (size) {
            case 1 -> cb.l2i().i2b();
            case 2 -> cb.l2i().i2s();
            case 4 -> cb.l2i();
            default -> { }
        }
        cb.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, layoutClass(size), CD_long, valueClass(size)));
    }

    /** Pushes the value a store writes, as a long: src or imm. */
    private void storeValue(CodeBuilder cb, int pc, int op) {
        if ((op & 0x07) == STX) {
            cb.lload(reg(program.src(pc)));
        } else {
            constant(cb, program.imm(pc));
        }
    }

    private void atomic(CodeBuilder cb, int pc, int size) {
        int operation = (int) program.imm(pc);
        int s = reg(program.src(pc));
        if (operation == ATOMIC_CMPXCHG) {
            cb.aload(slotMemory);
            address(cb, program.dst(pc), program.offset(pc));
            pc(cb.loadConstant(size).lload(reg(0)).lload(s), pc)
                    .invokevirtual(CD_MEMORY, "atomicCompareExchange",
                            MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_long, CD_long, CD_int))
                    .lstore(reg(0));
            return;
        }
        String name = switch (operation & ~ATOMIC_FETCH) {
            case ADD -> "ADD";
            case OR -> "OR";
            case AND -> "AND";
            case XOR -> "XOR";
            case ATOMIC_XCHG & ~ATOMIC_FETCH -> "EXCHANGE";
            default -> null;
        };
        if (name == null) {
            pc(cb, pc).loadConstant(operation)
                    .invokestatic(CD_SUPPORT, "unknownAtomic", MethodTypeDesc.of(CD_FAULT, CD_int, CD_int)).athrow();
            return;
        }
        cb.aload(slotMemory).getstatic(CD_ATOMIC_OP, name, CD_ATOMIC_OP);
        address(cb, program.dst(pc), program.offset(pc));
        pc(cb.loadConstant(size).lload(s), pc).invokevirtual(CD_MEMORY, "atomic",
                MethodTypeDesc.of(CD_long, CD_ATOMIC_OP, CD_long, CD_int, CD_long, CD_int));
        if ((operation & ATOMIC_FETCH) != 0) {
            cb.lstore(s);
        } else {
            cb.pop2();
        }
    }

    /** Legacy packet loads (LD_ABS, LD_IND); a plain lddw. */
    private void ld(CodeBuilder cb, int pc) {
        int op = program.opcode(pc);
        if (op == LDDW) {
            constant(cb, program.imm(pc)).lstore(reg(program.dst(pc)));
            return;
        }
        int mode = op & 0xe0;
        int size = sizeOf(op);
        if ((mode != ABS && mode != IND) || size == 8) {
            unsupported(cb, pc);
            return;
        }
        cb.aload(slotRun).aload(slotMemory);
        if (mode == IND) {
            constant(cb.lload(reg(program.src(pc))), program.imm(pc)).ladd().l2i().i2l();
        } else {
            constant(cb, program.imm(pc));
        }
        pc(cb.loadConstant(size), pc).invokestatic(CD_SUPPORT, "legacyLoad",
                MethodTypeDesc.of(CD_long, CD_ENGINE_RUN, CD_MEMORY, CD_long, CD_int, CD_int));
        cb.lstore(reg(0));
    }
}
