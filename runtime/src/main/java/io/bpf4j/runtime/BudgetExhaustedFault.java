package io.bpf4j.runtime;

/** The program executed more instructions than the runtime's instruction budget allows. */
public final class BudgetExhaustedFault extends ProgramFault {
    private final long budget;

    public BudgetExhaustedFault(int pc, long budget) {
        super(pc, "instruction budget of " + budget + " exhausted: the program may not terminate,"
                + " or needs a larger budget");
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }
}
