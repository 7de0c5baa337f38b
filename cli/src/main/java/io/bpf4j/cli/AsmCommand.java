package io.bpf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j asm}: assembly to raw instructions. */
@Command(
        name = "asm",
        mixinStandardHelpOptions = true,
        header = "Assemble a program into raw instructions.",
        description = {
            "Assembles FILE into raw eBPF instructions: 8 bytes each, little-endian, lddw taking two.",
            "FILE is LLVM-syntax assembly (what llvm-objdump -d prints and llvm-mc -triple bpf accepts),"
                    + " or with --dialect conformance the uBPF/bpf_conformance dialect. A file named *.data is read as"
                    + " a bpf_conformance test file and its program is assembled.",
            "Prints nothing on success."
        })
final class AsmCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE", description = "Assembly source, or - for standard input.")
    String file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Where to write the instructions, - for standard output."
                    + " Default: FILE with its extension replaced by .bin (standard output when FILE is -).")
    String output;

    @Option(names = "--dialect", paramLabel = "DIALECT",
            description = "Assembly dialect: llvm (default) or conformance (mov32 %%r0, 1).")
    Dialect dialect;

    @Override
    public Integer call() {
        String target = output != null ? output : defaultOutput(file);
        LoadedProgram program = ProgramReader.read(file, main.terminal().in(), dialect != null ? dialect : Dialect.LLVM);
        byte[] bytes = program.code().toBytes();
        if ("-".equals(target)) {
            main.terminal().out().write(bytes, 0, bytes.length);
            main.terminal().out().flush();
        } else {
            try {
                if (!"-".equals(file) && Files.exists(Path.of(target)) && Files.isSameFile(Path.of(file), Path.of(target))) {
                    throw CliException.badInput(target + ": output would overwrite the input; choose another with -o");
                }
                Files.write(Path.of(target), bytes);
            } catch (IOException e) {
                throw Errors.io(target, e);
            }
        }
        return ExitCodes.OK;
    }

    /** {@code prog.s} → {@code prog.bin}; {@code -} → standard output. */
    static String defaultOutput(String file) {
        if ("-".equals(file)) {
            return "-";
        }
        Path path = Path.of(file);
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return path.resolveSibling(base + ".bin").toString();
    }
}
