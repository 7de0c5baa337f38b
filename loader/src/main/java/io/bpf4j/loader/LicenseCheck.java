package io.bpf4j.loader;

import io.bpf4j.isa.Opcodes;
import io.bpf4j.runtime.Helper;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.LinuxHelpers;
import io.bpf4j.runtime.ProgramLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        ByteBuffer code = ByteBuffer.wrap(program.code()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < program.instructionCount(); i++) {
            int opcode = code.get(i * 8) & 0xff;
            int src = (code.get(i * 8 + 1) & 0xff) >>> 4;
            if (opcode == CALL && src == 0) {
                int id = code.getInt(i * 8 + 4);
                boolean gplOnly = helpers.find(id).map(Helper::prototype).orElseGet(() -> LinuxHelpers.prototypeOf(id))
                        .gplOnly();
                if (gplOnly) {
                    String name = helpers.find(id).map(Helper::name).orElse("helper " + id);
                    throw new ProgramLoadException(i, "program '" + program.name() + "' calls bpf_" + name + " (helper "
                            + id + "), which is GPL-only, but the object's license '" + object.license()
                            + "' is not GPL-compatible (Linux refuses it too: use a GPL-compatible license string"
                            + " such as \"GPL\" or \"Dual BSD/GPL\")");
                }
            } else if (opcode == Opcodes.LDDW) {
                i++;
            }
        }
    }
}
