package io.bpf4j.loader;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.runtime.Helper;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.LinuxHelpers;
import io.bpf4j.runtime.ProgramLoadException;

/**
 * Linux's licence rule: a program whose {@code license} section is not GPL-compatible may not
 * call helpers marked GPL-only ({@code gpl_only} in their prototype). Checked at load, for every
 * program, whether or not it is verified, because it is a condition of use, not of safety.
 */
final class LicenseCheck {
    private static final int CALL = Opcodes.JMP | Opcodes.CALL;

    private LicenseCheck() {}

    /** @throws ProgramLoadException naming the first GPL-only helper a non-GPL program calls */
    static void check(BpfObject object, ProgramSpec program, HelperRegistry helpers) {
        if (object.gplCompatible()) {
            return;
        }
        Instructions code = program.instructions();
        for (int i = 0; i < code.size(); i++) {
            Instruction insn = code.get(i);
            if (insn.opcode() == CALL && insn.src() == 0) {
                int id = insn.imm();
                boolean gplOnly = helpers.find(id).map(Helper::prototype).orElseGet(() -> LinuxHelpers.prototypeOf(id))
                        .gplOnly();
                if (gplOnly) {
                    String name = helpers.find(id).map(Helper::name)
                            .or(() -> LinuxHelpers.find(id).map(LinuxHelpers.Entry::name)).orElse("unknown");
                    throw new ProgramLoadException(i, "program '" + program.name() + "' calls bpf_" + name + " (helper "
                            + id + "), which is GPL-only, but the object's license '" + object.license()
                            + "' is not GPL-compatible (Linux refuses it too: use a GPL-compatible license string"
                            + " such as \"GPL\" or \"Dual BSD/GPL\")");
                }
            } else if (code.isWide(i)) {
                i++; // the second slot of a lddw holds data, not an instruction
            }
        }
    }
}
