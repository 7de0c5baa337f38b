package io.bpf4j.runtime;

/** The program executed more instructions than the runtime's instruction budget allows. */
public final class BudgetExhaustedFault extends ProgramFault {
    private final long budget;

    public BudgetExhaustedFault(int pc, long budget) {
        super(pc, "instruction budget of " + budget + " exhausted (the program may not terminate;"
                + " raise the budget with instructionBudget(...) or --budget if it is just long)");
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }
}
