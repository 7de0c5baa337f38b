package io.bpf4j.cli;

import io.bpf4j.isa.Disassembler;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ExecutionTracer;
import java.io.PrintStream;

/**
 * Prints one line per executed instruction: its index, its disassembly and the registers it
 * changed, e.g. {@code      3: r0 += r1                       r0: 0x2 -> 0x5}.
 */
final class TraceWriter implements ExecutionTracer {
    /** Column at which the register changes start (index and text are padded to it). */
    private static final int TEXT_WIDTH = 32;

    private final PrintStream out;
    private final Instructions code;
    /** Disassembly per instruction, computed the first time it executes. */
    private final String[] texts;
    private final StringBuilder line = new StringBuilder(128);
    private long executed;

    TraceWriter(Instructions code, PrintStream out) {
        this.out = out;
        this.code = code;
        this.texts = new String[code.size()];
    }

    @Override
    public void executed(int pc, long[] before, long[] after) {
        executed++;
        line.setLength(0);
        String index = Integer.toString(pc);
        line.repeat(' ', Math.max(0, 6 - index.length())).append(index).append(": ");
        String text = text(pc);
        line.append(text);
        boolean first = true;
        for (int reg = 0; reg < Math.min(before.length, after.length); reg++) {
            if (before[reg] != after[reg]) {
                if (first) {
                    line.repeat(' ', Math.max(1, TEXT_WIDTH - text.length()));
                    first = false;
                } else {
                    line.append("  ");
                }
                line.append('r').append(reg).append(": 0x").append(Long.toHexString(before[reg]))
                        .append(" -> 0x").append(Long.toHexString(after[reg]));
            }
        }
        out.append(line).append(System.lineSeparator());
    }

    private String text(int pc) {
        if (pc < 0 || pc >= texts.length) {
            return "?";
        }
        if (texts[pc] == null) {
            try {
                texts[pc] = Disassembler.format(code, pc);
            } catch (RuntimeException e) {
                texts[pc] = "?";
            }
        }
        return texts[pc];
    }

    /** Instructions traced so far. */
    long executed() {
        return executed;
    }
}
