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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A class's constant pool holds at most 65535 entries (a long takes two), so a program with more
 * distinct constants than that cannot keep them all there: the compiler moves the overflow to
 * per-method tables in the class data. Such programs compile and agree with the interpreter.
 */
class ManyConstantsTest {
    /**
     * {@code count} distinct 64-bit lddw constants and {@code count} distinct 32-bit immediates
     * outside 16-bit range (ALU64, ALU32, jumps, stores), mixed into r0 so that every one matters.
     */
    static Instructions manyConstants(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<Long> wide = new HashSet<>();
        Set<Integer> narrow = new HashSet<>();
        List<Instruction> code = new ArrayList<>();
        code.add(new Instruction(ALU64 | MOV | K, 0, 0, 0, 0));
        for (int i = 0; i < count; i++) {
            long value;
            do {
                value = random.nextLong();
            } while (!wide.add(value));
            code.addAll(List.of(Instruction.lddw(1, 0, value)));
            code.add(new Instruction(ALU64 | XOR | X, 0, 1, 0, 0));
            int imm;
            do {
                imm = random.nextInt();
            } while (imm == (short) imm || !narrow.add(imm));
            switch (i % 4) {
                case 0 -> code.add(new Instruction(ALU64 | ADD | K, 0, 0, 0, imm));
                case 1 -> code.add(new Instruction(ALU | XOR | K, 0, 0, 0, imm));
                case 2 -> {
                    // if r0 > imm (unsigned) r0 += 3: a jump on the constant
                    code.add(new Instruction(JMP | JGT | K, 0, 0, 1, imm));
                    code.add(new Instruction(ALU64 | ADD | K, 0, 0, 0, 3));
                }
                default -> {
                    // *(u64 *)(r10 - 8) = imm; r0 ^= *(u64 *)(r10 - 8)
                    code.add(new Instruction(ST | MEM | DW, 10, 0, -8, imm));
                    code.add(new Instruction(LDX | MEM | DW, 2, 10, -8, 0));
                    code.add(new Instruction(ALU64 | XOR | X, 0, 2, 0, 0));
                }
            }
        }
        code.add(new Instruction(EXIT_OP, 0, 0, 0, 0));
        return Instructions.of(code);
    }

    @Test
    void aProgramWithMoreDistinctConstantsThanAConstantPoolHoldsCompilesAndAgreesWithTheInterpreter() {
        int count = 50_000; // 50,000 longs (100,000 pool slots) and 50,000 ints
        Program program = Program.of("constants", manyConstants(count, 7));
        long expected = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build().load(program).run(new byte[0]);

        List<byte[]> classFiles = new ArrayList<>();
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> classFiles.add(c.classFile()),
                () -> exe[0] = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build().load(program));
        assertThat(exe[0].isCompiled()).isTrue();
        assertThat(exe[0].run(new byte[0])).isEqualTo(expected);
        assertThat(exe[0].run(new byte[0])).as("a second run").isEqualTo(expected);
        int poolSize = ClassFile.of().parse(classFiles.getFirst()).constantPool().size();
        assertThat(poolSize).as("constant pool entries").isLessThan(65535);
    }

    @Test
    void aFewConstantsStayInTheConstantPool() {
        Program program = Program.of("few", manyConstants(50, 11));
        List<byte[]> classFiles = new ArrayList<>();
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> classFiles.add(c.classFile()),
                () -> exe[0] = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build().load(program));
        long expected = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build().load(program).run(new byte[0]);
        assertThat(exe[0].run(new byte[0])).isEqualTo(expected);
        String text = BytecodeDump.toText(classFiles.getFirst());
        assertThat(text).contains("ldc2_w").doesNotContain("laload");
    }
}
