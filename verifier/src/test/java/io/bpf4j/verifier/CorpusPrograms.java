package io.bpf4j.verifier;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a corpus program (assembly with {@code map(N)} and {@code func(label)} in {@code lddw}
 * lines, kernel-run map specs, a type name) into instructions and a {@link VerificationRequest}.
 */
final class CorpusPrograms {
    private static final Pattern MAP = Pattern.compile("map\\((\\d+)\\)");
    private static final Pattern FUNC = Pattern.compile("func\\((\\w+)\\)");
    private static final Pattern VALUE = Pattern.compile("mapvalue\\((\\d+), *(\\d+)\\)");

    private CorpusPrograms() {}

    /** The instruction slots, with map references as lddw src 1 and imm the map's index (kernel-run's convention). */
    static List<Instruction> slots(String asm) {
        List<String> lines = new ArrayList<>(List.of(asm.split("\n")));
        List<int[]> markers = new ArrayList<>(); // per lddw line in order: {kind 0 plain/1 map/2 func, value}
        List<String> funcLabels = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.contains(" ll")) {
                continue;
            }
            Matcher m = MAP.matcher(l);
            Matcher f = FUNC.matcher(l);
            Matcher v = VALUE.matcher(l);
            if (v.find()) {
                markers.add(new int[] {3, Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2))});
                lines.set(i, v.replaceFirst("0"));
            } else if (m.find()) {
                markers.add(new int[] {1, Integer.parseInt(m.group(1))});
                lines.set(i, m.replaceFirst("0"));
            } else if (f.find()) {
                markers.add(new int[] {2, funcLabels.size()});
                funcLabels.add(f.group(1));
                lines.set(i, f.replaceFirst("0"));
            } else {
                markers.add(new int[] {0, 0});
            }
        }
        String text = String.join("\n", lines) + "\n";
        List<Instruction> slots = new ArrayList<>(Assembler.assembleSlots(text));
        int k = 0;
        for (int pc = 0; pc < slots.size(); pc++) {
            Instruction insn = slots.get(pc);
            if (insn.opcode() != 0x18) {
                continue;
            }
            int[] mk = markers.get(k++);
            if (mk[0] == 1) {
                slots.set(pc, Instruction.of(0x18, insn.dst(), 1, 0, mk[1]));
            } else if (mk[0] == 3) {
                slots.set(pc, Instruction.of(0x18, insn.dst(), 2, 0, mk[1]));
                slots.set(pc + 1, Instruction.of(0, 0, 0, 0, mk[2]));
            } else if (mk[0] == 2) {
                int target = labelIndex(lines, funcLabels.get(mk[1]));
                slots.set(pc, Instruction.of(0x18, insn.dst(), 4, 0, target - pc - 1));
            }
            pc++;
        }
        return slots;
    }

    static Instructions instructions(String asm) {
        return Instructions.of(slots(asm));
    }

    private static int labelIndex(List<String> lines, String label) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(label + ":")) {
                String before = String.join("\n", lines.subList(0, i)) + "\n";
                return before.isBlank() ? 0 : Assembler.assembleSlots(before).size();
            }
        }
        throw new IllegalArgumentException("no label " + label);
    }

    static ProgramType type(String name) {
        return switch (name) {
            case "xdp" -> ProgramType.XDP;
            case "socket_filter" -> ProgramType.SOCKET_FILTER;
            case "tc" -> ProgramType.SCHED_CLS;
            case "cgroup_skb" -> ProgramType.CGROUP_SKB;
            case "raw_tp" -> ProgramType.RAW_TRACEPOINT;
            default -> ProgramType.valueOf(name.toUpperCase(Locale.ROOT));
        };
    }

    static MapDefinition map(String spec) {
        String[] f = spec.split(":");
        MapType t = MapType.valueOf(f[0].toUpperCase(Locale.ROOT));
        return MapDefinition.of(t, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }

    static VerificationRequest request(String asm, String type, List<String> maps, String license) {
        List<MapDefinition> defs = maps.stream().map(CorpusPrograms::map).toList();
        boolean gpl = license.equals("GPL") || license.startsWith("GPL") || license.equals("Dual BSD/GPL");
        return VerificationRequest.of(Instructions.of(slots(asm)), type(type)).withMaps(defs).withGplCompatible(gpl);
    }
}
