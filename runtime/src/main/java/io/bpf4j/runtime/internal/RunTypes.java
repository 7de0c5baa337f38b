package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import java.util.Arrays;

/** Which typed run a program may be given. */
final class RunTypes {
    private RunTypes() {}

    /**
     * The type a run of {@code program} as one of {@code accepted} has: the program's own type,
     * or for an {@link ProgramType#UNSPEC} program the first accepted one.
     *
     * @throws IllegalArgumentException if the program has another type
     */
    static ProgramType check(Program program, String run, ProgramType... accepted) {
        ProgramType type = program.type();
        if (type == ProgramType.UNSPEC) {
            return accepted[0];
        }
        for (ProgramType t : accepted) {
            if (t == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("program '" + program.name() + "' is a " + type + " program; " + run
                + " runs programs of type " + Arrays.toString(accepted) + " (or UNSPEC)");
    }
}
