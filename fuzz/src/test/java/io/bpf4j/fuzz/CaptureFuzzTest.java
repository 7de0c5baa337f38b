package io.bpf4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.capture.CaptureFormatException;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pcap and pcapng reading of arbitrary files: packets or a {@link CaptureFormatException}, never another exception. */
class CaptureFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void read(byte[] bytes) throws IOException {
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(bytes))) {
            for (CapturedPacket p = reader.next(); p != null; p = reader.next()) {
                p.toString();
            }
        } catch (CaptureFormatException e) {
            // the one expected failure
        }
    }

    @Test
    void seededMutations() {
        List<byte[]> seeds = new ArrayList<>(SeededFuzzing.files(java.nio.file.Path.of("../capture/src/test/resources")));
        seeds.addAll(SeededFuzzing.files(java.nio.file.Path.of("../cli/src/test/resources")));
        seeds.add(CaptureSamples.pcap());
        seeds.add(CaptureSamples.pcapng());
        SeededFuzzing.run("capture", seeds, SeededFuzzing.RUNS, b -> {
            try {
                read(b);
            } catch (IOException e) {
                throw new AssertionError("IOException other than CaptureFormatException: " + e, e);
            }
        });
    }
}
