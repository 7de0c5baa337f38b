package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ProgramSpec;
import io.bpf4j.testkit.KernelRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every program of every clang-compiled object in the project, verified by {@code bpf4j verify}
 * and compared with the Linux verifier's verdict recorded in {@code verifier-objects.json}
 * (recorded with {@code ../shared/tools/kernel-run --verify-only}; rerun with
 * {@code -Dbpf4j.recordObjects=true} as root to record again). Programs libbpf cannot load for
 * reasons other than the verifier (section names it does not know, attach targets) are recorded
 * as such and not compared.
 */
class ObjectVerdictsTest {
    private static final Path OBJECTS = Path.of("..", "loader", "src", "test", "resources", "objects");
    private static final Path RECORD = Path.of("src", "test", "resources", "verifier-objects.json");

    private static List<Path> objects() throws IOException {
        try (Stream<Path> s = Files.list(OBJECTS)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    /**
     * Programs where bpf4j's verifier is known to disagree with Linux, and why: listed so that
     * they stay visible, and so that the test fails when one is fixed (remove it then) or a new
     * one appears.
     */
    private static final Map<String, String> KNOWN_DISAGREEMENTS = Map.of();

    @Test
    void bpf4jAgreesWithTheRecordedLinuxVerdicts() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/verifier-objects.json")) {
            assertThat(in).isNotNull();
            root = new ObjectMapper().readTree(in);
        }
        int compared = 0;
        List<String> disagreements = new ArrayList<>();
        for (JsonNode p : root.get("programs")) {
            String linux = p.get("linux").asText();
            if (!linux.equals("accept") && !linux.equals("reject")) {
                continue;
            }
            compared++;
            Path obj = OBJECTS.resolve(p.get("object").asText());
            Cli.Result r = Cli.run("verify", "--program", p.get("program").asText(), obj.toString());
            boolean ours = r.exitCode() == 0;
            String key = p.get("object").asText() + " " + p.get("program").asText();
            if (ours != linux.equals("accept")) {
                disagreements.add(key);
                if (!KNOWN_DISAGREEMENTS.containsKey(key)) {
                    System.out.println(key + ": linux " + linux + ", bpf4j " + r.out());
                }
            }
        }
        System.out.printf("clang objects: %d programs with a Linux verdict, %d disagreements (%.1f%% agreement)%n",
                compared, disagreements.size(), 100.0 * (compared - disagreements.size()) / compared);
        assertThat(compared).isGreaterThanOrEqualTo(10);
        assertThat(disagreements).as("disagreements with Linux (see the output for new ones)")
                .containsExactlyInAnyOrderElementsOf(KNOWN_DISAGREEMENTS.keySet());
    }

    @Test
    void recordOrRecheckWithTheKernel() throws Exception {
        KernelRunner.require();
        Path kernelRun = Path.of("target", "kernel-tools", "kernel-run").toAbsolutePath();
        Assumptions.assumeTrue(Files.isExecutable(kernelRun), "kernel-run not built: skipped");
        List<Map<String, String>> entries = new ArrayList<>();
        for (Path obj : objects()) {
            for (ProgramSpec spec : BpfObject.read(obj).programs()) {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("object", obj.getFileName().toString());
                e.put("program", spec.name());
                String[] v = linux(kernelRun, obj, spec.name());
                e.put("linux", v[0]);
                e.put("detail", v[1]);
                entries.add(e);
            }
        }
        if (Boolean.getBoolean("bpf4j.recordObjects")) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("about", "Linux verifier verdicts (kernel-run --verify-only --only) for the programs of the project's"
                    + " clang objects; 'unloadable' when libbpf fails before the verifier");
            root.put("kernel", System.getProperty("os.version"));
            root.put("programs", entries);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(RECORD.toFile(), root);
            return;
        }
        JsonNode recorded;
        try (InputStream in = getClass().getResourceAsStream("/verifier-objects.json")) {
            recorded = new ObjectMapper().readTree(in);
        }
        List<String> now = new ArrayList<>();
        List<String> then = new ArrayList<>();
        entries.forEach(e -> now.add(e.get("object") + " " + e.get("program") + " " + e.get("linux")));
        recorded.get("programs").forEach(p -> then.add(p.get("object").asText() + " " + p.get("program").asText() + " "
                + p.get("linux").asText()));
        assertThat(now).as("Linux verdicts now versus recorded").isEqualTo(then);
    }

    /** {verdict, detail}: accept, reject (verifier log's last line) or unloadable (libbpf's reason). */
    private static String[] linux(Path kernelRun, Path obj, String program) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(kernelRun.toString(), "--verify-only", "--only", "-l", "1", "-p", program,
                obj.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new String[] {"unloadable", "timeout"};
        }
        if (out.contains("verdict=accepted")) {
            return new String[] {"accept", ""};
        }
        // The verifier refuses with EACCES or EINVAL after its log; other errors (EBADF from program
        // array slots, EPERM for attach targets) come from loading, not from verification.
        boolean verifierLog = out.contains("processed ") && (out.contains("errno=13") || out.contains("errno=22"));
        String last = "";
        for (String line : out.split("\n")) {
            if (line.startsWith("libbpf:") && !verifierLog) {
                last = line.strip();
                break;
            }
            if (!line.isBlank() && !line.startsWith("verdict=") && !line.startsWith("prog=") && !line.startsWith("errno=")) {
                last = line.strip();
            }
        }
        return new String[] {verifierLog ? "reject" : "unloadable", last};
    }
}
