package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.CpuSlots;
import io.bpf4j.runtime.maps.MapOfMaps;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.testkit.KernelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * The Linux kernel as the reference for a prebuilt test object: runs it through
 * {@code kernel-run} on one input (fresh maps every time, as bpf4j's side loads the object
 * afresh) and compares what bpf4j produced with what the kernel reported: return value, output
 * packet and the contents of every map the kernel can dump. Skips the calling test, saying why,
 * where the kernel cannot be used.
 */
final class KernelOracle {
    static final HexFormat HEX = HexFormat.of();
    static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(1_000_000).build();

    private final KernelRunner runner;
    private final Path temp;
    private int files;

    private KernelOracle(KernelRunner runner, Path temp) {
        this.runner = runner;
        this.temp = temp;
    }

    /** The oracle, writing its files into {@code temp}; skips the test where the kernel is unavailable. */
    static KernelOracle require(Path temp) {
        return new KernelOracle(KernelRunner.require(), temp);
    }

    /** The prebuilt object, loaded into bpf4j with fresh maps; skips the test if it was never built. */
    static LoadedObject load(String name) {
        Assumptions.assumeTrue(KernelOracle.class.getResource("/objects/" + name + ".o") != null,
                () -> "objects/" + name + ".o is missing (build it with make -C loader/src/test/c): test skipped");
        return ExecutionModes.checked(LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, name), RUNTIME,
                TestObjects.verification(name)));
    }

    /** What the kernel reported for one kernel-run invocation. */
    record KernelRun(JsonNode json, byte[] dataOut) {
        long retval() {
            return json.get("retval").asLong();
        }

        /** A dumped map's entries, key hex to value hex (per-CPU maps: the CPU values joined by "|"). */
        Map<String, String> entries(String mapName) {
            return entries(map(mapName));
        }

        JsonNode map(String mapName) {
            for (JsonNode m : json.get("maps")) {
                if (m.get("name").asText().equals(mapName) || m.get("name").asText().endsWith(mapName)) {
                    return m;
                }
            }
            throw new AssertionError("the kernel reported no map " + mapName + ": " + json.get("maps"));
        }

        static Map<String, String> entries(JsonNode map) {
            Map<String, String> out = new TreeMap<>();
            for (JsonNode e : map.get("entries")) {
                if (e.has("values")) {
                    List<String> values = new ArrayList<>();
                    e.get("values").forEach(v -> values.add(v.asText()));
                    out.put(e.get("key").asText(), String.join("|", values));
                } else {
                    out.put(e.get("key").asText(), e.get("value").asText());
                }
            }
            return out;
        }
    }

    /**
     * Runs {@code kernel-run -j -D -d PACKET [-o OUT] ARGS... OBJECT}: the packet (null for
     * program types without one) once, or as often as {@code -r} says.
     */
    KernelRun run(String object, byte[] packet, String... args) {
        try {
            int n = files++;
            Path obj = temp.resolve(object + ".o");
            if (!Files.exists(obj)) {
                Files.write(obj, TestObjects.prebuilt(object));
            }
            List<String> command = new ArrayList<>(List.of("-D"));
            Path out = null;
            if (packet != null) {
                Path in = temp.resolve("packet" + n + ".bin");
                Files.write(in, packet);
                out = temp.resolve("out" + n + ".bin");
                command.addAll(List.of("-d", in.toString(), "-o", out.toString()));
            }
            command.addAll(List.of(args));
            JsonNode json = runner.run(obj, command.toArray(String[]::new));
            byte[] dataOut = out != null && Files.exists(out) ? Files.readAllBytes(out) : null;
            return new KernelRun(json, dataOut);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a context file ({@code -x}) and returns its path. */
    String contextFile(byte[] context) {
        try {
            Path f = temp.resolve("ctx" + files++ + ".bin");
            Files.write(f, context);
            return f.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** bpf4j's map as kernel-run dumps it: all-zero array slots left out, per-CPU values joined by "|". */
    static Map<String, String> contents(BpfMap map) {
        Map<String, String> out = new TreeMap<>();
        boolean array = map.type() == MapType.ARRAY || map.type() == MapType.PERCPU_ARRAY;
        for (byte[] key : map.keys()) {
            List<byte[]> values = map.lookupPerCpu(key);
            if (values.isEmpty()) {
                continue;
            }
            boolean zero = true;
            List<String> hex = new ArrayList<>();
            for (byte[] v : values) {
                for (byte b : v) {
                    zero &= b == 0;
                }
                hex.add(HEX.formatHex(v));
            }
            if (!(zero && array)) {
                out.put(HEX.formatHex(key), String.join("|", hex));
            }
        }
        return out;
    }

    /** The bpf4j map that a kernel map name stands for (libbpf prefixes global-data maps with the object's name). */
    static String bpf4jName(LoadedObject obj, String kernelName) {
        return obj.maps().keySet().stream()
                .filter(n -> n.equals(kernelName) || (n.startsWith(".") && kernelName.endsWith(n)))
                .findFirst().orElseThrow(() -> new AssertionError("bpf4j has no map for kernel map " + kernelName));
    }

    /**
     * Every map the kernel dumped equals bpf4j's map of the same name, except those named in
     * {@code skip} (compared by the caller in their own way). Program arrays, ring buffers, queues
     * and stacks are not dumped by the kernel and so not compared here; of maps of maps, the
     * occupied slots are.
     */
    static void assertSameMaps(KernelRun kernel, LoadedObject obj, String context, String... skip) {
        int compared = 0;
        for (JsonNode m : kernel.json().get("maps")) {
            String kernelName = m.get("name").asText();
            if (m.get("type").asText().equals("prog_array") || (m.has("dumped") && !m.get("dumped").asBoolean())
                    || List.of(skip).contains(kernelName)) {
                continue;
            }
            String name = bpf4jName(obj, kernelName);
            BpfMap map = obj.map(name);
            String type = m.get("type").asText();
            if (type.equals("array_of_maps") || type.equals("hash_of_maps")) {
                // the kernel shows which slots hold a map (its values are kernel ids); an array of
                // maps, like any array, iterates over every index, empty or not
                MapOfMaps outer = (MapOfMaps) map;
                assertThat(new java.util.TreeSet<>(map.keys().stream().filter(k -> outer.lookupMap(k).isPresent())
                        .map(HEX::formatHex).toList()))
                        .as("%s: occupied slots of map %s", context, name)
                        .isEqualTo(KernelRun.entries(m).keySet());
                compared++;
                continue;
            }
            if (m.get("percpu").asBoolean()) {
                int kernelCpus = m.get("entries").isEmpty() ? map.cpuCount()
                        : m.get("entries").get(0).get("values").size();
                Assumptions.assumeTrue(kernelCpus == map.cpuCount(), () -> "the kernel has " + kernelCpus
                        + " possible CPUs, bpf4j " + map.cpuCount() + " CPU slots: per-CPU maps not comparable");
            }
            assertThat(contents(map)).as("%s: map %s", context, name).isEqualTo(KernelRun.entries(m));
            compared++;
        }
        assertThat(compared).as("maps compared").isPositive();
    }

    /** Runs {@code action} on the calling thread as CPU slot {@code cpu}, then restores its slot. */
    static <T> T onCpu(int cpu, Supplier<T> action) {
        int saved = CpuSlots.threadIndex();
        CpuSlots.pinCurrentThread(cpu);
        try {
            return action.get();
        } finally {
            CpuSlots.pinCurrentThread(saved);
        }
    }

    /** A return value as the kernel reports it: the low 32 bits of r0, unsigned. */
    static long u32(long value) {
        return value & 0xffffffffL;
    }
}
