package io.bpf4j.compiler;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A program of one million instructions (the Linux limit) compiles: its function is split into
 * methods each small enough for HotSpot to compile (under HugeMethodLimit, 8000 bytes), it runs
 * compiled with the interpreter's result, and the time from load to the first compiled run is
 * reported.
 */
class LargeProgramTest {
    /** Straight-line arithmetic with forward branches and stack traffic, like unrolled clang output. */
    static Instructions millionInstructions(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = Instructions.MAX_SLOTS;
        List<Instruction> code = new ArrayList<>(n);
        int[] ops = {ADD, SUB, MUL, OR, AND, XOR, LSH, RSH, ARSH};
        code.add(new Instruction(ALU64 | MOV | K, 0, 0, 0, 1));
        for (int r = 2; r <= 9; r++) {
            code.add(new Instruction(ALU64 | MOV | X, r, 1, 0, 0));
        }
        while (code.size() < n - 1) {
            int left = n - 1 - code.size();
            int kind = random.nextInt(100);
            int d = random.nextInt(10) == 0 ? 0 : 2 + random.nextInt(8);
            if (kind < 5 && left > 10) {
                code.add(new Instruction(JMP | JGT | X, d, 2 + random.nextInt(8), 1 + random.nextInt(8), 0));
            } else if (kind < 7 && left > 2) {
                code.add(new Instruction(STX | MEM | DW, 10, d, -8 * (1 + random.nextInt(8)), 0));
                code.add(new Instruction(LDX | MEM | DW, 2 + random.nextInt(8), 10, -8 * (1 + random.nextInt(8)), 0));
            } else {
                int op = ops[random.nextInt(ops.length)];
                boolean wide = random.nextBoolean();
                int imm = op == LSH || op == RSH || op == ARSH ? random.nextInt(wide ? 64 : 32) : random.nextInt(-100, 100);
                code.add(random.nextInt(3) == 0
                        ? new Instruction((wide ? ALU64 : ALU) | op | X, d, 2 + random.nextInt(8), 0, 0)
                        : new Instruction((wide ? ALU64 : ALU) | op | K, d, 0, 0, imm));
            }
        }
        code.add(new Instruction(EXIT_OP, 0, 0, 0, 0));
        return Instructions.of(code);
    }

    @Test
    void aMillionInstructionProgramCompilesIntoSmallMethodsAndRunsCompiled() {
        Instructions code = millionInstructions(42);
        assertThat(code.size()).isEqualTo(1_000_000);
        Program program = Program.of("million", code);
        BpfRuntime compiled = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        List<byte[]> classFiles = new ArrayList<>();
        long start = System.nanoTime();
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> classFiles.add(c.classFile()), () -> exe[0] = compiled.load(program));
        long loaded = System.nanoTime();
        long r0 = exe[0].run(new byte[16]);
        long firstRun = System.nanoTime();
        System.out.printf("1,000,000-instruction program: load and compile %d ms, first compiled run %d ms,"
                        + " load to first compiled run %d ms; class file %d bytes%n",
                (loaded - start) / 1_000_000, (firstRun - loaded) / 1_000_000, (firstRun - start) / 1_000_000,
                classFiles.getFirst().length);
        assertThat(exe[0].isCompiled()).isTrue();

        ClassModel model = ClassFile.of().parse(classFiles.getFirst());
        int methods = 0;
        for (MethodModel method : model.methods()) {
            int length = method.code().map(c -> ((CodeAttribute) c).codeLength()).orElse(0);
            assertThat(length).as(method.methodName().stringValue()).isLessThan(8000);
            methods++;
        }
        assertThat(methods).isGreaterThan(100);

        long expected = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build().load(program).run(new byte[16]);
        assertThat(r0).isEqualTo(expected);
    }
}
