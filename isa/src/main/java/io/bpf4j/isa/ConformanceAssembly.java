package io.bpf4j.isa;

import java.util.List;

/**
 * Output of {@link ConformanceAssembler}: the slots, and for each slot the 1-based line and column
 * of the instruction that produced it, so that a structural error found afterwards can be reported
 * at its place in the source.
 */
record ConformanceAssembly(List<Instruction> slots, int[] lines, int[] columns, int lineCount) {

    /**
     * The slots as a well-formed program.
     *
     * @throws AssemblyException naming the source line of the first malformed instruction
     */
    Instructions validate() {
        if (slots.isEmpty()) {
            throw new AssemblyException(Math.max(lineCount, 1), 1, "the program has no instructions");
        }
        try {
            return Instructions.of(slots);
        } catch (InvalidInstructionException e) {
            int index = e.index();
            int line = index >= 0 && index < lines.length ? lines[index] : 1;
            int column = index >= 0 && index < columns.length ? columns[index] : 1;
            AssemblyException wrapped = new AssemblyException(line, column, e.getMessage(), e);
            throw wrapped;
        }
    }
}
