package io.bpf4j.bench;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.util.List;
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
 * The verifier on a 100,000-instruction XDP program made of blocks that each check packet
 * bounds, read the packet and a map value, branch, and run a bounded loop over the stack. The
 * primary result is the time per verification; the secondary result {@code :insns} counts the
 * instructions the verifier processed, so JMH reports them per second.
 *
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar VerifierBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class VerifierBenchmark {

    /** One block: about 40 instructions, with a loop of 4 iterations. */
    static final String BLOCK = """
                    r2 = *(u32 *)(r6 + 0)
                    r3 = *(u32 *)(r6 + 4)
                    r4 = r2
                    r4 += 14
                    if r4 > r3 goto skip%1$d
                    r5 = *(u16 *)(r2 + 12)
                    r7 += r5
                    r5 &= 15
                    *(u64 *)(r10 - 16) = r5
            skip%1$d:
                    r1 = 0
                    *(u32 *)(r10 - 4) = r1
                    r2 = r10
                    r2 += -4
                    r1 = map ll
                    call 1
                    if r0 == 0 goto nomap%1$d
                    r1 = *(u64 *)(r0 + 0)
                    r7 ^= r1
                    r1 = r7
                    r1 &= 7
                    r0 += r1
                    r1 = *(u8 *)(r0 + 0)
                    r7 += r1
            nomap%1$d:
                    r8 = 0
                    r9 = r10
                    r9 += -64
            loop%1$d:
                    *(u64 *)(r9 + 0) = r7
                    r9 += 8
                    r8 += 1
                    if r8 < 4 goto loop%1$d
                    r7 s>>= 1
                    if r7 s> 1000 goto big%1$d
                    r7 += 3
            big%1$d:
                    r7 *= 5
            """;

    /** A program of about {@code instructions} instructions. */
    static Instructions program(int instructions) {
        StringBuilder b = new StringBuilder("r6 = r1\nr7 = 0\n");
        int blockSize = Assembler.assemble(BLOCK.formatted(0).replace("map ll", "0 ll") + "exit\n").size() - 1;
        int blocks = Math.max(1, instructions / blockSize);
        for (int i = 0; i < blocks; i++) {
            b.append(BLOCK.formatted(i).replace("map ll", "0 ll"));
        }
        b.append("r0 = 2\nexit\n");
        Instructions code = Assembler.assemble(b.toString());
        // Make each "r1 = 0 ll" of the blocks a reference to map 0 (lddw src 1).
        List<io.bpf4j.isa.Instruction> slots = new java.util.ArrayList<>(code);
        for (int pc = 0; pc < slots.size(); pc++) {
            io.bpf4j.isa.Instruction insn = slots.get(pc);
            if (insn.opcode() == 0x18) {
                slots.set(pc, io.bpf4j.isa.Instruction.of(0x18, insn.dst(), 1, 0, 0));
                pc++;
            }
        }
        return Instructions.of(slots);
    }

    static VerificationRequest request(int instructions) {
        return VerificationRequest.of(program(instructions), ProgramType.XDP)
                .withMaps(List.of(MapDefinition.of(MapType.ARRAY, 4, 16, 1)));
    }

    @State(Scope.Benchmark)
    public static class Large {
        VerificationRequest request;
        long processed;

        @Setup(Level.Trial)
        public void setup() {
            request = request(100_000);
            VerificationResult r = Verifier.verify(request);
            if (!r.accepted()) {
                throw new IllegalStateException("benchmark program rejected: " + r.rejection().format());
            }
            processed = r.stats().instructionsProcessed();
            System.out.printf("%n[setup] %d instructions, %d processed, peak states %d%n", request.code().size(),
                    processed, r.stats().peakStates());
        }
    }

    /** Instructions processed by the verifier; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Processed {
        public long insns;

        @Setup(Level.Iteration)
        public void reset() {
            insns = 0;
        }
    }

    @Benchmark
    public boolean verify100kInstructions(Large large, Processed processed) {
        VerificationResult r = Verifier.verify(large.request);
        processed.insns += r.stats().instructionsProcessed();
        return r.accepted();
    }
}
