package io.bpf4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import io.bpf4j.testkit.KernelRunner;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One {@link LinuxProgramGenerator} program run in the Linux kernel ({@code kernel-run}) and in
 * bpf4j, interpreted and compiled: the same verdict, return value, output packet and map contents,
 * or a divergence that names the seed and prints the program.
 */
final class LinuxDifferential {
    static final MapDefinition MAP = MapDefinition.of(MapType.ARRAY, 4, LinuxProgramGenerator.VALUE_SIZE,
            LinuxProgramGenerator.MAP_ENTRIES);
    private static final BpfRuntime INTERPRETED = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER)
            .instructionBudget(1_000_000).build();
    private static final BpfRuntime COMPILED = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED)
            .instructionBudget(1_000_000).build();

    /** What a run shows: return value, packet after the run, non-zero map slots (key hex = value hex). */
    record Outcome(long retval, String packet, List<String> map) {}

    private final KernelRunner kernel;
    private final Path work;

    LinuxDifferential(KernelRunner kernel, Path work) {
        this.kernel = kernel;
        this.work = work;
    }

    /** @return null if all agree, else a description of the divergence */
    String check(long seed) {
        Instructions code = LinuxProgramGenerator.generate(Choices.random(seed));
        byte[] packet = new byte[LinuxProgramGenerator.PACKET_SIZE];
        new SplittableRandom(~seed).nextBytes(packet);
        VerificationResult verdict = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP).withMaps(List.of(MAP)));
        Outcome linux;
        try {
            linux = runKernel(code, packet);
        } catch (IllegalStateException e) {
            return describe(seed, code, "the Linux kernel rejected or failed it (generator bug): " + e.getMessage());
        }
        if (!verdict.accepted()) {
            return describe(seed, code, "bpf4j's verifier rejects what Linux accepts: " + verdict.rejection().format());
        }
        Outcome interpreted = runBpf4j(INTERPRETED, code, packet);
        Outcome compiled = runBpf4j(COMPILED, code, packet);
        // as objects load: compiled with the verifier's proven-safe accesses unchecked
        Outcome compiledWithFacts = runBpf4j(COMPILED, code, packet, verdict.facts().orElseThrow().provenSafeAccesses());
        if (!linux.equals(interpreted)) {
            return describe(seed, code, "interpreted " + interpreted + "\n     linux " + linux);
        }
        if (!linux.equals(compiled)) {
            return describe(seed, code, "compiled " + compiled + "\n     linux " + linux);
        }
        if (!linux.equals(compiledWithFacts)) {
            return describe(seed, code, "compiled with verifier facts " + compiledWithFacts + "\n     linux " + linux);
        }
        return null;
    }

    static Outcome runBpf4j(BpfRuntime runtime, Instructions code, byte[] packet) {
        return runBpf4j(runtime, code, packet, null);
    }

    /** As {@link #runBpf4j(BpfRuntime, Instructions, byte[])}, loading the program with the accesses a verifier proved safe. */
    static Outcome runBpf4j(BpfRuntime runtime, Instructions code, byte[] packet, java.util.BitSet proven) {
        BpfMap map = Maps.create(MAP);
        XdpResult r = runtime.load(Program.of(ProgramType.XDP, "diff", code, List.of(map)), proven)
                .runXdp(XdpPacket.of(packet.clone()));
        List<String> entries = new ArrayList<>();
        for (int k = 0; k < LinuxProgramGenerator.MAP_ENTRIES; k++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
            byte[] value = map.lookup(key).orElseThrow();
            boolean zero = true;
            for (byte b : value) zero &= b == 0;
            if (!zero) {
                entries.add(HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value));
            }
        }
        return new Outcome(r.returnValue() & 0xffffffffL, HexFormat.of().formatHex(r.packet()), entries);
    }

    Outcome runKernel(Instructions code, byte[] packet) {
        try {
            Path prog = work.resolve("prog.bin"), in = work.resolve("packet.bin"), out = work.resolve("out.bin");
            Files.write(prog, code.toBytes());
            Files.write(in, packet);
            Files.deleteIfExists(out);
            JsonNode json = kernel.run(prog, "--raw", "-t", "xdp", "-m", "array:4:" + LinuxProgramGenerator.VALUE_SIZE + ":"
                    + LinuxProgramGenerator.MAP_ENTRIES + ":vals", "-d", in.toString(), "-o", out.toString(), "-D");
            List<String> entries = new ArrayList<>();
            for (JsonNode m : json.path("maps")) {
                for (JsonNode e : m.path("entries")) {
                    entries.add(e.path("key").asText() + "=" + e.path("value").asText());
                }
            }
            byte[] after = Files.exists(out) ? Files.readAllBytes(out) : packet;
            return new Outcome(json.path("retval").asLong(), HexFormat.of().formatHex(after), entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(long seed, Instructions code, String what) {
        return "seed " + seed + ": " + what + "\n" + Disassembler.listing(code);
    }
}
