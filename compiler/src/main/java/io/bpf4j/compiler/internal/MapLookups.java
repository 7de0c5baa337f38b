package io.bpf4j.compiler.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.spi.DecodedProgram;
import java.util.BitSet;

/**
 * Calls of {@code bpf_map_lookup_elem} the generated code carries out itself: those that call
 * the runtime's own helper ({@link DecodedProgram#callsMapLookup}) on an array map (not per-CPU)
 * that the call site names statically: r1 was set by a {@code lddw} map reference that control
 * cannot bypass (no jump lands between it and the call). An array lookup is then a bounds check of the key and an address
 * computation ({@link CompiledSupport#arrayLookup}), with the array's storage address from the
 * run's map bindings: no helper call, and nothing after it to refresh (the byte[] cache, the bound
 * regions), since no helper ran. Every other call goes to the helper.
 */
final class MapLookups {
    /** Instructions looked back from a call for r1's definition. */
    static final int MAX_LOOKBACK = 64;

    private final DecodedProgram program;
    /** Instructions control can reach other than by falling through: jump targets and function entries. */
    private final BitSet entered = new BitSet();

    MapLookups(DecodedProgram program, ProgramShape shape) {
        this.program = program;
        for (int f : shape.functions) {
            entered.set(f);
        }
        for (int pc = 0; pc < shape.size; pc++) {
            int target = ProgramShape.isJump(program.opcode(pc)) ? shape.jumpTarget(pc) : -1;
            if (target >= 0) {
                entered.set(target);
            }
        }
    }

    /** The array map the call at {@code pc} looks up inline, or null when the helper is called. */
    BpfMap inlinedArray(int pc) {
        if (program.opcode(pc) != CALL_IMM || program.src(pc) != 0 || !program.callsMapLookup(pc)) {
            return null;
        }
        int index = mapIndex(pc);
        BpfMap map = index < 0 ? null : program.mapAt(index);
        return map != null && map.type() == MapType.ARRAY && map.cpuCount() == 1 ? map : null;
    }

    /**
     * The index of the map r1 names at the call at {@code pc}: r1's last definition before the
     * call, if it is a {@code lddw} map reference and no jump lands after it; -1 when r1 may come
     * from anywhere else (another definition, a jump target on the way, a call).
     */
    int mapIndex(int pc) {
        if (entered.get(pc)) {
            return -1; // entered by a jump: r1 depends on where from
        }
        // Clang sets r1 just before the call; looking further back is rarely worth its time.
        for (int p = pc - 1; p >= 0 && p >= pc - MAX_LOOKBACK; p--) {
            int op = program.opcode(p);
            if (op == -1) {
                continue; // second slot of a lddw
            }
            if (op == DecodedProgram.LDDW_MAP || op == DecodedProgram.LDDW_MAP_VALUE || op == LDDW) {
                if (program.dst(p) == 1) {
                    return op == DecodedProgram.LDDW_MAP ? (int) program.imm(p) : -1;
                }
            } else if (!keepsR1(op, p)) {
                return -1;
            }
            if (entered.get(p)) {
                return -1; // control may arrive here with another r1
            }
        }
        return -1;
    }

    /** Whether an instruction (no lddw) certainly leaves r1 as it is and falls through. */
    private boolean keepsR1(int op, int p) {
        if (op > 0xff) {
            return false; // a tail call
        }
        int cls = op & 0x07;
        return switch (cls) {
            case ALU, ALU64, LDX -> program.dst(p) != 1;
            case ST -> true;
            case STX -> (op & 0xe0) != ATOMIC || program.src(p) != 1 && program.src(p) != 0;
            default -> false; // jumps, calls, exit, legacy packet loads
        };
    }
}
