package io.bpf4j.cli;

import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.FunctionSpec;
import io.bpf4j.loader.MapReference;
import io.bpf4j.loader.ObjectFormatException;
import io.bpf4j.loader.ProgramSpec;
import io.bpf4j.loader.btf.LineInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bpf4j disasm OBJ}: each program of an object as the runtime sees it, linked and
 * relocated, in llvm-objdump's line format, with function labels, map names and C source lines.
 */
final class ObjectListing {
    private ObjectListing() {}

    static void print(String file, byte[] content, String wanted, Disassembler.Cpu cpu, PrintStream out) {
        BpfObject object;
        try {
            object = BpfObject.parse(content, "-".equals(file) ? "stdin" : Path.of(file).getFileName().toString());
        } catch (ObjectFormatException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        }
        List<ProgramSpec> programs = object.programs().stream()
                .filter(p -> wanted == null || p.name().equals(wanted) || p.sectionName().equals(wanted)).toList();
        if (programs.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, file + ": " + (wanted == null ? "the object has no programs"
                    : "no program '" + wanted + "'; it has " + object.programs().stream()
                            .map(p -> p.name() + " in " + p.sectionName()).toList()));
        }
        boolean first = true;
        for (ProgramSpec program : programs) {
            if (!first) {
                out.println();
            }
            first = false;
            print(program, cpu, out);
        }
        out.flush();
    }

    private static void print(ProgramSpec program, Disassembler.Cpu cpu, PrintStream out) {
        Instructions code;
        try {
            code = program.instructions();
        } catch (RuntimeException e) {
            throw CliException.badInput(program.name() + ": " + e.getMessage());
        }
        out.printf("program %s (section %s, %s, %d instructions)%n", program.name(), program.sectionName(),
                program.kind().name().toLowerCase(), program.instructionCount());
        Map<Integer, String> labels = new HashMap<>();
        for (FunctionSpec f : program.functions()) {
            labels.put(f.startIndex(), f.name());
        }
        Map<Integer, String> maps = new HashMap<>();
        for (MapReference m : program.mapReferences()) {
            maps.put(m.instructionIndex(), m.kind() == MapReference.Kind.MAP_VALUE
                    ? "map " + m.mapName() + " + " + m.offset() : "map " + m.mapName());
        }
        Map<Integer, LineInfo> lines = new HashMap<>();
        for (LineInfo li : program.lineInfo()) {
            lines.put(li.instructionIndex(), li);
        }
        String lastSource = null;
        for (String line : Disassembler.objdumpLines(code, cpu)) {
            int index = Integer.parseInt(line.substring(0, line.indexOf(':')).trim());
            String label = labels.get(index);
            if (label != null) {
                out.println();
                out.printf("%016x <%s>:%n", index * 8L, label);
            }
            LineInfo source = lines.get(index);
            // As objdump -S: a source line once, above the first instruction of a run that comes from it.
            if (source != null && !source.sourceLine().isBlank()) {
                String where = source.fileName() + ":" + source.line();
                if (!where.equals(lastSource)) {
                    out.println("; " + source.sourceLine().strip() + "  [" + where + "]");
                    lastSource = where;
                }
            }
            String map = maps.get(index);
            out.println(map == null ? line : line + "  ; " + map);
        }
    }
}
