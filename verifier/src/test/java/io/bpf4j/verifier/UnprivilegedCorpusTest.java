package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The corpus of {@link CorpusAgreementTest} in unprivileged mode: Linux's verdicts recorded by
 * running kernel-run without CAP_SYS_ADMIN and CAP_PERFMON (CAP_BPF and CAP_NET_ADMIN kept, so every
 * packet type still loads), which makes the kernel verify as for an unprivileged user: no pointer
 * may leak into maps, return values or helper arguments as a number, no pointer comparisons or
 * arithmetic beyond what is allowed, speculative paths checked. Recorded into
 * {@code verifier-corpus-unprivileged.json} with {@code -Dbpf4j.recordUnprivilegedCorpus=true}
 * (root, kernel tools, setpriv); compared with bpf4j's {@code withPrivileged(false)} in every build.
 */
class UnprivilegedCorpusTest {
    static final Path FILE = Path.of("src", "test", "resources", "verifier-corpus-unprivileged.json");
    /** Runs kernel-run with the capabilities that make Linux's verifier privileged dropped from every set. */
    static final List<String> WITHOUT_PRIVILEGE = List.of("setpriv", "--inh-caps=-sys_admin,-perfmon",
            "--bounding-set=-sys_admin,-perfmon");

    record Recorded(boolean accepted, String error) {}

    @Test
    void recordIfAsked() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bpf4j.recordUnprivilegedCorpus"),
                "recording only with -Dbpf4j.recordUnprivilegedCorpus=true");
        Path kernelRun = CorpusRecorder.kernelRun();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) missing");
        Path work = Files.createTempDirectory("unpriv-corpus");
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CorpusAgreementTest.Entry e : CorpusAgreementTest.load()) {
            CorpusRecorder.Verdict v = CorpusRecorder.linux(WITHOUT_PRIVILEGE, kernelRun, work, e.name(),
                    CorpusPrograms.slots(e.asm()), e.type(), e.maps(), e.license());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", e.name());
            entry.put("linux", v.accepted() ? "accept" : "reject");
            entry.put("linux_error", v.error());
            entries.add(entry);
        }
        CorpusRecorder.write(FILE, "Linux verdicts on verifier-corpus.json's programs without CAP_SYS_ADMIN and"
                + " CAP_PERFMON (unprivileged verification), recorded with setpriv and ../shared/tools/kernel-run"
                + " --verify-only", entries);
    }

    static Map<String, Recorded> load() throws IOException {
        try (InputStream in = UnprivilegedCorpusTest.class.getResourceAsStream("/verifier-corpus-unprivileged.json")) {
            assertThat(in).as("verifier-corpus-unprivileged.json on the test class path").isNotNull();
            Map<String, Recorded> out = new LinkedHashMap<>();
            for (JsonNode p : new ObjectMapper().readTree(in).get("programs")) {
                out.put(p.get("name").asText(), new Recorded(p.get("linux").asText().equals("accept"),
                        p.get("linux_error").asText()));
            }
            return out;
        }
    }

    @Test
    void agreesWithLinuxUnprivileged() throws IOException {
        Map<String, Recorded> recorded = load();
        int compared = 0;
        int agree = 0;
        int stricter = 0;
        List<String> disagreements = new ArrayList<>();
        for (CorpusAgreementTest.Entry e : CorpusAgreementTest.load()) {
            Recorded linux = recorded.get(e.name());
            if (linux == null) {
                continue; // a program added to the corpus after the unprivileged recording
            }
            compared++;
            if (linux.accepted() != e.linuxAccepts()) {
                stricter++;
            }
            VerificationResult r = Verifier.verify(CorpusPrograms.request(e.asm(), e.type(), e.maps(), e.license())
                    .withPrivileged(false));
            if (r.accepted() == linux.accepted()) {
                agree++;
            } else {
                disagreements.add(e.name() + ": linux " + (linux.accepted() ? "accepts" : "rejects (" + linux.error() + ")")
                        + ", bpf4j " + (r.accepted() ? "accepts" : "rejects (" + r.rejection().reason() + ")"));
            }
        }
        double pct = 100.0 * agree / compared;
        String report = String.format("unprivileged corpus: %d/%d agree with Linux (%.1f%%); %d programs whose"
                + " unprivileged verdict differs from the privileged one%n", agree, compared, pct, stricter)
                + String.join("\n", disagreements);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/corpus-agreement-unprivileged.txt"), report);
        assertThat(compared).as("programs with an unprivileged verdict").isGreaterThanOrEqualTo(300);
        assertThat(stricter).as("programs the privilege changes (else the recording did not drop it)").isPositive();
        assertThat(pct).as("agreement with Linux unprivileged, %%").isGreaterThanOrEqualTo(95.0);
    }
}
