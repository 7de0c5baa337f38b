package io.bpf4j.loader;

import io.bpf4j.isa.Opcodes;
import io.bpf4j.loader.btf.FunctionSignature;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dynamic linking, as Linux's {@code freplace} does it: a global function of a loaded program is
 * replaced by an extension program ({@code SEC("freplace/NAME")}) with the same BTF signature.
 *
 * <p>bpf4j relinks instead of patching a running image: the program's linked code stays as it
 * is, each replacement's code (with its own subprograms) is appended after it, every call to the
 * replaced function (and every {@code lddw} of its address, for callbacks) is pointed at the
 * appended code, and the replacement's maps are appended to the program's maps, its {@code lddw}
 * map references renumbered to match. The old body stays in place, unreachable. Both engines run
 * the result unchanged, and the swap is one volatile write in the runtime.
 */
final class FunctionReplacement {
    private static final int CALL = Opcodes.JMP | Opcodes.CALL;
    private static final int PSEUDO_CALL = 1;
    private static final int PSEUDO_FUNC = 4;

    /** An extension program and the maps it refers to (its own object's maps, in that object's order). */
    record Extension(ProgramSpec program, List<BpfMap> maps) {}

    /** A program's code and maps after relinking. */
    record Linked(byte[] code, List<BpfMap> maps) {}

    private FunctionReplacement() {}

    /**
     * Checks that {@code extension} can replace {@code target} (a function placed in {@code program}).
     *
     * @throws ObjectFormatException naming what does not match
     */
    static void check(ProgramSpec program, FunctionSpec target, ProgramSpec extension) {
        String what = "cannot replace function '" + target.name() + "' of program '" + program.name() + "' with '"
                + extension.name() + "'";
        if (extension.kind() != ProgramType.EXT) {
            throw new ObjectFormatException(what + ": it is in section '" + extension.sectionName()
                    + "', not an extension program (SEC(\"freplace/" + target.name() + "\"))");
        }
        String attachTarget = extension.section().attachTarget();
        if (!attachTarget.isEmpty() && !attachTarget.equals(target.name())) {
            throw new ObjectFormatException(what + ": it is written to replace '" + attachTarget + "'");
        }
        if (target.startIndex() == 0) {
            throw new ObjectFormatException(what + ": that is the program itself, not a function it calls");
        }
        if (!target.global()) {
            throw new ObjectFormatException(what + ": it is static; only global functions can be replaced, as in Linux");
        }
        FunctionSignature expected = target.signature().orElseThrow(() -> new ObjectFormatException(what
                + ": the target has no BTF signature (compile with -g)"));
        FunctionSignature actual = extension.signature().orElseThrow(() -> new ObjectFormatException(what
                + ": the extension has no BTF signature (compile with -g)"));
        if (!shape(expected).equals(shape(actual))) {
            throw new ObjectFormatException(what + ": signatures differ: " + describe(expected) + " vs " + describe(actual));
        }
    }

    /** Return and parameter types, without names: what a caller relies on. */
    private static List<String> shape(FunctionSignature signature) {
        List<String> types = new ArrayList<>();
        types.add(signature.returnTypeName());
        signature.parameters().forEach(p -> types.add(p.typeName()));
        return types;
    }

    private static String describe(FunctionSignature signature) {
        List<String> parameters = signature.parameters().stream().map(FunctionSignature.Parameter::typeName).toList();
        return signature.returnTypeName() + " (" + String.join(", ", parameters) + ")";
    }

    /**
     * Relinks {@code program} with each of its functions named in {@code replacements} replaced.
     *
     * @param maps the maps the program's own code refers to (its object's, in order)
     */
    static Linked relink(ProgramSpec program, List<BpfMap> maps, java.util.Map<String, Extension> replacements) {
        ByteBuffer original = ByteBuffer.wrap(program.code()).order(ByteOrder.LITTLE_ENDIAN);
        int originalSlots = program.instructionCount();
        List<byte[]> appended = new ArrayList<>();
        List<BpfMap> allMaps = new ArrayList<>(maps);
        int nextSlot = originalSlots;
        for (FunctionSpec function : program.functions()) {
            Extension extension = replacements.get(function.name());
            if (extension == null) {
                continue;
            }
            int base = nextSlot;
            redirect(original, originalSlots, function.startIndex(), base);
            ByteBuffer code = ByteBuffer.wrap(extension.program().code()).order(ByteOrder.LITTLE_ENDIAN);
            for (MapReference reference : extension.program().mapReferences()) {
                int at = reference.instructionIndex() * 8 + 4;
                code.putInt(at, code.getInt(at) + allMaps.size());
            }
            allMaps.addAll(extension.maps());
            appended.add(code.array());
            nextSlot += extension.program().instructionCount();
        }
        ByteBuffer linked = ByteBuffer.allocate(nextSlot * 8);
        linked.put(original.array());
        appended.forEach(linked::put);
        return new Linked(linked.array(), List.copyOf(allMaps));
    }

    /** Points every call to {@code from}, and every {@code lddw} of its address, in the first {@code slots} at {@code to}. */
    private static void redirect(ByteBuffer code, int slots, int from, int to) {
        for (int i = 0; i < slots; i++) {
            int opcode = code.get(i * 8) & 0xff;
            int src = (code.get(i * 8 + 1) & 0xff) >>> 4;
            int imm = code.getInt(i * 8 + 4);
            boolean localCall = opcode == CALL && src == PSEUDO_CALL;
            boolean functionAddress = opcode == Opcodes.LDDW && src == PSEUDO_FUNC;
            if ((localCall || functionAddress) && i + imm + 1 == from) {
                code.putInt(i * 8 + 4, to - i - 1);
            }
            if (opcode == Opcodes.LDDW) {
                i++; // the second slot of a lddw holds data, not an instruction
            }
        }
    }

    static Optional<FunctionSpec> find(ProgramSpec program, String function) {
        return program.functions().stream().filter(f -> f.name().equals(function)).findFirst();
    }
}
