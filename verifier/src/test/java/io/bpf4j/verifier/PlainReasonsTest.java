package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.testkit.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain sentence that follows the Linux wording of a rejection. {@code plain-reasons.txt}
 * holds one example of every message the verifier emits, in the verifier's own format, with a
 * part of the sentence it must get; every rule of the table has an example, and every rejection
 * of the corpus and of the shared verifier cases has a sentence.
 */
class PlainReasonsTest {
    record Example(String reason, String expected) {
        @Override
        public String toString() {
            return reason;
        }
    }

    static List<Example> examples() throws IOException {
        try (InputStream in = PlainReasonsTest.class.getResourceAsStream("/plain-reasons.txt")) {
            assertThat(in).as("plain-reasons.txt on the test class path").isNotNull();
            List<Example> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    int sep = line.lastIndexOf(" ==> ");
                    out.add(new Example(line.substring(0, sep), line.substring(sep + 5)));
                }
            }
            return out;
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void explainsEveryMessage(Example e) {
        String plain = PlainReasons.explain(e.reason()).orElseThrow(() -> new AssertionError("no sentence for: " + e.reason()));
        assertThat(plain).contains(e.expected()).doesNotContain("$").endsWith(".");
        assertThat(Character.isUpperCase(plain.charAt(0)) || !Character.isLetter(plain.charAt(0))).isTrue();
    }

    @Test
    void everyRuleHasAnExample() throws IOException {
        Set<Integer> used = examples().stream().map(e -> PlainReasons.ruleIndex(e.reason())).collect(Collectors.toSet());
        Set<Integer> unused = IntStream.range(0, PlainReasons.ruleCount()).boxed()
                .filter(i -> !used.contains(i)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(unused).as("rules (by index) no example in plain-reasons.txt reaches").isEmpty();
        assertThat(PlainReasons.ruleCount()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void unknownMessagesHaveNoExplanation() {
        assertThat(PlainReasons.explain("something the table does not know")).isEmpty();
    }

    @Test
    void theLogOfARejectedProgramSaysWhyInPlainWords() {
        VerificationResult result = Verifier.verify(VerificationRequest.of(Assembler.assemble("""
                r0 = *(u8 *)(r2 + 0)
                exit"""), ProgramType.XDP));
        assertThat(result.accepted()).isFalse();
        assertThat(result.rejection().format()).contains("rejected: R2 !read_ok (instruction 0)\n"
                + "why: Register r2 is read before anything was written to it on this path.\n");
    }

    @Test
    void everyRejectionOfTheCorpusIsExplained() throws IOException {
        Set<String> unexplained = new TreeSet<>();
        for (CorpusAgreementTest.Entry e : CorpusAgreementTest.load()) {
            for (boolean privileged : new boolean[] {true, false}) {
                VerificationResult r = Verifier.verify(CorpusPrograms.request(e.asm(), e.type(), e.maps(), e.license())
                        .withPrivileged(privileged));
                if (!r.accepted() && r.rejection().explanation().isEmpty()) {
                    unexplained.add(r.rejection().reason());
                }
            }
        }
        assertThat(unexplained).as("rejections of the corpus without a plain sentence").isEmpty();
    }

    @Test
    void everyRejectionOfTheSharedVerifierCasesIsExplained() throws IOException {
        Path file = SharedData.require("verifier cases").resolve("verifier-cases/cases.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), file + " not found: skipped");
        Set<String> unexplained = new TreeSet<>();
        for (VerifierCases.Case c : VerifierCases.load(file)) {
            if (c.request() == null) {
                continue;
            }
            for (boolean privileged : new boolean[] {true, false}) {
                VerificationResult r = Verifier.verify(c.request().withPrivileged(privileged));
                if (!r.accepted() && r.rejection().explanation().isEmpty()) {
                    unexplained.add(r.rejection().reason());
                }
            }
        }
        assertThat(unexplained).as("rejections of the shared cases without a plain sentence").isEmpty();
    }
}
