package io.bpf4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The conformance suite's {@code corpus.json}: for each test, the exact program bytes the
 * reference assembler produced, the input memory and the expected r0.
 */
public final class ConformanceCorpus {
    /** One test of the corpus. {@code expected} is r0 as unsigned 64-bit; {@code error} is empty unless an error is expected. */
    public record Entry(String name, String file, byte[] program, byte[] memory, long expected, String error,
                        String cpuVersion, List<String> groups) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ConformanceCorpus() {}

    /** Reads every entry of {@code shared/conformance/corpus.json}, or skips the calling test when absent. */
    public static List<Entry> load() {
        return load(SharedData.conformance().resolve("corpus.json"));
    }

    public static List<Entry> load(Path corpusJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(corpusJson.toFile());
            HexFormat hex = HexFormat.of();
            List<Entry> entries = new ArrayList<>();
            for (JsonNode t : root.get("tests")) {
                List<String> groups = new ArrayList<>();
                t.get("groups").forEach(g -> groups.add(g.asText()));
                entries.add(new Entry(
                        t.get("name").asText(),
                        t.get("file").asText(),
                        hex.parseHex(t.get("program_hex").asText()),
                        hex.parseHex(t.get("memory_hex").asText()),
                        Long.parseUnsignedLong(t.get("expected_result_text").asText().replaceFirst("^0x", ""),
                                t.get("expected_result_text").asText().startsWith("0x") ? 16 : 10),
                        t.get("expected_error").asText(),
                        t.get("cpu_version").asText(),
                        groups));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + corpusJson, e);
        }
    }
}
