package io.bpf4j.isa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compares {@link Disassembler#objdumpLines} with what the real {@code llvm-objdump-19 -d} prints
 * for the same bytes, over the conformance corpus and {@link AllOpcodesFixture}, for every {@link
 * Disassembler.Cpu}. Each program becomes a minimal ELF relocatable with one {@code .text}
 * section; all of them go through a single objdump process per CPU. Skipped when objdump or the
 * shared directory is missing.
 */
class DisassemblerLlvmTest {

    @ParameterizedTest
    @EnumSource(Disassembler.Cpu.class)
    void objdumpLinesEqualLlvmObjdump(Disassembler.Cpu cpu) {
        Path objdump = Llvm.assumeTool("llvm-objdump-19");
        Map<String, Instructions> programs = Llvm.corpusAndFixture();
        List<List<String>> actual = Llvm.objdump(objdump, List.copyOf(programs.values()), cpu);
        int i = 0;
        for (Map.Entry<String, Instructions> e : programs.entrySet()) {
            assertThat(Disassembler.objdumpLines(e.getValue(), cpu))
                    .as("%s, --mcpu=%s", e.getKey(), cpu.mcpu())
                    .containsExactlyElementsOf(actual.get(i++));
        }
    }

    /** Running LLVM's tools on programs, for this test and {@link AssemblerRoundTripTest}. */
    static final class Llvm {
        private Llvm() {}

        private static final Pattern INSTRUCTION_LINE = Pattern.compile("^ *\\d+:\t.*");

        /** The tool on the PATH; skips the calling test when it is not installed. */
        static Path assumeTool(String name) {
            Optional<Path> tool = tool(name);
            Assumptions.assumeTrue(tool.isPresent(),
                    name + " not found on PATH (install package llvm-19): comparison with LLVM skipped");
            return tool.orElseThrow();
        }

        static Optional<Path> tool(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            return Stream.of(path.split(File.pathSeparator))
                    .filter(dir -> !dir.isEmpty())
                    .map(dir -> Path.of(dir, name))
                    .filter(Files::isExecutable)
                    .findFirst();
        }

        /** The shared data directory; skips the calling test when it is missing. */
        static Path assumeShared() {
            List<Path> candidates = new ArrayList<>();
            String property = System.getProperty("bpf4j.shared");
            if (property != null && !property.isBlank()) {
                candidates.add(Path.of(property));
            }
            candidates.add(Path.of("../../shared"));
            candidates.add(Path.of("../shared"));
            Optional<Path> found = candidates.stream()
                    .filter(p -> Files.isRegularFile(p.resolve("conformance/corpus.json")))
                    .findFirst();
            Assumptions.assumeTrue(found.isPresent(), "shared data directory with conformance/corpus.json not found (tried "
                    + candidates + "; set -Dbpf4j.shared=<dir>): corpus comparison skipped");
            return found.orElseThrow();
        }

        /** Every corpus program by test name, then the fixture under the name "fixture". */
        static Map<String, Instructions> corpusAndFixture() {
            Map<String, Instructions> out = new LinkedHashMap<>(corpus());
            out.put("fixture", AllOpcodesFixture.program());
            return out;
        }

        static Map<String, Instructions> corpus() {
            Path corpus = assumeShared().resolve("conformance/corpus.json");
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(corpus.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Instructions> out = new LinkedHashMap<>();
            for (JsonNode test : root.get("tests")) {
                byte[] bytes = HexFormat.of().parseHex(test.get("program_hex").asText());
                out.put(test.get("name").asText(), Instructions.decode(bytes));
            }
            assertThat(out).as("programs in %s", corpus).isNotEmpty();
            return out;
        }

        /** The instruction lines objdump prints for each program, in order. */
        static List<List<String>> objdump(Path objdump, List<Instructions> programs, Disassembler.Cpu cpu) {
            Path dir = tempDir();
            try {
                List<String> command = new ArrayList<>(List.of(objdump.toString(), "-d", "--mcpu=" + cpu.mcpu()));
                if (cpu == Disassembler.Cpu.GENERIC) {
                    command.remove(2); // exactly "llvm-objdump -d"
                }
                for (int i = 0; i < programs.size(); i++) {
                    String name = "p" + i + ".o";
                    Files.write(dir.resolve(name), elf(programs.get(i).toBytes()));
                    command.add(name);
                }
                String output = run(dir, command);
                List<List<String>> out = new ArrayList<>();
                List<String> current = null;
                for (String line : output.split("\n", -1)) {
                    if (line.matches("p\\d+\\.o:\tfile format elf64-bpf")) {
                        current = new ArrayList<>();
                        out.add(current);
                    } else if (INSTRUCTION_LINE.matcher(line).matches()) {
                        current.add(line);
                    }
                }
                assertThat(out).as("objdump output files").hasSize(programs.size());
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteRecursively(dir);
            }
        }

        /**
         * Assembles each source with {@code llvm-mc -triple bpf -mcpu=v4}, all in one process: each
         * program goes into its own section, its labels renamed apart. Returns the bytes of each
         * section, or null for a program whose section needed relocations.
         */
        static List<byte[]> llvmMc(Path mc, List<String> sources) {
            Path dir = tempDir();
            try {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < sources.size(); i++) {
                    all.append("\t.section\t.text.p").append(i).append(",\"ax\",@progbits\n");
                    all.append(sources.get(i).replace("LBB0_", "LBB" + i + "_").replace("subprog", "subprog" + i + "_"));
                }
                Files.writeString(dir.resolve("all.s"), all);
                run(dir, List.of(mc.toString(), "-triple", "bpf", "-mcpu=v4", "-filetype=obj", "all.s", "-o", "all.o"));
                Map<String, byte[]> sections = sections(Files.readAllBytes(dir.resolve("all.o")));
                List<byte[]> out = new ArrayList<>();
                for (int i = 0; i < sources.size(); i++) {
                    String name = ".text.p" + i;
                    out.add(sections.containsKey(".rel" + name) ? null : sections.getOrDefault(name, new byte[0]));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteRecursively(dir);
            }
        }

        /**
         * A minimal ELF64 little-endian relocatable for machine EM_BPF (247) holding {@code text} in
         * a {@code .text} section (SHF_ALLOC | SHF_EXECINSTR), with no symbol table.
         */
        static byte[] elf(byte[] text) {
            byte[] shstrtab = "\0.text\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
            int textOffset = 64;
            int shstrtabOffset = textOffset + text.length;
            int headersOffset = (shstrtabOffset + shstrtab.length + 7) & ~7;
            ByteBuffer out = ByteBuffer.allocate(headersOffset + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
            out.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little endian */, 1 /* version */, 0});
            out.put(new byte[8]);
            out.putShort((short) 1); // ET_REL
            out.putShort((short) 247); // EM_BPF
            out.putInt(1); // EV_CURRENT
            out.putLong(0); // entry
            out.putLong(0); // program headers
            out.putLong(headersOffset); // section headers
            out.putInt(0); // flags
            out.putShort((short) 64); // ELF header size
            out.putShort((short) 0); // program header entry size
            out.putShort((short) 0); // program header count
            out.putShort((short) 64); // section header entry size
            out.putShort((short) 3); // section count
            out.putShort((short) 2); // index of .shstrtab
            out.put(text);
            out.put(shstrtab);
            out.position(headersOffset);
            out.put(new byte[64]); // null section
            sectionHeader(out, 1, 1 /* PROGBITS */, 6 /* ALLOC | EXECINSTR */, textOffset, text.length, 8);
            sectionHeader(out, 7, 3 /* STRTAB */, 0, shstrtabOffset, shstrtab.length, 1);
            return out.array();
        }

        private static void sectionHeader(ByteBuffer out, int name, int type, long flags, long offset, long size, long align) {
            out.putInt(name).putInt(type).putLong(flags).putLong(0).putLong(offset).putLong(size);
            out.putInt(0).putInt(0).putLong(align).putLong(0);
        }

        /** Contents of the sections of an ELF64 little-endian object, by name. */
        static Map<String, byte[]> sections(byte[] elf) {
            ByteBuffer in = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            long shoff = in.getLong(0x28);
            int shentsize = Short.toUnsignedInt(in.getShort(0x3a));
            int shnum = Short.toUnsignedInt(in.getShort(0x3c));
            int shstrndx = Short.toUnsignedInt(in.getShort(0x3e));
            int names = (int) in.getLong((int) shoff + shstrndx * shentsize + 0x18);
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (int i = 1; i < shnum; i++) {
                int h = (int) shoff + i * shentsize;
                int nameOffset = names + in.getInt(h);
                int end = nameOffset;
                while (elf[end] != 0) {
                    end++;
                }
                String name = new String(elf, nameOffset, end - nameOffset, StandardCharsets.US_ASCII);
                int type = in.getInt(h + 4);
                int offset = (int) in.getLong(h + 0x18);
                int size = (int) in.getLong(h + 0x20);
                out.put(name, type == 8 /* NOBITS */ ? new byte[size]
                        : java.util.Arrays.copyOfRange(elf, offset, offset + size));
            }
            return out;
        }

        /** Runs a command in {@code dir}; returns its standard output, failing on a nonzero exit. */
        static String run(Path dir, List<String> command) throws IOException {
            Path stdout = dir.resolve("stdout.txt");
            Path stderr = dir.resolve("stderr.txt");
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command.getFirst() + " did not finish within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            String err = Files.readString(stderr);
            if (process.exitValue() != 0) {
                throw new AssertionError(command.getFirst() + " failed with exit code " + process.exitValue() + ":\n"
                        + err.lines().limit(40).reduce("", (a, b) -> a + b + "\n"));
            }
            return Files.readString(stdout);
        }

        private static Path tempDir() {
            try {
                return Files.createTempDirectory("bpf4j-llvm");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void deleteRecursively(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a leftover temporary directory is harmless
            }
        }
    }
}
