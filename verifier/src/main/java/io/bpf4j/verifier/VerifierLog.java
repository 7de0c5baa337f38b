package io.bpf4j.verifier;

import java.util.List;
import java.util.Optional;

/**
 * Why a program was rejected: where, in what state, and why, in a form a user can act on.
 *
 * @param instruction the index of the instruction at fault (-1 when the fault is not at one instruction)
 * @param disassembly that instruction in LLVM syntax
 * @param state the registers and stack at that point, as Linux prints them ({@code R1=ctx() R10=fp0 fp-8=mmmmmmmm})
 * @param reason one plain sentence
 * @param sourceLine the C source line, when BTF line info was given
 * @param trace at log level 2, every instruction processed on the failing path with its state
 */
public record VerifierLog(int instruction, String disassembly, String state, String reason,
        Optional<String> sourceLine, List<String> trace) {

    public VerifierLog {
        trace = List.copyOf(trace);
    }

    /** The log as the command prints it. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (String line : trace) {
            b.append(line).append('\n');
        }
        if (instruction >= 0) {
            sourceLine.ifPresent(s -> b.append("; ").append(s.strip()).append('\n'));
            b.append(instruction).append(": ").append(disassembly).append('\n');
            if (!state.isEmpty()) {
                b.append("    state: ").append(state).append('\n');
            }
        }
        b.append("rejected: ").append(reason);
        if (instruction >= 0) {
            b.append(" (instruction ").append(instruction).append(")");
        }
        b.append('\n');
        explanation().ifPresent(text -> b.append("why: ").append(text).append('\n'));
        return b.toString();
    }

    /** The reason in one plain sentence, for the messages that have one. */
    public Optional<String> explanation() {
        return PlainReasons.explain(reason);
    }
}
