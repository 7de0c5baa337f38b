package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinuxHelpersTest {

    @Test
    void everyLinuxHelperIdHasOneEntry() {
        List<LinuxHelpers.Entry> all = LinuxHelpers.all();
        assertThat(all).hasSize(LinuxHelpers.MAX_ID);
        Set<String> names = new HashSet<>();
        for (int id = 1; id <= LinuxHelpers.MAX_ID; id++) {
            LinuxHelpers.Entry e = LinuxHelpers.find(id).orElseThrow();
            assertThat(e.id()).isEqualTo(id);
            assertThat(names.add(e.name())).as("duplicate name %s", e.name()).isTrue();
        }
        assertThat(LinuxHelpers.find(0)).isEmpty();
        assertThat(LinuxHelpers.find(212)).isEmpty();
    }

    @Test
    void wellKnownPrototypes() {
        HelperPrototype lookup = LinuxHelpers.prototypeOf(1);
        assertThat(LinuxHelpers.find(1).orElseThrow().label()).isEqualTo("bpf_map_lookup_elem#1");
        assertThat(lookup.returnType()).isEqualTo(HelperReturnType.PTR_TO_MAP_VALUE_OR_NULL);
        assertThat(lookup.args()).containsExactly(HelperArgType.CONST_MAP_PTR, HelperArgType.PTR_TO_MAP_KEY);
        assertThat(LinuxHelpers.find(181).orElseThrow().name()).isEqualTo("loop");
        assertThat(LinuxHelpers.prototypeOf(181).arg(1)).isEqualTo(HelperArgType.PTR_TO_FUNC);
        HelperPrototype reserve = LinuxHelpers.prototypeOf(131);
        assertThat(reserve.acquiresReference()).isTrue();
        assertThat(LinuxHelpers.prototypeOf(132).releasesReference()).isTrue();
        assertThat(LinuxHelpers.prototypeOf(6).gplOnly()).as("trace_printk").isTrue();
        assertThat(LinuxHelpers.prototypeOf(5).gplOnly()).as("ktime_get_ns").isFalse();
        assertThat(LinuxHelpers.find(211).orElseThrow().name()).isEqualTo("cgrp_storage_delete");
        assertThat(LinuxHelpers.prototypeOf(5000)).isEqualTo(HelperPrototype.unknown());
    }

    @Test
    void helpersAreAllowedPerProgramType() {
        assertThat(LinuxHelpers.isAllowed(1, ProgramType.XDP)).isTrue();
        assertThat(LinuxHelpers.isAllowed(44, ProgramType.XDP)).as("xdp_adjust_head").isTrue();
        assertThat(LinuxHelpers.isAllowed(44, ProgramType.SCHED_CLS)).isFalse();
        assertThat(LinuxHelpers.isAllowed(4, ProgramType.XDP)).as("probe_read").isFalse();
        assertThat(LinuxHelpers.isAllowed(4, ProgramType.KPROBE)).isTrue();
        assertThat(LinuxHelpers.isAllowed(9, ProgramType.SCHED_CLS)).as("skb_store_bytes").isTrue();
        assertThat(LinuxHelpers.isAllowed(9, ProgramType.SOCKET_FILTER)).isFalse();
        assertThat(LinuxHelpers.isAllowed(5000, ProgramType.XDP)).as("an embedder's own helper").isTrue();
    }

    @Test
    void helpersGetTheLinuxPrototypeOrAnExplicitOne() {
        HelperFunction f = (a, b, c, d, e, ctx) -> 0;
        assertThat(new Helper(1, "map_lookup_elem", f).prototype()).isEqualTo(LinuxHelpers.prototypeOf(1));
        assertThat(new Helper(1001, "mine", f).prototype()).isEqualTo(HelperPrototype.unknown());
        HelperPrototype p = HelperPrototype.of(HelperReturnType.INTEGER, HelperArgType.PTR_TO_MEM, HelperArgType.CONST_SIZE);
        HelperRegistry r = HelperRegistry.builder().register(1002, "sum", p, f).build();
        assertThat(r.find(1002).orElseThrow().prototype()).isEqualTo(p);
        assertThat(BpfRuntime.builder().helper(1003, "x", p, f).build()).isNotNull();
    }

    @Test
    void aSizeArgumentMustFollowMemory() {
        assertThatThrownBy(() -> HelperPrototype.of(HelperReturnType.INTEGER, HelperArgType.ANYTHING, HelperArgType.CONST_SIZE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a memory argument");
    }
}
