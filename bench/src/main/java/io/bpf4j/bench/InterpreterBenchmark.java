package io.bpf4j.bench;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The interpreter on three kinds of code: a tight ALU loop, loads and stores over a packet-sized
 * buffer and the stack, and a loop calling a Java helper.
 *
 * <p>Besides the time per run (ns/op), every benchmark reports a secondary result
 * {@code :insns} in ns per executed eBPF instruction: an {@link AuxCounters} counter of type
 * OPERATIONS that each run advances by the number of instructions it executes (counted once,
 * with a tracer, in setup), so JMH divides the time by it.
 *
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterpreterBenchmark {

    /** 1000 rounds of add, multiply, xor, shifts and 32-bit moves. */
    static final String ALU_LOOP = """
            # 1000 iterations of 64- and 32-bit arithmetic; r0 is a running hash
                    r0 = 0
                    r1 = 1000
                    r2 = 0x12345
            loop:
                    r0 += r1
                    r0 *= 3
                    r0 ^= r2
                    r3 = r0
                    r3 >>= 7
                    r0 -= r3
                    w4 = w0
                    w4 <<= 3
                    r0 |= r4
                    r1 += -1
                    if r1 != 0 goto loop
                    exit
            """;

    /** Walks a 1500-byte buffer 8 bytes at a time, moving data between it and the stack. */
    static final String MEMORY_LOOP = """
            # r1 = buffer, r2 = its length (1500 bytes: an Ethernet frame)
                    r6 = r1
                    r7 = r1
                    r7 += r2
                    r0 = 0
            loop:
                    r3 = r6
                    r3 += 8
                    if r3 > r7 goto done
                    r4 = *(u64 *)(r6 + 0)
                    *(u64 *)(r10 - 8) = r4
                    r5 = *(u32 *)(r10 - 8)
                    r0 += r5
                    r5 = *(u16 *)(r6 + 2)
                    *(u16 *)(r6 + 0) = r5
                    *(u64 *)(r10 - 16) = r0
                    r5 = *(u8 *)(r10 - 5)
                    r0 ^= r5
                    r6 += 8
                    goto loop
            done:
                    exit
            """;

    /** 1000 calls of a Java helper. */
    static final String HELPER_LOOP = """
            # calls helper 1000 (mix) 1000 times, chaining its result
                    r6 = 1000
                    r7 = 0
            loop:
                    r1 = r7
                    r2 = r6
                    call 1000
                    r7 = r0
                    r6 += -1
                    if r6 != 0 goto loop
                    r0 = r7
                    exit
            """;

    static final int MIX_HELPER = 1000;

    @State(Scope.Benchmark)
    public static class Programs {
        Executable alu;
        Executable memory;
        Executable helper;
        long aluInstructions;
        long memoryInstructions;
        long helperInstructions;
        final byte[] empty = new byte[0];

        @Setup(Level.Trial)
        public void setup() {
            BpfRuntime runtime = BpfRuntime.builder()
                    .executionMode(ExecutionMode.INTERPRETER) // the compiler is on the class path: keep measuring the interpreter
                    .helper(MIX_HELPER, "mix", (r1, r2, r3, r4, r5, ctx) -> r1 * 31 + r2)
                    .build();
            alu = runtime.load(Program.of("alu_loop", Assembler.assemble(ALU_LOOP)));
            memory = runtime.load(Program.of("memory_loop", Assembler.assemble(MEMORY_LOOP)));
            helper = runtime.load(Program.of("helper_loop", Assembler.assemble(HELPER_LOOP)));
            aluInstructions = count(alu, empty);
            memoryInstructions = count(memory, new byte[1500]);
            helperInstructions = count(helper, empty);
            System.out.printf("%n[setup] executed instructions per run: alu_loop %d, memory_loop %d, helper_loop %d%n",
                    aluInstructions, memoryInstructions, helperInstructions);
        }

        private static long count(Executable executable, byte[] input) {
            long[] n = {0};
            executable.run(input, (pc, before, after) -> n[0]++);
            return n[0];
        }
    }

    /** A fresh packet per thread: the memory program writes into it. */
    @State(Scope.Thread)
    public static class Packet {
        byte[] bytes;

        @Setup(Level.Trial)
        public void setup() {
            bytes = new byte[1500];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 7 + 3);
            }
        }
    }

    /** Executed eBPF instructions; JMH reports time divided by it (ns per instruction). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Executed {
        public long insns;

        @Setup(Level.Iteration)
        public void reset() {
            insns = 0;
        }
    }

    @Benchmark
    public long aluLoop(Programs p, Executed executed) {
        executed.insns += p.aluInstructions;
        return p.alu.run(p.empty);
    }

    @Benchmark
    public long memoryLoop(Programs p, Packet packet, Executed executed) {
        executed.insns += p.memoryInstructions;
        return p.memory.run(packet.bytes);
    }

    @Benchmark
    public long helperLoop(Programs p, Executed executed) {
        executed.insns += p.helperInstructions;
        return p.helper.run(p.empty);
    }
}
