package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The compiler against the interpreter, the reference semantics: thousands of seeded random
 * programs ({@link RandomPrograms}) on random input must give the same r0 or the same fault
 * (type, instruction, message), leave the same bytes in the input buffer, and make the same helper
 * calls, in the same order, with the same arguments. A failure names the seed and prints the
 * program.
 */
class DifferentialTest {
    private static final int BATCHES = 40;
    private static final int PROGRAMS_PER_BATCH = 100;

    /** The helper calls of the current run. */
    private static List<String> log = new ArrayList<>();

    private static BpfRuntime runtime(ExecutionMode mode, long budget) {
        return BpfRuntime.builder()
                .executionMode(mode)
                .instructionBudget(budget)
                .helper(RandomPrograms.MIX_HELPER, "mix", (r1, r2, r3, r4, r5, ctx) -> {
                    log.add(r1 + "," + r2 + "," + r3 + "," + r4 + "," + r5 + "@" + ctx.pc());
                    return Long.rotateLeft(r1 * 31 + r2, (int) r3) ^ r4 - r5;
                })
                .build();
    }

    private static final BpfRuntime INTERPRETER = runtime(ExecutionMode.INTERPRETER, 5_000);
    private static final BpfRuntime COMPILED = runtime(ExecutionMode.COMPILED, 5_000);
    /** No budget: programs whose loops end on their own run without one in both engines. */
    private static final BpfRuntime INTERPRETER_UNBUDGETED = runtime(ExecutionMode.INTERPRETER, 0);
    private static final BpfRuntime COMPILED_UNBUDGETED = runtime(ExecutionMode.COMPILED, 0);

    record Outcome(String result, String memory, List<String> helperCalls) {}

    private static Outcome run(BpfRuntime runtime, Instructions code, byte[] input) {
        return run(runtime, code, input, 0);
    }

    /** @param chunkBytes if positive, every function is split into chunks of about this size */
    private static Outcome run(BpfRuntime runtime, Instructions code, byte[] input, int chunkBytes) {
        Executable[] loaded = new Executable[1];
        if (chunkBytes > 0) {
            BytecodeCompilerService.splittingEverything(chunkBytes, () -> loaded[0] = runtime.load(Program.of("random", code)));
        } else {
            loaded[0] = runtime.load(Program.of("random", code));
        }
        Executable exe = loaded[0];
        byte[] memory = input.clone();
        log = new ArrayList<>();
        String result;
        try {
            result = "r0=" + exe.run(memory);
        } catch (ProgramFault f) {
            result = f.getClass().getSimpleName() + ": " + f.getMessage();
        }
        return new Outcome(result, HexFormat.of().formatHex(memory), log);
    }

    @TestFactory
    Stream<DynamicTest> compiledAgreesWithInterpreter() {
        return IntStream.range(0, BATCHES).mapToObj(batch -> DynamicTest.dynamicTest("seeds " + batch * PROGRAMS_PER_BATCH
                + " to " + ((batch + 1) * PROGRAMS_PER_BATCH - 1), () -> {
            for (int i = 0; i < PROGRAMS_PER_BATCH; i++) {
                long seed = (long) batch * PROGRAMS_PER_BATCH + i;
                Instructions code = new RandomPrograms(seed).next();
                byte[] input = new byte[RandomPrograms.BUFFER];
                new SplittableRandom(~seed).nextBytes(input);
                Outcome expected = run(INTERPRETER, code, input);
                Outcome actual = run(COMPILED, code, input);
                assertThat(actual).as(() -> "seed " + seed + "\n" + listing(code)).isEqualTo(expected);
                if (!expected.result().startsWith("BudgetExhausted")) {
                    Outcome unbudgeted = run(COMPILED_UNBUDGETED, code, input);
                    assertThat(unbudgeted).as(() -> "seed " + seed + " without budget\n" + listing(code))
                            .isEqualTo(run(INTERPRETER_UNBUDGETED, code, input));
                }
            }
        }));
    }

    /**
     * The same with every function split into many small chunks (the form huge programs take), so
     * that control moving between chunks, the register array and budget hand-over are covered.
     */
    @TestFactory
    Stream<DynamicTest> splitFunctionsAgreeWithInterpreter() {
        return IntStream.range(0, 10).mapToObj(batch -> DynamicTest.dynamicTest("split, seeds " + (100_000 + batch * 100), () -> {
            for (int i = 0; i < 100; i++) {
                long seed = 100_000 + (long) batch * 100 + i;
                Instructions code = new RandomPrograms(seed).next();
                byte[] input = new byte[RandomPrograms.BUFFER];
                new SplittableRandom(~seed).nextBytes(input);
                int chunkBytes = 40 + (int) (seed % 200);
                Outcome expected = run(INTERPRETER, code, input);
                Outcome actual = run(COMPILED, code, input, chunkBytes);
                assertThat(actual).as(() -> "seed " + seed + ", chunks of " + chunkBytes + "\n" + listing(code)).isEqualTo(expected);
                if (!expected.result().startsWith("BudgetExhausted")) {
                    assertThat(run(COMPILED_UNBUDGETED, code, input, chunkBytes)).as(() -> "seed " + seed + " without budget")
                            .isEqualTo(run(INTERPRETER_UNBUDGETED, code, input));
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> theGeneratorCoversFaultsLoopsAndCalls() {
        // A differential test that never faults, loops or calls proves little: check the mix.
        return Stream.of(DynamicTest.dynamicTest("outcome mix", () -> {
            int faults = 0, budget = 0, ok = 0, helperCalls = 0;
            for (long seed = 0; seed < 500; seed++) {
                Instructions code = new RandomPrograms(seed).next();
                Outcome o = run(INTERPRETER, code, new byte[RandomPrograms.BUFFER]);
                if (o.result().startsWith("BudgetExhausted")) {
                    budget++;
                } else if (o.result().startsWith("r0=")) {
                    ok++;
                } else {
                    faults++;
                }
                helperCalls += o.helperCalls().size();
            }
            assertThat(ok).isGreaterThan(100);
            assertThat(faults).isGreaterThan(25);
            assertThat(budget).isGreaterThan(5);
            assertThat(helperCalls).isGreaterThan(50);
        }));
    }

    private static String listing(Instructions code) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.size(); i++) {
            if (i > 0 && code.isWide(i - 1)) {
                continue;
            }
            sb.append(String.format("%4d: %s%n", i, Disassembler.format(code, i)));
        }
        return sb.toString();
    }
}
