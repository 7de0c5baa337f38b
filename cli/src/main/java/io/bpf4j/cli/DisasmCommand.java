package io.bpf4j.cli;

import io.bpf4j.isa.Disassembler;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j disasm}: raw instructions to the lines {@code llvm-objdump -d} prints. */
@Command(
        name = "disasm",
        mixinStandardHelpOptions = true,
        header = "Disassemble raw instructions as llvm-objdump -d does.",
        description = {
            "Disassembles FILE, printing for every instruction the line llvm-objdump-19 -d prints: index,"
                    + " the instruction's bytes in hex, a tab, the instruction in LLVM syntax, with jump targets"
                    + " annotated as objdump does for a code section without symbols:",
            "       0:\tb7 00 00 00 2a 00 00 00\tr0 = 0x2a",
            "       5:\t15 01 06 00 00 00 00 00\tif r1 == 0x0 goto +0x6 <.text+0x60>",
            "Section and symbol headers are not printed. FILE holds raw instructions (8 little-endian bytes"
                    + " each); assembly files (*.s, *.asm, *.data) are assembled first.",
            "For an ELF object file, each program (or the one --program names) is printed as bpf4j runs it:"
                    + " linked with the subprograms it calls (each under its <name>: label) and relocated, map"
                    + " references annotated with the map's name, and, when the object has BTF line info, the C"
                    + " source line above the instructions it compiled to."
        })
final class DisasmCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Raw instructions, or - for standard input.")
    String file;

    @Option(names = "--dialect", paramLabel = "DIALECT",
            description = "Read FILE as assembly in this dialect (llvm or conformance) instead of raw instructions.")
    Dialect dialect;

    @Option(names = "--mcpu", paramLabel = "CPU", defaultValue = "generic",
            description = "The CPU version to decode for, as llvm-objdump's --mcpu: generic (default, as v1), v1, v2,"
                    + " v3 or v4 (from v3 on, narrow loads and stores print w registers and 32-bit atomics decode).")
    Disassembler.Cpu cpu;

    @Option(names = "--program", paramLabel = "NAME",
            description = "For an object file: only this program (function or section name).")
    String programName;

    @Override
    public Integer call() {
        byte[] content = ProgramReader.readBytes(file, main.terminal().in());
        if (InputFormat.isElf(content)) {
            ObjectListing.print(file, content, programName, cpu, main.terminal().out());
            return ExitCodes.OK;
        }
        if (programName != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--program is for object files");
        }
        LoadedProgram program = ProgramReader.read(file, content, dialect);
        PrintStream out = main.terminal().out();
        for (String line : Disassembler.objdumpLines(program.code(), cpu)) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
