package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import org.junit.jupiter.api.Test;

/**
 * Runs on one thread reuse its stack frames, but each run still starts with a zeroed stack, and a
 * run started from inside another (a helper running a program) gets frames of its own.
 */
class StackReuseTest {
    private static final Program WRITE = Program.of("write", Assembler.assemble("""
            r1 = 0x1122334455667788 ll
            *(u64 *)(r10 - 8) = r1
            *(u64 *)(r10 - 512) = r1
            r0 = *(u64 *)(r10 - 8)
            exit
            """));
    private static final Program READ = Program.of("read", Assembler.assemble("""
            r0 = *(u64 *)(r10 - 8)
            r1 = *(u64 *)(r10 - 512)
            r0 |= r1
            exit
            """));

    @Test
    void everyRunStartsWithAZeroedStack() {
        BpfRuntime runtime = BpfRuntime.create();
        Executable write = runtime.load(WRITE);
        Executable read = runtime.load(READ);
        for (int i = 0; i < 3; i++) {
            assertThat(write.run(new byte[0])).isEqualTo(0x1122334455667788L);
            assertThat(read.run(new byte[0])).isZero();
        }
    }

    @Test
    void aRunInsideARunHasItsOwnStack() {
        Executable[] inner = new Executable[1];
        BpfRuntime runtime = BpfRuntime.builder()
                .helper(1001, "run_inner", (r1, r2, r3, r4, r5, ctx) -> inner[0].run(new byte[0]))
                .build();
        inner[0] = runtime.load(WRITE);
        Executable outer = runtime.load(Program.of("outer", Assembler.assemble("""
                r1 = 7
                *(u64 *)(r10 - 8) = r1
                call 1001
                r0 = *(u64 *)(r10 - 8)
                exit
                """)));
        assertThat(outer.run(new byte[0])).isEqualTo(7);
    }
}
