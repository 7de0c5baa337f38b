package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.classic.ClassicCheckException;
import io.bpf4j.classic.ClassicChecker;
import io.bpf4j.classic.ClassicConverter;
import io.bpf4j.classic.ClassicFormatException;
import io.bpf4j.classic.ClassicProgram;
import io.bpf4j.classic.ClassicReader;
import io.bpf4j.classic.FilterKind;
import io.bpf4j.isa.Instructions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Classic BPF in every form {@link ClassicReader} detects (tcpdump -d/-dd/-ddd, binary, bpf_asm):
 * a format error, a check error, or a program the converter turns into eBPF without error.
 */
class ClassicFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void readCheckConvert(byte[] bytes) {
        ClassicProgram program;
        try {
            program = ClassicReader.read(bytes);
        } catch (ClassicFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        for (FilterKind kind : FilterKind.values()) {
            try {
                ClassicChecker.check(program, kind);
            } catch (ClassicCheckException e) {
                assertThat(e.getMessage()).isNotBlank();
                continue;
            }
            Instructions converted = ClassicConverter.convert(program, kind);
            assertThat(converted.size()).isPositive();
        }
    }

    @Test
    void seededMutations() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add("(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 5\n(002) ldb      [23]\n(003) jeq      #0x6             jt 4\tjf 5\n(004) ret      #262144\n(005) ret      #0\n".getBytes(StandardCharsets.UTF_8));
        seeds.add("{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n".getBytes(StandardCharsets.UTF_8));
        seeds.add("4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0".getBytes(StandardCharsets.UTF_8));
        seeds.add("ld [4]\njeq #0xc000003e, good\nret #0\ngood: ld [0]\njeq #59, kill\nret #0x7fff0000\nkill: ret #0\n".getBytes(StandardCharsets.UTF_8));
        seeds.add(new byte[] {0x28, 0, 0, 0, 12, 0, 0, 0, 0x06, 0, 0, 0, -1, -1, 0, 0});
        SeededFuzzing.run("classic", seeds, SeededFuzzing.RUNS, this::readCheckConvert);
    }
}
