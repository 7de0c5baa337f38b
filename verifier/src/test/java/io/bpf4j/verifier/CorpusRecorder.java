package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bpf4j.isa.Instruction;
import io.bpf4j.testkit.KernelRunner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Records the Linux verifier's verdict on every program of {@link CorpusGenerator} into
 * {@code src/test/resources/verifier-corpus.json} (run with {@code -Dbpf4j.recordCorpus=true}, as
 * root with the kernel tools), and otherwise re-checks the recorded verdicts against the running
 * kernel when it is available.
 */
class CorpusRecorder {
    static final Path CORPUS = Path.of("src", "test", "resources", "verifier-corpus.json");

    /** The Linux verdict of one raw program: accepted, and the last line of the log. */
    record Verdict(boolean accepted, String error) {}

    static Verdict linux(Path kernelRun, Path work, String name, List<Instruction> slots, String type, List<String> maps,
            String license) throws IOException, InterruptedException {
        return linux(List.of(), kernelRun, work, name, slots, type, maps, license);
    }

    /** Like the other, with {@code prefix} before kernel-run's command (e.g. to drop capabilities). */
    static Verdict linux(List<String> prefix, Path kernelRun, Path work, String name, List<Instruction> slots,
            String type, List<String> maps, String license) throws IOException, InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(slots.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : slots) {
            b.putLong(i.toRaw());
        }
        List<String> cmd;
        String section = ELF_SECTIONS.get(type);
        if (section == null) {
            Path bin = work.resolve("prog.bin");
            Files.write(bin, b.array());
            cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(kernelRun.toString(), "--raw", "--verify-only", "-t", type, "-L", license));
            for (String m : maps) {
                cmd.add("-m");
                cmd.add(m);
            }
            cmd.add(bin.toString());
        } else {
            if (!maps.isEmpty()) {
                throw new IllegalArgumentException(name + ": programs of type " + type + " are recorded without maps");
            }
            cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(kernelRun.toString(), "--verify-only", elfObject(work, slots, section, license).toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + ": kernel-run timed out");
        }
        if (out.contains("verdict=accepted")) {
            return new Verdict(true, "");
        }
        if (!out.contains("verdict=rejected")) {
            throw new IllegalStateException(name + ": kernel-run said: " + out);
        }
        String[] lines = out.split("\n");
        for (int i = lines.length - 1; i > 0; i--) {
            if (lines[i].startsWith("processed ") && !lines[i - 1].isBlank()) {
                return new Verdict(false, lines[i - 1].strip()); // the verifier's last word, before its statistics
            }
        }
        String last = "";
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("verdict=") && !l.startsWith("processed ") && !l.startsWith("kernel-run")
                    && !l.startsWith("verification time")) {
                last = l;
            }
        }
        return new Verdict(false, last);
    }

    /**
     * Program types kernel-run cannot load from raw instructions: they go into an ELF object whose
     * section name tells libbpf the type (made with llvm-mc from the instructions as data).
     */
    static final Map<String, String> ELF_SECTIONS = Map.of("sock_ops", "sockops", "tracepoint",
            "tracepoint/syscalls/sys_enter_openat", "perf_event", "perf_event");

    private static Path elfObject(Path work, List<Instruction> slots, String section, String license)
            throws IOException, InterruptedException {
        StringBuilder s = new StringBuilder();
        s.append("\t.section \"").append(section).append("\",\"ax\",@progbits\n\t.globl prog\n\t.type prog,@function\nprog:\n");
        for (Instruction i : slots) {
            s.append("\t.quad 0x").append(Long.toHexString(i.toRaw())).append('\n');
        }
        s.append(".Lend:\n\t.size prog, .Lend-prog\n\t.section \"license\",\"aw\",@progbits\n\t.asciz \"")
                .append(license).append("\"\n");
        Path asm = work.resolve("prog.s");
        Path obj = work.resolve("prog.o");
        Files.writeString(asm, s);
        Process p = new ProcessBuilder("llvm-mc-19", "-triple", "bpfel", "-filetype=obj", asm.toString(), "-o", obj.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("llvm-mc-19 failed: " + out);
        }
        return obj;
    }

    static Path kernelRun() {
        KernelRunner.require();
        Path p = Path.of("target", "kernel-tools", "kernel-run").toAbsolutePath();
        Assumptions.assumeTrue(Files.isExecutable(p), "kernel-run not built: kernel comparison skipped");
        return p;
    }

    @Test
    void recordOrRecheckLinuxVerdicts() throws Exception {
        boolean record = Boolean.getBoolean("bpf4j.recordCorpus");
        Path kernelRun = kernelRun();
        Path work = Files.createTempDirectory("corpus");
        if (record) {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (CorpusGenerator.Program prog : CorpusGenerator.generate()) {
                Verdict v = linux(kernelRun, work, prog.name(), CorpusPrograms.slots(prog.asm()), prog.type(), prog.maps(),
                        prog.license());
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", prog.name());
                e.put("type", prog.type());
                e.put("maps", prog.maps());
                e.put("license", prog.license());
                e.put("asm", prog.asm());
                e.put("linux", v.accepted() ? "accept" : "reject");
                e.put("linux_error", v.error());
                entries.add(e);
            }
            write(CORPUS, "bpf4j's verifier corpus: small programs, one rule each, with the verdict of the Linux"
                    + " verifier (privileged, recorded with ../shared/tools/kernel-run --verify-only)", entries);
            return;
        }
        List<CorpusAgreementTest.Entry> entries = CorpusAgreementTest.load();
        List<String> changed = new ArrayList<>();
        for (CorpusAgreementTest.Entry e : entries) {
            Verdict v = linux(kernelRun, work, e.name(), CorpusPrograms.slots(e.asm()), e.type(), e.maps(), e.license());
            if (v.accepted() != e.linuxAccepts()) {
                changed.add(e.name() + ": recorded " + (e.linuxAccepts() ? "accept" : "reject") + ", kernel now "
                        + (v.accepted() ? "accepts" : "rejects (" + v.error() + ")"));
            }
        }
        assertThat(changed).as("programs whose Linux verdict differs from the recorded one (kernel "
                + System.getProperty("os.version") + ")").isEmpty();
    }

    /** Writes recorded verdicts as the corpus files hold them: what they are, the kernel, the entries. */
    static void write(Path file, String about, List<Map<String, Object>> entries) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("about", about);
        root.put("kernel", System.getProperty("os.version"));
        root.put("count", entries.size());
        root.put("programs", entries);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
