package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ObjectFormatException;
import io.bpf4j.loader.ProgramSpec;
import org.junit.jupiter.api.Test;

/**
 * ELF, BTF and BTF.ext parsing, map collection and program linking of arbitrary files: a model of
 * the object or an {@link ObjectFormatException}, nothing else (no OutOfMemoryError from a
 * forged size, no index exception from a forged offset).
 */
class ObjectFileFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] bytes) {
        BpfObject object;
        try {
            object = BpfObject.parse(bytes, "fuzzed.o");
        } catch (ObjectFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        for (ProgramSpec p : object.programs()) {
            assertThat(p).isNotNull();
        }
        object.toString();
    }

    @Test
    void seededMutations() {
        SeededFuzzing.run("object", Seeds.objects(), SeededFuzzing.RUNS, this::parse);
    }
}
