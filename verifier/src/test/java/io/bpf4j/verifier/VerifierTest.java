package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.HelperArgType;
import io.bpf4j.runtime.HelperPrototype;
import io.bpf4j.runtime.HelperReturnType;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapFlags;
import io.bpf4j.runtime.maps.MapType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifierTest {
    private static final MapDefinition RINGBUF = MapDefinition.of(MapType.RINGBUF, 0, 0, 4096);

    private static VerificationResult verify(ProgramType type, String asm, MapDefinition... maps) {
        return Verifier.verify(request(type, asm, maps));
    }

    private static VerificationRequest request(ProgramType type, String asm, MapDefinition... maps) {
        return VerificationRequest.of(CorpusPrograms.instructions(asm), type).withMaps(List.of(maps));
    }

    private static String reason(VerificationResult r) {
        assertThat(r.accepted()).as("expected a rejection").isFalse();
        return r.rejection().reason();
    }

    @Test
    void rejectionLogNamesInstructionStateReasonAndSourceLine() {
        VerificationRequest req = request(ProgramType.XDP, """
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 0)
                exit
                """).withSourceLines(Map.of(1, "prog.c:7: return data[0];"));
        VerificationResult r = Verifier.verify(req);
        VerifierLog log = r.rejection();
        assertThat(log.instruction()).isEqualTo(1);
        assertThat(log.disassembly()).isEqualTo("r0 = *(u8 *)(r2 + 0x0)");
        assertThat(log.state()).contains("R1=ctx()").contains("R2=pkt(r=0)").contains("R10=fp0");
        assertThat(log.reason()).contains("outside of the packet");
        assertThat(log.sourceLine()).contains("prog.c:7: return data[0];");
        assertThat(log.format()).contains("; prog.c:7: return data[0];").contains("1: r0 = *(u8 *)(r2 + 0x0)");
        assertThatThrownBy(() -> Verifier.check(req)).isInstanceOf(VerificationException.class)
                .hasMessageContaining("instruction 1");
    }

    @Test
    void acceptedProgramsReportStatisticsAndFacts() {
        VerificationResult r = verify(ProgramType.XDP, """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 2
                if r4 > r3 goto +1
                r0 = *(u16 *)(r2 + 0)
                r0 = 2
                exit
                """);
        assertThat(r.accepted()).as(r.describe()).isTrue();
        assertThat(r.stats().instructionsProcessed()).isEqualTo(10);
        ProgramFacts facts = r.facts().orElseThrow();
        assertThat(facts.isAccessProvenSafe(5)).isTrue();
        assertThat(facts.isAccessProvenSafe(0)).isTrue();
        assertThat(facts.isAccessProvenSafe(3)).isFalse();
        assertThat(facts.isReachable(7)).isTrue();
    }

    @Test
    void strictModeRefusesBackwardJumps() {
        String loop = "r0 = 0\nr0 += 1\nif r0 < 3 goto -2\nexit";
        assertThat(verify(ProgramType.XDP, loop).accepted()).isTrue();
        VerificationResult strict = Verifier.verify(request(ProgramType.XDP, loop).withStrict(true));
        assertThat(reason(strict)).isEqualTo("back-edge from insn 2 to 1");
    }

    @Test
    void workLimitIsReported() {
        VerificationResult r = verify(ProgramType.XDP, "r0 = 0\nr0 += 1\nif r0 != 0 goto -2\nexit");
        assertThat(reason(r)).startsWith("BPF program is too large. Processed 1000001 insn");
    }

    @Test
    void ringBufferReservationsMustBeSubmittedOrDiscarded() {
        String reserve = """
                r1 = map(0) ll
                r2 = 16
                r3 = 0
                call 131
                if r0 == 0 goto +%s
                r1 = 7
                *(u64 *)(r0 + 8) = r1
                %s
                r0 = 0
                exit
                """;
        String submit = "r1 = r0\nr2 = 0\ncall 132";
        assertThat(verify(ProgramType.XDP, reserve.formatted(5, submit), RINGBUF).accepted()).isTrue();
        assertThat(verify(ProgramType.XDP, reserve.formatted(5, "r1 = r0\nr2 = 0\ncall 133"), RINGBUF).accepted()).isTrue();
        assertThat(reason(verify(ProgramType.XDP, reserve.formatted(2, "r1 = 0"), RINGBUF))).startsWith("Unreleased reference");
        assertThat(reason(verify(ProgramType.XDP, reserve.formatted(5, "r1 = r0\nr2 = 0\ncall 132").replace(
                "*(u64 *)(r0 + 8) = r1", "*(u64 *)(r0 + 12) = r1"), RINGBUF))).contains("invalid access to memory, mem_size=16 off=12 size=8");
        assertThat(reason(verify(ProgramType.XDP, """
                r1 = map(0) ll
                r2 = 16
                r3 = 0
                call 131
                r1 = r0
                r2 = 0
                call 132
                r0 = 0
                exit
                """, RINGBUF))).contains("expected=ringbuf_mem");
    }

    @Test
    void readOnlyMapsAreNotWritable() {
        MapDefinition rodata = MapDefinition.of(MapType.ARRAY, 4, 8, 1).withFlags(MapFlags.BPF_F_RDONLY_PROG);
        String read = "r1 = mapvalue(0, 0) ll\nr0 = *(u64 *)(r1 + 0)\nexit";
        String write = "r1 = mapvalue(0, 0) ll\nr0 = 0\n*(u64 *)(r1 + 0) = r0\nexit";
        assertThat(Verifier.verify(request(ProgramType.XDP, read, rodata)).accepted()).isTrue();
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, write, rodata)))).startsWith("write into map forbidden");
        MapDefinition data = MapDefinition.of(MapType.ARRAY, 4, 8, 1);
        assertThat(Verifier.verify(request(ProgramType.XDP, write, data)).accepted()).isTrue();
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, write.replace("(0, 0)", "(0, 8)"), data))))
                .startsWith("invalid access to map value pointer");
    }

    @Test
    void gplOnlyHelpersNeedAGplLicense() {
        String prog = "r1 = r10\nr1 += -8\nr2 = 0\n*(u64 *)(r10 - 8) = r2\nr2 = 8\ncall 6\nr0 = 0\nexit";
        assertThat(verify(ProgramType.XDP, prog).accepted()).isTrue();
        VerificationResult r = Verifier.verify(request(ProgramType.XDP, prog).withGplCompatible(false));
        assertThat(reason(r)).contains("GPL-restricted function bpf_trace_printk#6");
    }

    @Test
    void embedderHelpersAreCheckedAgainstTheirPrototype() {
        HelperPrototype sum = HelperPrototype.of(HelperReturnType.INTEGER, HelperArgType.PTR_TO_MEM, HelperArgType.CONST_SIZE);
        VerificationRequest base = request(ProgramType.XDP, """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = SIZE
                call 1001
                exit
                """.replace("SIZE", "8"));
        VerificationRequest withHelper = base.withHelpers(id -> id == 1001 ? Optional.of(sum) : Optional.empty());
        assertThat(Verifier.verify(withHelper).accepted()).isTrue();
        assertThat(reason(Verifier.verify(base))).startsWith("invalid func unknown#1001");
        VerificationRequest tooLong = request(ProgramType.XDP, """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 16
                call 1001
                exit
                """).withHelpers(id -> id == 1001 ? Optional.of(sum) : Optional.empty());
        assertThat(reason(Verifier.verify(tooLong))).startsWith("invalid indirect access to stack");
    }

    @Test
    void bpfLoopCallbacksAreVerified() {
        String prog = """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = 10
                r2 = func(cb) ll
                r3 = r10
                r3 += -8
                r4 = 0
                call 181
                r0 = *(u64 *)(r10 - 8)
                r0 = 0
                exit
                cb:
                r3 = *(u64 *)(r2 + OFF)
                r3 += 1
                *(u64 *)(r2 + 0) = r3
                r0 = RET
                exit
                """;
        VerificationResult ok = Verifier.verify(request(ProgramType.XDP, prog.replace("OFF", "0").replace("RET", "0")).withBtf(true));
        assertThat(ok.accepted()).as(ok.describe()).isTrue();
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, prog.replace("OFF", "8").replace("RET", "0")).withBtf(true))))
                .startsWith("invalid read from stack");
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, prog.replace("OFF", "0").replace("RET", "2")).withBtf(true))))
                .contains("should have been in [0, 1]");
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, prog.replace("OFF", "0").replace("RET", "0")))))
                .startsWith("missing btf func_info");
    }

    @Test
    void globalFunctionsAreVerifiedOnTheirOwn() {
        String prog = """
                r1 = 5
                call f
                r0 &= 1
                exit
                f:
                r0 = r1
                r0 += 1
                exit
                """;
        VerificationRequest req = request(ProgramType.XDP, prog).withGlobalFunctions(Map.of(4, List.of(VerificationRequest.ArgKind.SCALAR)));
        assertThat(Verifier.verify(req).accepted()).isTrue();
        String deref = prog.replace("r0 = r1\n", "r0 = *(u8 *)(r1 + 0)\n");
        assertThat(Verifier.verify(request(ProgramType.XDP, deref.replace("r1 = 5", "r1 = r10\nr1 += -8\nr2 = 0\n*(u64 *)(r10 - 8) = r2"))).accepted())
                .as("a static function sees the caller's stack pointer").isTrue();
        assertThat(reason(Verifier.verify(request(ProgramType.XDP, deref).withGlobalFunctions(
                Map.of(4, List.of(VerificationRequest.ArgKind.SCALAR)))))).contains("invalid mem access 'scalar'");
    }

    @Test
    void contextRulesFollowTheProgramType() {
        assertThat(verify(ProgramType.KPROBE, "r0 = *(u64 *)(r1 + 80)\nexit").accepted()).isTrue();
        assertThat(reason(verify(ProgramType.KPROBE, "r0 = *(u64 *)(r1 + 168)\nexit"))).startsWith("invalid bpf_context access");
        assertThat(reason(verify(ProgramType.KPROBE, "r0 = 0\n*(u64 *)(r1 + 0) = r0\nexit"))).startsWith("invalid bpf_context access");
        assertThat(verify(ProgramType.TRACEPOINT, "r0 = *(u32 *)(r1 + 8)\nexit").accepted()).isTrue();
        assertThat(reason(verify(ProgramType.TRACEPOINT, "r0 = *(u32 *)(r1 + 0)\nexit"))).startsWith("invalid bpf_context access");
        assertThat(verify(ProgramType.RAW_TRACEPOINT, "r0 = *(u64 *)(r1 + 8)\nexit").accepted()).isTrue();
        assertThat(verify(ProgramType.PERF_EVENT, "r0 = *(u64 *)(r1 + 168)\nexit").accepted()).isTrue();
        assertThat(verify(ProgramType.SOCK_OPS, "r0 = *(u32 *)(r1 + 0)\nr0 = 1\nexit").accepted()).isTrue();
        assertThat(reason(verify(ProgramType.SOCK_OPS, "r0 = 2\nexit"))).contains("should have been in [0, 1]");
        assertThat(verify(ProgramType.CGROUP_SKB, "r0 = 1\nexit").accepted()).isTrue();
    }

    @Test
    void unprivilegedModeRefusesLeaksAndUninitializedStack() {
        VerificationRequest leak = request(ProgramType.SOCKET_FILTER, "r0 = 0\n*(u64 *)(r10 - 8) = r0\nr0 = *(u64 *)(r10 - 16)\nexit");
        assertThat(Verifier.verify(leak).accepted()).isTrue();
        assertThat(reason(Verifier.verify(leak.withPrivileged(false)))).startsWith("invalid read from stack");
        VerificationRequest cmp = request(ProgramType.SOCKET_FILTER, "r0 = 0\nif r1 > r10 goto +0\nexit");
        assertThat(reason(Verifier.verify(cmp.withPrivileged(false)))).contains("pointer comparison prohibited");
    }

    @Test
    void callDepthAndHelperAvailability() {
        StringBuilder deep = new StringBuilder("call f1\nexit\n");
        for (int i = 1; i <= 8; i++) {
            deep.append("f").append(i).append(":\n").append(i < 8 ? "call f" + (i + 1) + "\n" : "").append("r0 = 0\nexit\n");
        }
        assertThat(reason(verify(ProgramType.XDP, deep.toString()))).isEqualTo("the call stack of 9 frames is too deep");
        assertThat(reason(verify(ProgramType.XDP, "call 14\nr0 = 0\nexit\n".replace("14", "67")))).startsWith(
                "program of this type cannot use helper bpf_get_stack#67");
        // Found by fuzzing, checked with the kernel (kernel-run --verify-only): tc and lwt only.
        for (String helper : new String[] {"24 get_route_realm", "34 get_hash_recalc"}) {
            String[] idName = helper.split(" ");
            String call = "call " + idName[0] + "\nr0 = 0\nexit\n";
            for (ProgramType type : new ProgramType[] {ProgramType.SOCKET_FILTER, ProgramType.CGROUP_SKB}) {
                assertThat(reason(verify(type, call))).as(type + " " + helper)
                        .isEqualTo("program of this type cannot use helper bpf_" + idName[1] + "#" + idName[0]);
            }
            assertThat(Verifier.verify(request(ProgramType.SCHED_CLS, call)).accepted()).as("tc " + helper).isTrue();
        }
    }

    @Test
    void pruningKeepsWorkLinearInTheNumberOfBranches() {
        // 40 independent branches: 2^40 paths, explored in linear work because the states where
        // the paths meet differ only in registers that are never read again.
        StringBuilder b = new StringBuilder("r6 = r1\nr7 = 0\n");
        for (int i = 0; i < 40; i++) {
            b.append("r2 = *(u32 *)(r6 + 12)\n");
            b.append("if r2 > 5 goto +2\n");
            b.append("r3 = 1\n");
            b.append("goto +1\n");
            b.append("r3 = 2\n");
            b.append("r4 = r3\n");
        }
        b.append("r0 = 2\nexit\n");
        VerificationResult r = verify(ProgramType.XDP, b.toString());
        assertThat(r.accepted()).as(r.describe()).isTrue();
        assertThat(r.stats().instructionsProcessed()).isLessThan(40L * 6 * 3);
        assertThat(r.stats().peakStates()).isGreaterThan(0);
    }
}
