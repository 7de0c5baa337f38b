package io.bpf4j.loader;

import io.bpf4j.runtime.ProgramType;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.loader.TestObjects.Source;
import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfType;
import io.bpf4j.loader.btf.LineInfo;
import io.bpf4j.loader.btf.Linkage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test C programs, parsed from the prebuilt objects and from objects compiled now with
 * clang-19 (skipped without it): maps, programs, linking, relocations, line info, license.
 */
class BpfObjectTest {

    private static MapSpec map(BpfObject o, String name) {
        return o.map(name).orElseThrow(() -> new AssertionError("no map " + name + " in " + o.maps()));
    }

    private static ProgramSpec program(BpfObject o, String name) {
        return o.program(name).orElseThrow(() -> new AssertionError("no program " + name + " in " + o.programs()));
    }

    /** Every map reference is a lddw rewritten as MapReference documents. */
    private static void assertMapReferencesRewritten(BpfObject o, ProgramSpec p) {
        Instructions code = p.instructions();
        for (MapReference r : p.mapReferences()) {
            Instruction insn = code.get(r.instructionIndex());
            assertThat(insn.opcode()).as("%s", r).isEqualTo(Opcodes.LDDW);
            assertThat(o.maps().get(r.mapIndex()).name()).isEqualTo(r.mapName());
            assertThat(insn.imm()).isEqualTo(r.mapIndex());
            if (r.kind() == MapReference.Kind.MAP_FD) {
                assertThat(insn.src()).isEqualTo(Opcodes.PSEUDO_MAP_FD);
                assertThat(code.get(r.instructionIndex() + 1).imm()).isZero();
            } else {
                assertThat(insn.src()).isEqualTo(Opcodes.PSEUDO_MAP_VALUE);
                assertThat(code.get(r.instructionIndex() + 1).imm()).isEqualTo(r.offset());
            }
        }
        // and every map load is one of them (other lddw load constants, src 0, or functions, src 4)
        for (int i = 0; i < code.size(); i++) {
            if (code.isWide(i) && code.get(i).src() != Opcodes.PSEUDO_FUNC && code.get(i).src() != Opcodes.PSEUDO_IMM) {
                int at = i;
                assertThat(p.mapReferences()).as("lddw at %d of %s", i, p.name())
                        .anyMatch(r -> r.instructionIndex() == at);
            }
        }
    }

