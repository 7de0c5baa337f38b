package io.bpf4j.fuzz;

import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.testkit.ConformanceCorpus;
import io.bpf4j.testkit.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Seed inputs for the fallback fuzzer, read from the repository and ../shared at test time. */
final class Seeds {
    private Seeds() {}

    /** The committed clang objects of the loader tests and the examples. */
    static List<byte[]> objects() {
        List<byte[]> out = new ArrayList<>(SeededFuzzing.files(Path.of("../loader/src/test/resources/objects")));
        out.addAll(SeededFuzzing.files(Path.of("../examples/objects")));
        return out;
    }

    /** Conformance programs as bytes (empty where ../shared is missing). */
    static List<byte[]> programs() {
        if (SharedData.directory().isEmpty()) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>();
        for (ConformanceCorpus.Entry e : ConformanceCorpus.load()) {
            out.add(e.program());
        }
        return out;
    }

    /** Conformance programs as llvm-objdump style assembly. */
    static List<byte[]> listings() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : programs()) {
            try {
                out.add(Disassembler.listing(Instructions.decode(p)).getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                // a conformance program this disassembler does not list is no seed
            }
        }
        out.add("r0 = 1\nif r0 > 0x10 goto +1\nr0 = *(u32 *)(r1 + 4)\nlock *(u64 *)(r10 - 8) += r1\ncall 1\nexit\n"
                .getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** The conformance suite's own assembly sources (the {@code -- asm} sections). */
    static List<byte[]> conformanceSources() {
        List<byte[]> out = new ArrayList<>();
        SharedData.directory().ifPresent(d -> out.addAll(SeededFuzzing.files(SharedData.conformance().resolve("tests"))));
        out.add("mov %r0, 1\nadd32 %r0, -2\nlddw %r1, 0x123456789\nja +0\nexit\n".getBytes(StandardCharsets.UTF_8));
        return out;
    }
}
