package io.bpf4j.bench;

import io.bpf4j.loader.LoadedObject;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The programs {@link CompilerBenchmark} and {@link KernelComparison} measure: clang-compiled XDP
 * objects (sources in bench/src/main/c, objects committed as resources), each run on the same
 * 1500-byte IPv4/UDP frame in bpf4j and in the Linux kernel.
 */
final class BenchmarkPrograms {
    private BenchmarkPrograms() {}

    /** A benchmark program: its object (resource name) and the program to run in it. */
    record Entry(String object, String program, String what) {}

    static final List<Entry> ALL = List.of(
            new Entry("parse", "xdp_parse", "packet parsing with bounds checks"),
            new Entry("flows", "xdp_flows", "hash-map flow counting (3 lookups, 3 atomic adds)"),
            new Entry("checksum", "xdp_checksum", "checksum loop over a 1500-byte packet"),
            new Entry("calls", "xdp_calls", "64 bpf-to-bpf calls in a loop"),
            new Entry("tailcall", "xdp_dispatch", "tail-call dispatch (2 tail calls)"),
            new Entry("alu", "xdp_alu", "pure ALU kernel (1000 rounds)"),
            new Entry("empty", "xdp_empty", "empty program: the harness cost"));

    static Entry entry(String object) {
        return ALL.stream().filter(e -> e.object().equals(object)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark program " + object));
    }

    /** The object file of a program, copied out of the jar into a temporary file. */
    static Path objectFile(String object) {
        try (InputStream in = BenchmarkPrograms.class.getResourceAsStream("/programs/" + object + ".o")) {
            if (in == null) {
                throw new IllegalStateException("resource /programs/" + object + ".o is missing");
            }
            Path file = Files.createTempFile("bpf4j-bench-" + object, ".o");
            file.toFile().deleteOnExit();
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Executable load(String object, BpfRuntime runtime) {
        try {
            return LoadedObject.open(objectFile(object), runtime).program(entry(object).program());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 1500-byte Ethernet/IPv4/UDP frame to 10.0.0.2:53 from 10.0.0.1:12345, TTL 64, payload bytes i*7. */
    static byte[] frame() {
        byte[] f = new byte[1500];
        byte[] header = {
            0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xaa, 0x08, 0x00,
            0x45, 0, 0x05, (byte) 0xce, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0x30, 0x39, 0, 53, 0x05, (byte) 0xba, 0, 0};
        for (int i = header.length; i < f.length; i++) {
            f[i] = (byte) (i * 7);
        }
        System.arraycopy(header, 0, f, 0, header.length);
        return f;
    }
}