    /** Every local call and function address lands on the start of a placed function. */
    private static List<String> localTargets(ProgramSpec p) {
        Instructions code = p.instructions();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            Instruction insn = code.get(i);
            boolean call = insn.opcode() == (Opcodes.JMP | Opcodes.CALL) && insn.src() == Opcodes.CALL_LOCAL;
            boolean addr = insn.opcode() == Opcodes.LDDW && insn.src() == Opcodes.PSEUDO_FUNC;
            if (call || addr) {
                int target = i + insn.imm() + 1;
                FunctionSpec f = p.functions().stream().filter(fs -> fs.startIndex() == target).findFirst()
                        .orElseThrow(() -> new AssertionError(p.name() + ": instruction " + target + " is no function start"));
                targets.add((call ? "call " : "addr ") + f.name());
            }
        }
        return targets;
    }

    private static void assertWellFormed(BpfObject o) {
        for (ProgramSpec p : o.programs()) {
            Instructions code = p.instructions();
            assertThat(code.size()).isEqualTo(p.instructionCount());
            assertThat(p.functions().getFirst().name()).isEqualTo(p.name());
            assertThat(p.functions().getFirst().startIndex()).isZero();
            int end = 0;
            for (FunctionSpec f : p.functions()) {
                assertThat(f.startIndex()).isEqualTo(end);
                end += f.length();
            }
            assertThat(end).isEqualTo(code.size());
            assertThat(p.functions().stream().map(FunctionSpec::name)).doesNotHaveDuplicates();
            int last = -1;
            for (LineInfo li : p.lineInfo()) {
                assertThat(li.instructionIndex()).isBetween(0, code.size() - 1).isGreaterThanOrEqualTo(last);
                last = li.instructionIndex();
            }
            assertMapReferencesRewritten(o, p);
            localTargets(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void xdpWithBtfHashAndArrayMaps(Source source) {
        BpfObject o = TestObjects.parse(source, "xdp_maps");
        assertWellFormed(o);
        assertThat(o.license()).isEqualTo("GPL");
        assertThat(o.gplCompatible()).isTrue();
        assertThat(o.maps()).extracting(MapSpec::name).containsExactlyInAnyOrder("counters", "flows");

        MapSpec counters = map(o, "counters");
        assertThat(counters.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_ARRAY);
        assertThat(counters.keySize()).isEqualTo(4);
        assertThat(counters.valueSize()).isEqualTo(8);
        assertThat(counters.maxEntries()).isEqualTo(8);
        assertThat(counters.origin()).isEqualTo(MapSpec.Origin.BTF);
        assertThat(counters.sectionName()).isEqualTo(".maps");

        MapSpec flows = map(o, "flows");
        assertThat(flows.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_HASH);
        assertThat(flows.keySize()).isEqualTo(16); // struct flow_key: 13 bytes of fields, padded to 16
        assertThat(flows.valueSize()).isEqualTo(8);
        assertThat(flows.maxEntries()).isEqualTo(1024);
        Btf btf = o.btf().orElseThrow();
        assertThat(btf.describe(flows.btfKeyTypeId())).isEqualTo("struct flow_key");
        assertThat(btf.describe(flows.btfValueTypeId())).isEqualTo("__u64");
        assertThat(btf.sizeOf(flows.btfKeyTypeId())).isEqualTo(16);

        assertThat(o.programs()).hasSize(1);
        ProgramSpec p = program(o, "xdp_count");
        assertThat(p.kind()).isEqualTo(ProgramType.XDP);
        assertThat(p.section()).isEqualTo(new ProgramSection("xdp", ProgramType.XDP, "BPF_XDP", ""));
        assertThat(p.signature().orElseThrow()).hasToString("int xdp_count(struct xdp_md *ctx)");
        assertThat(p.signature().orElseThrow().linkage()).isEqualTo(Linkage.GLOBAL);
        assertThat(p.functions()).hasSize(1);
        assertThat(p.mapReferences()).extracting(MapReference::mapName).contains("counters", "flows");
        assertThat(p.mapReferences()).allMatch(r -> r.kind() == MapReference.Kind.MAP_FD);
        assertThat(p.instructions().getLast().opcode()).isEqualTo(Opcodes.JMP | Opcodes.EXIT);

        MapReference toCounters = p.mapReferences().stream().filter(r -> r.mapName().equals("counters")).findFirst()
                .orElseThrow();
        LineInfo line = p.lineAt(toCounters.instructionIndex()).orElseThrow();
        assertThat(line.fileName()).endsWith("xdp_maps.c");
        assertThat(line.sourceLine()).contains("bpf_map_lookup_elem(&counters, &index)");
        assertThat(line.line()).isEqualTo(31);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void socketFilterWithLegacyMaps(Source source) {
        BpfObject o = TestObjects.parse(source, "socket_legacy");
        assertWellFormed(o);
        assertThat(o.license()).isEqualTo("Dual MIT/GPL");
        assertThat(o.gplCompatible()).isTrue();
        assertThat(o.maps()).containsExactly(
                new MapSpec("packets", MapSpec.BPF_MAP_TYPE_ARRAY, 4, 8, 256, 0, 0, 0, java.util.Optional.empty(), null,
                        false, List.of(), MapSpec.Origin.LEGACY, "maps", 0, 0),
                new MapSpec("bytes_by_len", MapSpec.BPF_MAP_TYPE_HASH, 4, 8, 64, 1, 0, 0, java.util.Optional.empty(), null,
                        false, List.of(), MapSpec.Origin.LEGACY, "maps", 0, 0));
        ProgramSpec p = program(o, "count_packets");
        assertThat(p.kind()).isEqualTo(ProgramType.SOCKET_FILTER);
        assertThat(p.mapReferences()).extracting(MapReference::mapName).containsExactly("packets", "bytes_by_len");
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void globalDataBecomesSingleEntryArrays(Source source) {
        BpfObject o = TestObjects.parse(source, "global_data");
        assertWellFormed(o);
        assertThat(o.license()).isEqualTo("Dual BSD/GPL");
        assertThat(o.maps()).extracting(MapSpec::name).containsExactly(".rodata", ".data", ".data.foo", ".bss");
        for (MapSpec m : o.maps()) {
            assertThat(m.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_ARRAY);
            assertThat(m.keySize()).isEqualTo(4);
            assertThat(m.maxEntries()).isEqualTo(1);
            assertThat(m.origin()).isEqualTo(MapSpec.Origin.GLOBAL_DATA);
            assertThat(m.flags() & MapSpec.BPF_F_MMAPABLE).isNotZero();
            BtfType datasec = o.btf().orElseThrow().type(m.btfValueTypeId());
            assertThat(datasec).isInstanceOf(BtfType.DataSec.class);
            assertThat(datasec.name()).isEqualTo(m.name());
        }
        MapSpec rodata = map(o, ".rodata");
        assertThat(rodata.readOnly()).isTrue();
        assertThat(rodata.flags() & MapSpec.BPF_F_RDONLY_PROG).isNotZero();
        assertThat(rodata.valueSize()).isEqualTo(24);
        ByteBuffer ro = ByteBuffer.wrap(rodata.initialData()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ro.getInt(0)).isEqualTo(42);
        assertThat(ro.getLong(8)).isEqualTo(7);
        assertThat(ro.getLong(16)).isEqualTo(9);

        MapSpec data = map(o, ".data");
        assertThat(data.readOnly()).isFalse();
        assertThat(data.flags() & MapSpec.BPF_F_RDONLY_PROG).isZero();
        assertThat(ByteBuffer.wrap(data.initialData()).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(5);

        MapSpec foo = map(o, ".data.foo");
        ByteBuffer fooData = ByteBuffer.wrap(foo.initialData()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(foo.valueSize()).isEqualTo(8);
        assertThat(Set.of(fooData.getInt(0), fooData.getInt(4))).containsExactlyInAnyOrder(0x1234, 0xabcd);

        MapSpec bss = map(o, ".bss");
        assertThat(bss.valueSize()).isEqualTo(8);
        assertThat(bss.initialData()).isEmpty(); // all zeros, not materialised

        ProgramSpec p = program(o, "trace_openat");
        assertThat(p.section()).isEqualTo(new ProgramSection("tracepoint/syscalls/sys_enter_openat",
                ProgramType.TRACEPOINT, "", "syscalls/sys_enter_openat"));
        assertThat(p.mapReferences()).allMatch(r -> r.kind() == MapReference.Kind.MAP_VALUE);
        assertThat(offsets(p, ".rodata")).containsExactlyInAnyOrder(0, 8); // threshold, limits (+8 in the load)
        assertThat(offsets(p, ".bss")).containsExactlyInAnyOrder(0, 4); // misses and static calls
        assertThat(offsets(p, ".data")).containsExactly(0);
        assertThat(offsets(p, ".data.foo")).containsExactlyInAnyOrder(0, 4);
    }

    private static Set<Integer> offsets(ProgramSpec p, String map) {
        return p.mapReferences().stream().filter(r -> r.mapName().equals(map)).map(MapReference::offset)
                .collect(Collectors.toSet());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void bpfToBpfCallsAppendSubprogramsOnce(Source source) {
        BpfObject o = TestObjects.parse(source, "calls");
        assertWellFormed(o);
        assertThat(o.programs()).extracting(ProgramSpec::name).containsExactly("xdp_calls", "tc_one", "tc_two");

        ProgramSpec xdp = program(o, "xdp_calls");
        assertThat(xdp.functions()).extracting(FunctionSpec::name)
                .containsExactlyInAnyOrder("xdp_calls", "count_cb", "global_square", "twice", "add_one");
        assertThat(new HashSet<>(localTargets(xdp))).containsExactlyInAnyOrder(
                "addr count_cb", "call global_square", "call twice", "call add_one");
        FunctionSpec square = xdp.functions().stream().filter(f -> f.name().equals("global_square")).findFirst()
                .orElseThrow();
        assertThat(square.global()).isTrue();
        assertThat(square.sectionName()).isEqualTo(".text");
        assertThat(square.signature().orElseThrow()).hasToString("int global_square(int x)");
        FunctionSpec twice = xdp.functions().stream().filter(f -> f.name().equals("twice")).findFirst().orElseThrow();
        assertThat(twice.global()).isFalse();
        assertThat(twice.signature().orElseThrow()).hasToString("static int twice(int x)");
        // the map lookup inside the global subprogram is relocated at its appended copy
        assertThat(xdp.mapReferences()).singleElement().satisfies(r -> {
            assertThat(r.mapName()).isEqualTo("stats");
            assertThat(r.instructionIndex()).isBetween(square.startIndex(), square.startIndex() + square.length() - 1);
        });
        // the callback's address load carries the line of the bpf_loop call
        Instructions code = xdp.instructions();
        for (int i = 0; i < code.size(); i++) {
            if (code.isWide(i) && code.get(i).src() == Opcodes.PSEUDO_FUNC) {
                assertThat(xdp.lineAt(i).orElseThrow().sourceLine()).contains("bpf_loop(4, count_cb, &n, 0)");
            }
        }

        ProgramSpec one = program(o, "tc_one");
        assertThat(one.functions()).extracting(FunctionSpec::name).containsExactly("tc_one", "add_one");
        assertThat(localTargets(one)).containsExactly("call add_one");
        ProgramSpec two = program(o, "tc_two");
        assertThat(two.functions()).extracting(FunctionSpec::name).containsExactly("tc_two", "twice", "add_one");
        assertThat(localTargets(two)).containsExactly("call twice", "call add_one");
        assertThat(one.section().kind()).isEqualTo(ProgramType.SCHED_CLS);
        // subprogram line info moves with the subprogram
        FunctionSpec addOne = one.functions().get(1);
        assertThat(one.lineAt(addOne.startIndex() + 1).orElseThrow().sourceLine()).contains("return x + 1;");
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void programArrayWithStaticValues(Source source) {
        BpfObject o = TestObjects.parse(source, "tail_calls");
        assertWellFormed(o);
        MapSpec table = map(o, "jump_table");
        assertThat(table.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_PROG_ARRAY);
        assertThat(table.keySize()).isEqualTo(4);
        assertThat(table.valueSize()).isEqualTo(4);
        assertThat(table.maxEntries()).isEqualTo(4);
        assertThat(table.holdsReferences()).isTrue();
        assertThat(table.initialSlots()).containsExactly(new MapSlot(0, MapSlot.Kind.PROGRAM, "tail_a"),
                new MapSlot(2, MapSlot.Kind.PROGRAM, "tail_b"));
        assertThat(o.programs()).extracting(ProgramSpec::name).containsExactlyInAnyOrder("tail_a", "tail_b", "entry");
        assertThat(program(o, "tail_a").section()).isEqualTo(
                new ProgramSection("classifier/a", ProgramType.SCHED_CLS, "", "a"));
        ProgramSpec entry = program(o, "entry");
        assertThat(entry.mapReferences()).extracting(MapReference::mapName).containsExactly("jump_table");
        Instructions code = entry.instructions();
        assertThat(code).anyMatch(i -> i.opcode() == (Opcodes.JMP | Opcodes.CALL) && i.src() == 0 && i.imm() == 12);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void ringBufferLpmTrieAndMapsOfMaps(Source source) {
        BpfObject o = TestObjects.parse(source, "special_maps");
        assertWellFormed(o);
        MapSpec events = map(o, "events");
        assertThat(events.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_RINGBUF);
        assertThat(events.maxEntries()).isEqualTo(256 * 1024);
        assertThat(events.keySize()).isZero();
        assertThat(events.valueSize()).isZero();

        MapSpec routes = map(o, "routes");
        assertThat(routes.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_LPM_TRIE);
        assertThat(routes.keySize()).isEqualTo(8);
        assertThat(routes.valueSize()).isEqualTo(4);
        assertThat(routes.maxEntries()).isEqualTo(255);
        assertThat(routes.flags()).isEqualTo(MapSpec.BPF_F_NO_PREALLOC);

        MapSpec outer = map(o, "outer_array");
        assertThat(outer.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_ARRAY_OF_MAPS);
        assertThat(outer.valueSize()).isEqualTo(4);
        MapSpec inner = outer.innerMap().orElseThrow();
        assertThat(inner.name()).isEqualTo("outer_array.inner");
        assertThat(inner.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_ARRAY);
        assertThat(inner.keySize()).isEqualTo(4);
        assertThat(inner.valueSize()).isEqualTo(8);
        assertThat(inner.maxEntries()).isEqualTo(16);
        assertThat(outer.initialSlots()).containsExactly(new MapSlot(1, MapSlot.Kind.MAP, "inner_two"),
                new MapSlot(3, MapSlot.Kind.MAP, "inner_one"));
        assertThat(o.map("outer_array.inner")).isEmpty(); // templates are not maps of the object

        MapSpec hash = map(o, "outer_hash");
        assertThat(hash.type()).isEqualTo(MapSpec.BPF_MAP_TYPE_HASH_OF_MAPS);
        assertThat(hash.innerMap().orElseThrow().type()).isEqualTo(MapSpec.BPF_MAP_TYPE_HASH);
        assertThat(hash.innerMap().orElseThrow().keySize()).isEqualTo(8);
        assertThat(hash.innerMap().orElseThrow().valueSize()).isEqualTo(4);
        assertThat(hash.innerMap().orElseThrow().maxEntries()).isEqualTo(32);
        assertThat(hash.initialSlots()).isEmpty();

        ProgramSpec p = program(o, "on_open");
        assertThat(p.section()).isEqualTo(new ProgramSection("kprobe/sys_open", ProgramType.KPROBE, "", "sys_open"));
        assertThat(p.mapReferences()).extracting(MapReference::mapName)
                .containsExactlyInAnyOrder("routes", "outer_array", "events");
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void manyProgramsAndSectionConventions(Source source) {
        BpfObject o = TestObjects.parse(source, "multi");
        assertWellFormed(o);
        assertThat(o.license()).isEqualTo("Proprietary");
        assertThat(o.gplCompatible()).isFalse();
        assertThat(o.maps()).isEmpty();
        assertThat(o.programs()).extracting(p -> p.name() + " " + p.kind() + " '" + p.section().attachType() + "' '"
                + p.section().attachTarget() + "'").containsExactly(
                "raw_enter RAW_TRACEPOINT '' 'sys_enter'",
                "on_unlink TRACING 'BPF_TRACE_FENTRY' 'do_unlinkat'",
                "allow_all SECCOMP '' ''",
                "cg_in CGROUP_SKB 'BPF_CGROUP_INET_INGRESS' ''",
                "frags XDP 'BPF_XDP' ''",
                "custom UNSPEC '' ''",
                "sock_a SOCKET_FILTER '' ''",
                "sock_b SOCKET_FILTER '' ''");
        assertThat(program(o, "allow_all").instructions().get(0).imm()).isEqualTo(0x7fff0000);
    }

    @Test
    void readNamesTheObjectAfterItsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("xdp_maps.bpf.o");
        Files.write(file, TestObjects.prebuilt("xdp_maps"));
        BpfObject o = BpfObject.read(file);
        assertThat(o.name()).isEqualTo("xdp_maps");
        assertThat(o.programs()).hasSize(1);
        assertThat(BpfObject.parse(TestObjects.prebuilt("xdp_maps")).name()).isEmpty();
    }

    @Test
    void modelIsImmutable() {
        BpfObject o = TestObjects.parse(Source.PREBUILT, "global_data");
        MapSpec rodata = map(o, ".rodata");
        rodata.initialData()[0] = 99;
        assertThat(map(o, ".rodata").initialData()[0]).isEqualTo((byte) 42);
        ProgramSpec p = o.programs().getFirst();
        p.code()[0] = 0;
        assertThat(o.programs().getFirst().code()[0]).isNotZero();
        assertThat(o.maps()).isUnmodifiable();
        assertThat(o.programs()).isUnmodifiable();
        assertThat(TestObjects.parse(Source.PREBUILT, "global_data").maps()).isEqualTo(o.maps());
        assertThat(TestObjects.parse(Source.PREBUILT, "global_data").programs()).isEqualTo(o.programs());
    }

    @Test
    void gplCompatibilityFollowsLinux() {
        for (String license : List.of("GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
                "Dual MPL/GPL")) {
            assertThat(ObjectBuilder.withLicense(license).gplCompatible()).as(license).isTrue();
        }
        for (String license : List.of("", "gpl", "GPLv2", "MIT", "BSD", "GPL ", "Proprietary")) {
            assertThat(ObjectBuilder.withLicense(license).gplCompatible()).as(license).isFalse();
        }
    }
}
