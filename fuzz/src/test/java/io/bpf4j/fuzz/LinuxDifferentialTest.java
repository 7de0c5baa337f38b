package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.testkit.KernelRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short differential run against the Linux kernel (skipped where {@code bpf()} is not
 * permitted): {@value #PROGRAMS} generated programs, each in Linux, bpf4j interpreted and bpf4j
 * compiled. The long run is {@code scripts/difftest N}.
 */
class LinuxDifferentialTest {
    static final int PROGRAMS = Integer.getInteger("bpf4j.difftest.programs", 300);

    @Test
    void generatedProgramsAgreeWithLinux() throws Exception {
        KernelRunner kernel = KernelRunner.require();
        Path work = Files.createDirectories(Path.of("target", "difftest"));
        LinuxDifferential diff = new LinuxDifferential(kernel, work);
        long first = Long.getLong("bpf4j.difftest.seed", 1);
        List<String> divergences = new ArrayList<>();
        for (long seed = first; seed < first + PROGRAMS; seed++) {
            String d = diff.check(seed);
            if (d != null) {
                divergences.add(d);
            }
            if ((seed - first + 1) % 5000 == 0) {
                System.out.println("difftest: " + (seed - first + 1) + " programs so far, " + divergences.size() + " divergences");
            }
        }
        System.out.println("difftest: " + PROGRAMS + " programs from seed " + first + ", " + divergences.size() + " divergences");
        assertThat(divergences).as(String.join("\n\n", divergences.subList(0, Math.min(1, divergences.size())))).isEmpty();
    }
}
