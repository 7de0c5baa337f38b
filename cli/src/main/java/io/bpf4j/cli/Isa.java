package io.bpf4j.cli;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.ConformanceAssembler;
import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import java.util.List;

/** The one place the CLI calls the isa module's assemblers and disassembler. */
final class Isa {
    private Isa() {}

    static Instructions assembleLlvm(String source) {
        return Assembler.assemble(source);
    }

    static Instructions assembleConformance(String source) {
        return ConformanceAssembler.assemble(source);
    }

    /**
     * The lines {@code llvm-objdump-19 -d [--mcpu=cpu]} prints for the instructions (index, bytes,
     * text), one per instruction.
     */
    static List<String> objdumpLines(Instructions code, Disassembler.Cpu cpu) {
        return Disassembler.objdumpLines(code, cpu);
    }

    /** The text {@code llvm-objdump-19 -d} prints for the instruction at {@code index}. */
    static String text(Instructions code, int index) {
        return Disassembler.format(code, index);
    }
}
