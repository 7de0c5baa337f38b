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
                    + " each); assembly files (*.s, *.asm, *.data) are assembled first. ELF object files are not"
                    + " supported yet."
        })
final class DisasmCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE", description = "Raw instructions, or - for standard input.")
    String file;

    @Option(names = "--dialect", paramLabel = "DIALECT",
            description = "Read FILE as assembly in this dialect (llvm or conformance) instead of raw instructions.")
    Dialect dialect;

    @Option(names = "--mcpu", paramLabel = "CPU", defaultValue = "generic",
            description = "The CPU version to decode for, as llvm-objdump's --mcpu: generic (default, as v1), v1, v2,"
                    + " v3 or v4 (from v3 on, narrow loads and stores print w registers and 32-bit atomics decode).")
    Disassembler.Cpu cpu;

    @Override
    public Integer call() {
        // ELF objects (several sections, symbols) will come through ProgramReader's ELF extension
        // point; each section will then be printed under its own objdump-style header.
        LoadedProgram program = ProgramReader.read(file, main.terminal().in(), dialect);
        PrintStream out = main.terminal().out();
        for (String line : Disassembler.objdumpLines(program.code(), cpu)) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
