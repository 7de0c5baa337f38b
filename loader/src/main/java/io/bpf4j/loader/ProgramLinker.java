package io.bpf4j.loader;

import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfExt;
import io.bpf4j.loader.btf.CoreRelocation;
import io.bpf4j.loader.btf.FuncInfo;
import io.bpf4j.loader.btf.FunctionSignature;
import io.bpf4j.loader.btf.LineInfo;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfRelocation;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.loader.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Finds the functions of an object's code sections, resolves the relocations of those sections,
 * and links each program with the {@code .text} subprograms it uses, as libbpf does: each used
 * subprogram is appended once after the program (in the order first reached), bpf-to-bpf calls
 * and function address loads are re-aimed at the copies, and map loads are rewritten to refer to
 * maps by their index in {@link BpfObject#maps()}.
 */
final class ProgramLinker {
    static final String TEXT = ".text";
    /** Upper bound on the instructions of all linked programs together, against quadratic blow-up. */
    static final long MAX_TOTAL_SLOTS = 4L * Instructions.MAX_SLOTS;

    private static final int LDDW = Opcodes.LDDW;
    private static final int CALL = Opcodes.JMP | Opcodes.CALL; // 0x85

    /** A function symbol's extent in its code section, in slots. */
    record Function(Code code, ElfSymbol symbol, int start, int length) {
        String name() {
            return symbol.name();
        }

        boolean global() {
            return symbol.binding() != ElfSymbol.STB_LOCAL;
        }

        String label() {
            return "function '" + symbol.name() + "' in " + code.section.label();
        }
    }

    /** What a relocated instruction refers to. */
    private sealed interface Target {}

    private record FunctionTarget(Function function) implements Target {}

    private record MapTarget(int mapIndex, MapReference.Kind kind, int offset) implements Target {}

    /** A code section: its slots, functions, instruction starts and resolved relocations. */
    static final class Code {
        final ElfSection section;
        final long[] slots;
        final List<Function> functions = new ArrayList<>();
        final boolean[] secondHalf;
        final Map<Integer, Target> targets = new HashMap<>();

        Code(ElfSection section, long[] slots) {
            this.section = section;
            this.slots = slots;
            this.secondHalf = new boolean[slots.length];
        }

        /** The function whose extent contains slot {@code slot}, or null. */
        Function functionAt(int slot) {
            int lo = 0;
            int hi = functions.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Function f = functions.get(mid);
                if (slot < f.start) {
                    hi = mid - 1;
                } else if (slot >= f.start + f.length) {
                    lo = mid + 1;
                } else {
                    return f;
                }
            }
            return null;
        }

        /** The function starting exactly at {@code slot}, or null. */
        Function functionStartingAt(int slot) {
            Function f = functionAt(slot);
            return f != null && f.start == slot ? f : null;
        }
    }

    private final ElfFile elf;
    private final MapCollector.MapTable maps;
    private final Optional<Btf> btf;
    private final Optional<BtfExt> ext;
    private final Map<Integer, Code> codes = new HashMap<>();
    private long totalSlots;

    private ProgramLinker(ElfFile elf, MapCollector.MapTable maps, Optional<Btf> btf, Optional<BtfExt> ext) {
        this.elf = elf;
        this.maps = maps;
        this.btf = btf;
        this.ext = ext;
    }

    /**
     * Links every program (every function of a code section other than {@code .text}).
     *
     * @param relSections the {@code SHT_REL} section of each section index that has one
     */
    static List<ProgramSpec> link(ElfFile elf, MapCollector.MapTable maps, Optional<Btf> btf, Optional<BtfExt> ext,
            Map<Integer, ElfSection> relSections) {
        ProgramLinker linker = new ProgramLinker(elf, maps, btf, ext);
        Map<Integer, List<ElfSymbol>> functions = new HashMap<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.type() == ElfSymbol.STT_FUNC && sym.isDefined()) {
                functions.computeIfAbsent(sym.sectionIndex(), k -> new ArrayList<>()).add(sym);
            }
        }
        for (ElfSection s : elf.sections()) {
            if (s.isCode()) {
                linker.codes.put(s.index(), linker.readCode(s, functions.getOrDefault(s.index(), List.of())));
            }
        }
        for (Code code : linker.codes.values()) {
            ElfSection rel = relSections.get(code.section.index());
            if (rel != null) {
                linker.resolveRelocations(code, rel);
            }
        }
        List<ProgramSpec> programs = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            Code code = linker.codes.get(s.index());
            if (code != null && !s.name().equals(TEXT)) {
                for (Function f : code.functions) {
                    programs.add(linker.linkProgram(f));
                }
            }
        }
        return programs;
    }

    private Code readCode(ElfSection s, List<ElfSymbol> functionSymbols) {
        if (s.size() % 8 != 0) {
            throw new ObjectFormatException(s.label() + ": code size " + s.size()
                    + " is not a multiple of the 8-byte instruction size");
        }
        ByteBuffer data = elf.slice(s);
        long[] slots = new long[(int) (s.size() / 8)]; // bounded by the file size
        for (int i = 0; i < slots.length; i++) {
            slots[i] = data.getLong(i * 8);
        }
        Code code = new Code(s, slots);
        for (ElfSymbol sym : functionSymbols) {
            String what = sym.label() + " in " + s.label();
            if (sym.value() < 0 || sym.value() % 8 != 0 || sym.size() % 8 != 0) {
                throw new ObjectFormatException(what + ": offset " + Long.toUnsignedString(sym.value()) + " or size "
                        + Long.toUnsignedString(sym.size()) + " is not a multiple of the 8-byte instruction size");
            }
            if (sym.size() == 0) {
                throw new ObjectFormatException(what + " has size 0");
            }
            if (sym.value() > s.size() || sym.size() < 0 || sym.size() > s.size() - sym.value()) {
                throw new ObjectFormatException(what + ": offset " + Long.toUnsignedString(sym.value()) + " + size "
                        + Long.toUnsignedString(sym.size()) + " extends beyond the " + s.size() + "-byte section");
            }
            code.functions.add(new Function(code, sym, (int) (sym.value() / 8), (int) (sym.size() / 8)));
        }
        code.functions.sort(Comparator.comparingInt(Function::start));
        for (int i = 1; i < code.functions.size(); i++) {
            Function a = code.functions.get(i - 1);
            Function b = code.functions.get(i);
            if (b.start < a.start + a.length) {
                throw new ObjectFormatException(s.label() + ": functions '" + a.name() + "' and '" + b.name()
                        + "' overlap");
            }
        }
        if (code.functions.isEmpty() && slots.length > 0 && !s.name().equals(TEXT)) {
            throw new ObjectFormatException(s.label() + " holds " + slots.length
                    + " instructions but no function symbol names a program in it");
        }
        for (Function f : code.functions) {
            for (int i = 0; i < f.length; i++) {
                if ((slots[f.start + i] & 0xff) == LDDW) {
                    if (i + 1 >= f.length) {
                        throw new ObjectFormatException(f.label() + ": lddw at instruction " + i
                                + " is the last slot of the function (its second half is missing)");
                    }
                    code.secondHalf[f.start + i + 1] = true;
                    i++;
                }
            }
        }
        return code;
    }

    private void resolveRelocations(Code code, ElfSection rel) {
        ElfSection s = code.section;
        for (ElfRelocation r : elf.relocations(rel)) {
            String where = "relocation #" + r.number() + " in " + rel.label() + " (offset 0x" + Long.toHexString(r.offset())
                    + " of " + s.label() + ", " + ElfRelocation.typeName(r.type()) + ")";
            if (r.offset() < 0 || r.offset() >= s.size()) {
                throw new ObjectFormatException(where + ": offset is outside the " + s.size() + "-byte section");
            }
            if (r.offset() % 8 != 0) {
                throw new ObjectFormatException(where + ": offset is not at an instruction (not a multiple of 8)");
            }
            int slot = (int) (r.offset() / 8);
            Function f = code.functionAt(slot);
            if (f == null) {
                throw new ObjectFormatException(where + ": offset is not inside any function");
            }
            if (code.secondHalf[slot]) {
                throw new ObjectFormatException(where + ": offset is the second half of a lddw");
            }
            long insn = code.slots[slot];
            int opcode = (int) (insn & 0xff);
            int src = (int) ((insn >>> 12) & 0xf);
            int imm = (int) (insn >>> 32);
            where += " at instruction " + (slot - f.start) + " of function '" + f.name() + "'";
            boolean isCall = opcode == CALL;
            if (opcode != LDDW && !isCall) {
                throw new ObjectFormatException(where + ": the instruction (opcode 0x" + Integer.toHexString(opcode)
                        + ") is neither lddw nor call");
            }
            if (isCall && src != Opcodes.CALL_LOCAL) {
                throw new ObjectFormatException(where + ": call with src " + src
                        + " is not a bpf-to-bpf call (src 1) and cannot be relocated");
            }
            int expected = isCall ? ElfRelocation.R_BPF_64_32 : ElfRelocation.R_BPF_64_64;
            if (r.type() != expected) {
                throw new ObjectFormatException(where + ": " + (isCall ? "call" : "lddw") + " needs "
                        + ElfRelocation.typeName(expected));
            }
            ElfSymbol sym = elf.symbols().get(r.symbolIndex());
            if (code.targets.put(slot, resolve(where, sym, isCall, imm)) != null) {
                throw new ObjectFormatException(where + ": the instruction is relocated twice");
            }
        }
    }

    private Target resolve(String where, ElfSymbol sym, boolean isCall, int imm) {
        if (sym.sectionIndex() == ElfSymbol.SHN_UNDEF) {
            throw new ObjectFormatException(where + ": refers to " + sym.label()
                    + ", which is not defined in this object (extern variables, kfuncs, .kconfig and .ksyms are not supported)");
        }
        if (!sym.isDefined()) {
            throw new ObjectFormatException(where + ": refers to " + sym.label() + " with special section index 0x"
                    + Integer.toHexString(sym.sectionIndex()) + ", which is not supported");
        }
        ElfSection ts = elf.sections().get(sym.sectionIndex());
        boolean sectionSym = sym.type() == ElfSymbol.STT_SECTION;
        if (ts.isCode()) {
            if (!ts.name().equals(TEXT)) {
                throw new ObjectFormatException(where + ": refers to " + sym.label() + " in " + ts.label()
                        + "; only functions in .text (subprograms) can be called or have their address taken");
            }
            if (sym.type() != ElfSymbol.STT_FUNC && !sectionSym) {
                throw new ObjectFormatException(where + ": refers to " + sym.label() + ", which is not a function");
            }
            long target = isCall ? sym.value() / 8 + (long) imm + 1 : (sym.value() + (long) imm) / 8;
            if (sym.value() % 8 != 0 || (!isCall && imm % 8 != 0)) {
                throw new ObjectFormatException(where + ": the target " + sym.label() + " + " + imm
                        + " is not at an instruction boundary");
            }
            Code text = codes.get(ts.index());
            Function f = target >= 0 && target < text.slots.length ? text.functionStartingAt((int) target) : null;
            if (f == null) {
                throw new ObjectFormatException(where + ": the target, instruction " + target + " of " + ts.label()
                        + ", is not the start of a function");
            }
            return new FunctionTarget(f);
        }
        if (isCall) {
            throw new ObjectFormatException(where + ": calls " + sym.label() + " in " + ts.label()
                    + ", which holds no code");
        }
        if (maps.isMapSection(ts.index())) {
            long offset = sym.value() + (sectionSym ? imm : 0);
            int index = maps.mapAt(ts.index(), offset);
            if (index < 0) {
                throw new ObjectFormatException(where + ": no map is defined at offset " + offset + " of " + ts.label()
                        + " (" + sym.label() + ")");
            }
            return new MapTarget(index, MapReference.Kind.MAP_FD, 0);
        }
        if (MapCollector.isGlobalData(ts.name())) {
            long offset = sym.value() + imm;
            Integer index = maps.dataMaps().get(ts.index());
            if (index == null || offset < 0 || offset >= ts.size()) {
                throw new ObjectFormatException(where + ": offset " + offset + " (" + sym.label() + " + " + imm
                        + ") is outside the " + ts.size() + "-byte global data " + ts.label());
            }
            return new MapTarget(index, MapReference.Kind.MAP_VALUE, (int) offset);
        }
        throw new ObjectFormatException(where + ": refers to " + sym.label() + " in " + ts.label()
                + ", which holds no code, maps or global data");
    }

    private ProgramSpec linkProgram(Function main) {
        long[] out = new long[Math.max(16, main.length)];
        int size = 0;
        Map<Function, Integer> placed = new IdentityHashMap<>();
        List<Function> order = new ArrayList<>();
        ArrayDeque<Function> queue = new ArrayDeque<>();
        List<MapReference> refs = new ArrayList<>();
        // place(main)
        placed.put(main, 0);
        order.add(main);
        queue.add(main);
        System.arraycopy(main.code.slots, main.start, out, 0, main.length);
        size = main.length;
        while (!queue.isEmpty()) {
            Function fn = queue.poll();
            int base = placed.get(fn);
            for (int i = 0; i < fn.length; i++) {
                int at = base + i;
                long insn = out[at];
                int opcode = (int) (insn & 0xff);
                int src = (int) ((insn >>> 12) & 0xf);
                Target t = fn.code.targets.get(fn.start + i);
                Function callee = null;
                if (t instanceof FunctionTarget ft) {
                    callee = ft.function();
                } else if (t instanceof MapTarget mt) {
                    int newSrc = mt.kind() == MapReference.Kind.MAP_FD ? Opcodes.PSEUDO_MAP_FD : Opcodes.PSEUDO_MAP_VALUE;
                    out[at] = withImm(withSrc(insn, newSrc), mt.mapIndex());
                    out[at + 1] = withImm(out[at + 1], mt.offset());
                    refs.add(new MapReference(at, maps.maps().get(mt.mapIndex()).name(), mt.mapIndex(), mt.kind(),
                            mt.offset()));
                } else if ((opcode == CALL && src == Opcodes.CALL_LOCAL) || (opcode == LDDW && src == Opcodes.PSEUDO_FUNC)) {
                    // no relocation: pc-relative within the section
                    long target = (long) fn.start + i + (int) (insn >>> 32) + 1;
                    if (target < fn.start || target >= fn.start + fn.length) {
                        callee = target >= 0 && target < fn.code.slots.length
                                ? fn.code.functionStartingAt((int) target) : null;
                        if (callee == null || !fn.code.section.name().equals(TEXT)) {
                            throw new ObjectFormatException(fn.label() + ": " + (opcode == CALL ? "call" : "lddw")
                                    + " at instruction " + i + " without relocation targets instruction " + target
                                    + " of " + fn.code.section.label() + ", which is not a subprogram in .text");
                        }
                    }
                }
                if (callee != null) {
                    Integer calleeBase = placed.get(callee);
                    if (calleeBase == null) {
                        calleeBase = size;
                        if ((long) size + callee.length > Instructions.MAX_SLOTS) {
                            throw new ObjectFormatException("program '" + main.name() + "': linking its subprograms makes it longer than "
                                    + Instructions.MAX_SLOTS + " instructions");
                        }
                        if (size + callee.length > out.length) {
                            out = Arrays.copyOf(out, Math.max(out.length * 2, size + callee.length));
                        }
                        System.arraycopy(callee.code.slots, callee.start, out, size, callee.length);
                        size += callee.length;
                        placed.put(callee, calleeBase);
                        order.add(callee);
                        queue.add(callee);
                    }
                    int rel = calleeBase - at - 1;
                    if (opcode == LDDW) {
                        out[at] = withImm(withSrc(insn, Opcodes.PSEUDO_FUNC), rel);
                        out[at + 1] = withImm(out[at + 1], 0);
                    } else {
                        out[at] = withImm(insn, rel);
                    }
                }
                if (opcode == LDDW) {
                    i++;
                }
            }
        }
        totalSlots += size;
        if (totalSlots > MAX_TOTAL_SLOTS) {
            throw new ObjectFormatException("linking the object's programs with their subprograms produces more than "
                    + MAX_TOTAL_SLOTS + " instructions in total");
        }
        ByteBuffer code = ByteBuffer.allocate(size * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            code.putLong(out[i]);
        }
        List<FunctionSpec> functions = new ArrayList<>();
        List<LineInfo> lines = new ArrayList<>();
        List<CoreRelocation> relos = new ArrayList<>();
        for (Function f : order) {
            int base = placed.get(f);
            String sec = f.code.section.name();
            Optional<FunctionSignature> sig = Optional.empty();
            if (ext.isPresent()) {
                for (FuncInfo fi : inRange(ext.get().funcInfo(sec), FuncInfo::instructionIndex, f.start, f.start + 1)) {
                    sig = Optional.of(btf.orElseThrow().signature(fi.typeId()));
                }
                for (LineInfo li : inRange(ext.get().lineInfo(sec), LineInfo::instructionIndex, f.start, f.start + f.length)) {
                    lines.add(li.at(base + li.instructionIndex() - f.start));
                }
                for (CoreRelocation cr : inRange(ext.get().coreRelocations(sec), CoreRelocation::instructionIndex, f.start,
                        f.start + f.length)) {
                    relos.add(cr.at(base + cr.instructionIndex() - f.start));
                }
            }
            functions.add(new FunctionSpec(f.name(), base, f.length, f.global(), sec, sig));
        }
        refs.sort(Comparator.comparingInt(MapReference::instructionIndex));
        return new ProgramSpec(main.name(), ProgramSection.of(main.code.section.name()), code.array(), refs, functions,
                lines, relos);
    }

    private final Map<List<?>, List<?>> sortedCache = new IdentityHashMap<>();

    /** The records of {@code list} with index in [from, to), via a sorted copy and binary search. */
    @SuppressWarnings("unchecked")
    private <T> List<T> inRange(List<T> list, ToIntFunction<T> index, int from, int to) {
        if (list.isEmpty()) {
            return list;
        }
        List<T> sorted = (List<T>) sortedCache.computeIfAbsent(list, l -> {
            List<T> copy = new ArrayList<>((List<T>) l);
            copy.sort(Comparator.comparingInt(index));
            return copy;
        });
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (index.applyAsInt(sorted.get(mid)) < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int end = lo;
        while (end < sorted.size() && index.applyAsInt(sorted.get(end)) < to) {
            end++;
        }
        return sorted.subList(lo, end);
    }

    private static long withSrc(long insn, int src) {
        return (insn & ~0xf000L) | ((long) src << 12);
    }

    private static long withImm(long insn, int imm) {
        return (insn & 0xffff_ffffL) | ((long) imm << 32);
    }
}
