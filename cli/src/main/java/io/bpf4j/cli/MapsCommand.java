package io.bpf4j.cli;

import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.MapSpec;
import io.bpf4j.runtime.maps.MapType;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j maps OBJ}: the maps an object file defines. */
@Command(
        name = "maps",
        mixinStandardHelpOptions = true,
        header = "List the maps an ELF object file defines.",
        description = {
            "One line per map: name, type, key and value sizes, max_entries, flags, and where it is defined"
                    + " (BTF .maps, the legacy maps section, or a global data section)."
        })
final class MapsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "OBJ", description = "An object file from clang -target bpf.")
    String file;

    @Override
    public Integer call() {
        BpfObject object = ObjectFiles.read(file);
        PrintStream out = main.terminal().out();
        out.printf("%-24s %-16s %5s %6s %10s %8s  %s%n", "NAME", "TYPE", "KEY", "VALUE", "ENTRIES", "FLAGS", "ORIGIN");
        for (MapSpec m : object.maps()) {
            out.printf("%-24s %-16s %5d %6d %10d %8s  %s%n", m.name(), typeName(m.type()), m.keySize(), m.valueSize(),
                    Integer.toUnsignedLong(m.maxEntries()), "0x" + Integer.toHexString(m.flags()),
                    m.origin().name().toLowerCase() + (m.readOnly() ? ", read-only" : ""));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String typeName(int id) {
        try {
            return MapType.fromId(id).name().toLowerCase();
        } catch (RuntimeException e) {
            return "type " + id;
        }
    }
}
