package io.bpf4j.cli;

import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ProgramSpec;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j progs OBJ}: the programs of an object file. */
@Command(
        name = "progs",
        mixinStandardHelpOptions = true,
        header = "List the programs of an ELF object file.",
        description = {
            "One line per program: function name, section, program type, instructions (with the .text"
                    + " subprograms it calls linked in), and the maps it refers to."
        })
final class ProgsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "OBJ", description = "An object file from clang -target bpf.")
    String file;

    @Override
    public Integer call() {
        BpfObject object = ObjectFiles.read(file);
        PrintStream out = main.terminal().out();
        out.printf("%-24s %-28s %-16s %6s  %s%n", "NAME", "SECTION", "TYPE", "INSNS", "MAPS");
        for (ProgramSpec p : object.programs()) {
            String maps = String.join(",", p.mapReferences().stream().map(r -> r.mapName()).distinct().toList());
            out.printf("%-24s %-28s %-16s %6d  %s%n", p.name(), p.sectionName(), p.kind().name().toLowerCase(),
                    p.instructionCount(), maps.isEmpty() ? "-" : maps);
        }
        out.println("license: " + object.license() + (object.gplCompatible() ? " (GPL-compatible)" : " (not GPL-compatible)"));
        out.flush();
        return ExitCodes.OK;
    }
}
