package io.bpf4j.loader;

import io.bpf4j.runtime.ProgramType;

import io.bpf4j.isa.Instructions;
import io.bpf4j.loader.btf.CoreRelocation;
import io.bpf4j.loader.btf.FunctionSignature;
import io.bpf4j.loader.btf.LineInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A program of an object file, linked libbpf-style: the function's own instructions, then every
 * {@code .text} subprogram it uses (each once, in the order they are first reached), with
 * bpf-to-bpf calls ({@code call} with {@code src=1}) and function addresses ({@code lddw} with
 * {@code src=4}) pointing at the appended copies, and map loads rewritten as
 * {@link MapReference} explains.
 *
 * @param name the program's function name
 * @param section what its ELF section name says ({@link ProgramSection})
 * @param code the linked program, 8 bytes per instruction slot, little-endian: the encoding
 *     {@link Instructions#decode(byte[])} reads
 * @param mapReferences the {@code lddw} instructions that load maps, by instruction index
 * @param functions the functions placed in the program, by start index; the program's own first
 * @param lineInfo BTF line info, by instruction index in the linked program (empty without
 *     {@code .BTF.ext})
 * @param coreRelocations BTF CO-RE relocations, by instruction index in the linked program; read,
 *     not applied
 */
public record ProgramSpec(String name, ProgramSection section, byte[] code, List<MapReference> mapReferences,
        List<FunctionSpec> functions, List<LineInfo> lineInfo, List<CoreRelocation> coreRelocations) {

    public ProgramSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(section, "section");
        code = code.clone();
        mapReferences = List.copyOf(mapReferences);
        functions = List.copyOf(functions);
        lineInfo = List.copyOf(lineInfo);
        coreRelocations = List.copyOf(coreRelocations);
    }

    /** A copy of the linked code. */
    @Override
    public byte[] code() {
        return code.clone();
    }

    /** The ELF section name ({@code xdp}, {@code kprobe/sys_open}). */
    public String sectionName() {
        return section.name();
    }

    /** The program type its section name suggests. */
    public ProgramType kind() {
        return section.kind();
    }

    /** Number of instruction slots. */
    public int instructionCount() {
        return code.length / 8;
    }

    /**
     * The linked code as instructions.
     *
     * @throws io.bpf4j.isa.InvalidInstructionException if the compiler emitted something the
     *     instruction set does not allow
     */
    public Instructions instructions() {
        return Instructions.decode(code);
    }

    /** The BTF signature of the program's function, if the object has BTF. */
    public Optional<FunctionSignature> signature() {
        return functions.getFirst().signature();
    }

    /** The source line of the instruction at {@code index}: the last line info at or before it. */
    public Optional<LineInfo> lineAt(int index) {
        LineInfo found = null;
        for (LineInfo li : lineInfo) {
            if (li.instructionIndex() > index) {
                break;
            }
            found = li;
        }
        return Optional.ofNullable(found);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProgramSpec p && name.equals(p.name) && section.equals(p.section)
                && Arrays.equals(code, p.code) && mapReferences.equals(p.mapReferences) && functions.equals(p.functions)
                && lineInfo.equals(p.lineInfo) && coreRelocations.equals(p.coreRelocations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, section, Arrays.hashCode(code), mapReferences, functions, lineInfo, coreRelocations);
    }

    @Override
    public String toString() {
        return "ProgramSpec[" + name + " in '" + section.name() + "' (" + section.kind() + "), "
                + instructionCount() + " instructions, " + functions.size() + " function(s), "
                + mapReferences.size() + " map reference(s)]";
    }
}
