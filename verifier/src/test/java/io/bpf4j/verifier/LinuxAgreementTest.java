package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Agreement with the Linux verifier on the shared verifier cases, privileged and unprivileged:
 * at least 95% in each mode, and no program accepted that both Linux and PREVAIL reject.
 * Prints the figures and the disagreements by category.
 */
class LinuxAgreementTest {

    @Test
    void agreesWithLinuxOnTheSharedCases() throws IOException {
        Path file = SharedData.require("verifier cases").resolve("verifier-cases/cases.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(file), file + " not found: skipped");
        List<VerifierCases.Case> cases = VerifierCases.load(file);
        StringBuilder report = new StringBuilder();
        List<String> unsound = new ArrayList<>();
        double[] agreement = new double[2];
        for (int mode = 0; mode < 2; mode++) {
            boolean privileged = mode == 0;
            int agree = 0;
            Map<String, List<String>> byCategory = new TreeMap<>();
            for (VerifierCases.Case c : cases) {
                boolean linux = privileged ? c.linuxPrivileged() : c.linuxUnprivileged();
                boolean ours;
                String why;
                if (c.request() == null) {
                    ours = false;
                    why = "cannot build: " + c.buildError();
                } else {
                    VerificationResult r = Verifier.verify(c.request().withPrivileged(privileged));
                    ours = r.accepted();
                    why = ours ? "accepted" : r.rejection().reason() + " @" + r.rejection().instruction();
                }
                if (ours == linux) {
                    agree++;
                } else {
                    String linuxWhy = privileged ? c.linuxError() : c.linuxUnprivError();
                    byCategory.computeIfAbsent(c.category(), k -> new ArrayList<>()).add(c.name() + ": linux "
                            + (linux ? "accepts" : "rejects (" + linuxWhy + ")") + ", bpf4j " + why);
                }
                if (ours && !c.linuxPrivileged() && !c.prevail() && privileged) {
                    unsound.add(c.name() + " (" + c.linuxError() + ")");
                }
            }
            agreement[mode] = 100.0 * agree / cases.size();
            report.append(String.format("%s: %d/%d agree with Linux (%.1f%%)%n", privileged ? "privileged" : "unprivileged",
                    agree, cases.size(), agreement[mode]));
            byCategory.forEach((cat, list) -> {
                report.append("  ").append(cat).append(": ").append(list.size()).append('\n');
                list.forEach(l -> report.append("    ").append(l).append('\n'));
            });
        }
        report.append("accepted although Linux and PREVAIL both reject: ").append(unsound.size()).append('\n');
        unsound.forEach(u -> report.append("  ").append(u).append('\n'));
        System.out.print(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/linux-agreement.txt"), report);
        assertThat(unsound).as("cases accepted that both Linux and PREVAIL reject").isEmpty();
        assertThat(agreement[0]).as("privileged agreement with Linux, %%").isGreaterThanOrEqualTo(95.0);
        assertThat(agreement[1]).as("unprivileged agreement with Linux, %%").isGreaterThanOrEqualTo(95.0);
    }
}
