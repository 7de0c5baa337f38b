package io.bpf4j.verifier;

import io.bpf4j.isa.Disassembler;
import io.bpf4j.verifier.internal.Analyzer;
import java.util.List;
import java.util.Optional;

/**
 * Proves eBPF programs safe before they run, as Linux's verifier does: every path is walked with
 * abstract registers and stack (scalars as known bits and ranges, typed pointers with offsets),
 * every memory access proven inside its object, every helper call checked against its prototype,
 * every loop proven to end within {@value #INSTRUCTION_LIMIT} instruction steps.
 *
 * <pre>{@code
 * VerificationResult r = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP));
 * if (!r.accepted()) System.err.print(r.rejection().format());
 * }</pre>
 */
public final class Verifier {
    /** The most instruction steps verification may take (Linux's BPF_COMPLEXITY_LIMIT_INSNS). */
    public static final long INSTRUCTION_LIMIT = Analyzer.LIMIT;

    /** The most the default state memory limit is: the verifier's memory is per verification, not per runtime. */
    public static final long MAX_DEFAULT_STATE_MEMORY = 512L << 20;

    private Verifier() {}

    /**
     * The state memory limit a request has unless it sets one: a quarter of the heap this JVM may
     * grow to, at most {@value #MAX_DEFAULT_STATE_MEMORY} bytes, so that verification cannot run
     * the JVM out of memory whatever the program does.
     */
    public static long defaultStateMemoryLimit() {
        return Math.max(1 << 20, Math.min(MAX_DEFAULT_STATE_MEMORY, Runtime.getRuntime().maxMemory() / 4));
    }

    /** Verifies a program: accepted with statistics and facts, or rejected with a log. Never throws for unsafe programs. */
    public static VerificationResult verify(VerificationRequest request) {
        long start = System.nanoTime();
        Analyzer analyzer = new Analyzer(request);
        try {
            analyzer.run();
            VerifierStats stats = stats(analyzer, start);
            ProgramFacts facts = new ProgramFacts(request.code().size(), analyzer.reachable(), analyzer.safeAccess(),
                    analyzer.directAccess());
            return new VerificationResult(true, stats, Optional.of(facts), Optional.empty());
        } catch (Analyzer.Rejection e) {
            int pc = e.pc;
            // A rejection may point at the second half of a lddw (opcode 0), which has no disassembly of its own.
            String disasm = pc >= 0 && pc < request.code().size() && request.code().get(pc).opcode() != 0
                    ? Disassembler.format(request.code(), pc) : "";
            String state = pc >= 0 ? analyzer.currentStateText() : "";
            Optional<String> line = Optional.ofNullable(pc >= 0 ? request.sourceLines().get(pc) : null);
            List<String> trace = analyzer.trace();
            if (trace.size() > 10_000) {
                trace = trace.subList(trace.size() - 10_000, trace.size());
            }
            VerifierLog log = new VerifierLog(pc, disasm, state, e.reason, line, trace);
            return new VerificationResult(false, stats(analyzer, start), Optional.empty(), Optional.of(log));
        }
    }

    /** Verifies a program and returns its facts, or throws {@link VerificationException} with the log. */
    public static VerificationResult check(VerificationRequest request) {
        VerificationResult r = verify(request);
        if (!r.accepted()) {
            throw new VerificationException(r.rejection());
        }
        return r;
    }

    private static VerifierStats stats(Analyzer a, long start) {
        return new VerifierStats(a.processed(), a.peakStates(), a.totalStates(), System.nanoTime() - start,
                a.peakStateBytes(), a.evictedStates(), a.request().instructionLimit());
    }
}
