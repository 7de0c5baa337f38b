package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ProgramFacts#provenSafeAccesses()}: the accesses a runtime may perform without a
 * region check are those proven, on every path, to stay within memory it holds as one region
 * with bytes: stack loads and stores at fixed offsets, map value and packet loads. Context
 * accesses, variable-offset stack accesses, stores to map values and helper memory keep their
 * checks, as does an access that reaches different kinds of memory on different paths.
 */
class ProvenSafeAccessesTest {
    private static final MapDefinition ARRAY = MapDefinition.of(MapType.ARRAY, 4, 8, 4);
    private static final MapDefinition RINGBUF = MapDefinition.of(MapType.RINGBUF, 0, 0, 4096);

    private static BitSet proven(String asm, MapDefinition... maps) {
        VerificationResult r = Verifier.verify(VerificationRequest.of(CorpusPrograms.instructions(asm), ProgramType.XDP)
                .withMaps(List.of(maps)));
        assertThat(r.accepted()).as(r::describe).isTrue();
        return r.facts().orElseThrow().provenSafeAccesses();
    }

    private static BitSet of(int... pcs) {
        BitSet set = new BitSet();
        for (int pc : pcs) {
            set.set(pc);
        }
        return set;
    }

    @Test
    void packetLoadsAfterTheBoundsCheckAndFixedStackAccessesAreProvenContextAccessesAreNot() {
        assertThat(proven("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                if r4 > r3 goto +4
                r0 = *(u32 *)(r2 + 4)
                *(u64 *)(r10 - 8) = r0
                r0 = *(u64 *)(r10 - 8)
                exit
                r0 = 1
                exit
                """)).isEqualTo(of(5, 6, 7));
    }

    @Test
    void mapValueLoadsAreProvenStoresAndAtomicsAreNot() {
        assertThat(proven("""
                r1 = 0
                *(u32 *)(r10 - 4) = r1
                r2 = r10
                r2 += -4
                r1 = map(0) ll
                call 1
                if r0 == 0 goto +4
                r1 = *(u64 *)(r0 + 0)
                *(u64 *)(r0 + 0) = r1
                r2 = 1
                lock *(u64 *)(r0 + 0) += r2
                r0 = 0
                exit
                """, ARRAY)).isEqualTo(of(1, 8));
    }

    @Test
    void helperMemoryKeepsItsChecks() {
        assertThat(proven("""
                r1 = map(0) ll
                r2 = 16
                r3 = 0
                call 131
                if r0 == 0 goto +5
                r1 = 7
                *(u64 *)(r0 + 8) = r1
                r1 = r0
                r2 = 0
                call 132
                r0 = 0
                exit
                """, RINGBUF)).isEqualTo(new BitSet());
    }

    @Test
    void variableStackOffsetsKeepTheirChecks() {
        assertThat(proven("""
                r1 = *(u32 *)(r1 + 16)
                r1 &= 8
                r2 = r10
                r2 += -16
                r2 += r1
                r3 = 0
                *(u64 *)(r2 + 0) = r3
                r0 = 0
                exit
                """)).isEqualTo(new BitSet());
    }

    @Test
    void anAccessToDifferentKindsOfMemoryOnDifferentPathsKeepsItsCheck() {
        assertThat(proven("""
                r6 = r1
                r2 = r10
                r2 += -8
                r3 = 0
                *(u64 *)(r10 - 8) = r3
                r0 = *(u32 *)(r6 + 16)
                if r0 == 0 goto +1
                r2 = r6
                r0 = *(u32 *)(r2 + 0)
                exit
                """)).isEqualTo(of(4));
    }
}
