package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * bpf4j's own corpus ({@code verifier-corpus.json}: programs from {@link CorpusGenerator} with
 * recorded Linux verdicts): at least 95% agreement with Linux, and at least 300 programs of
 * which at least 40% are unsafe.
 */
class CorpusAgreementTest {
    record Entry(String name, String type, List<String> maps, String license, String asm, boolean linuxAccepts,
            String linuxError) {}

    static List<Entry> load() throws IOException {
        try (InputStream in = CorpusAgreementTest.class.getResourceAsStream("/verifier-corpus.json")) {
            assertThat(in).as("verifier-corpus.json on the test class path").isNotNull();
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> out = new ArrayList<>();
            for (JsonNode p : root.get("programs")) {
                List<String> maps = new ArrayList<>();
                p.get("maps").forEach(m -> maps.add(m.asText()));
                out.add(new Entry(p.get("name").asText(), p.get("type").asText(), maps, p.get("license").asText(),
                        p.get("asm").asText(), p.get("linux").asText().equals("accept"), p.get("linux_error").asText()));
            }
            return out;
        }
    }

    @Test
    void agreesWithTheRecordedLinuxVerdicts() throws IOException {
        List<Entry> entries = load();
        int agree = 0;
        int unsafe = 0;
        Map<String, List<String>> disagreements = new TreeMap<>();
        for (Entry e : entries) {
            VerificationResult r = Verifier.verify(CorpusPrograms.request(e.asm(), e.type(), e.maps(), e.license()));
            if (!e.linuxAccepts()) {
                unsafe++;
            }
            if (r.accepted() == e.linuxAccepts()) {
                agree++;
            } else {
                String cat = e.name().substring(0, e.name().indexOf('/'));
                disagreements.computeIfAbsent(cat, k -> new ArrayList<>()).add(e.name() + ": linux "
                        + (e.linuxAccepts() ? "accepts" : "rejects (" + e.linuxError() + ")") + ", bpf4j "
                        + (r.accepted() ? "accepts" : "rejects (" + r.rejection().reason() + ")"));
            }
        }
        double pct = 100.0 * agree / entries.size();
        StringBuilder report = new StringBuilder(String.format("corpus: %d/%d agree with Linux (%.1f%%), %d unsafe%n",
                agree, entries.size(), pct, unsafe));
        disagreements.forEach((k, v) -> {
            report.append("  ").append(k).append(": ").append(v.size()).append('\n');
            v.forEach(l -> report.append("    ").append(l).append('\n'));
        });
        System.out.print(report);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/corpus-agreement.txt"), report);
        assertThat(entries.size()).isGreaterThanOrEqualTo(300);
        assertThat(unsafe * 100 / entries.size()).as("percentage of unsafe programs").isGreaterThanOrEqualTo(40);
        assertThat(pct).as("agreement with Linux, %%").isGreaterThanOrEqualTo(95.0);
    }
}
