package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.Opcodes;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf_map_lookup_elem} on an array map the call site names is carried out by the compiled
 * code itself (see {@code MapLookups}): it must hand out the same value pointers as the helper,
 * refuse the same keys, fault alike on a bad key pointer, and leave every other call (another
 * map type, a map chosen at run time, a helper an embedder put under id 1) to the helper.
 */
class MapLookupInliningTest {
    private static final BpfRuntime COMPILED = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
    private static final BpfRuntime INTERPRETED = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build();
    /** {@code rN = MAP_MARK + k ll} in the sources below stands for a reference to map k. */
    private static final long MAP_MARK = 0x7e57_0000L;

    /** Assembles {@code source}, turning the marked lddw constants into map references. */
    private static Program program(String name, String source, List<BpfMap> maps) {
        Instructions code = Assembler.assemble(source);
        List<Instruction> slots = new ArrayList<>(code);
        for (int i = 0; i < slots.size(); i++) {
            Instruction insn = slots.get(i);
            if (insn.opcode() == Opcodes.LDDW && (insn.imm() & 0xffff_0000L) == MAP_MARK) {
                slots.set(i, new Instruction(Opcodes.LDDW, insn.dst(), Opcodes.PSEUDO_MAP_FD, 0, insn.imm() & 0xffff));
            }
        }
        return Program.of(name, Instructions.of(slots), maps);
    }

    /** Looks up the u32 key at input offset 0 in map 0, adds 5 to the u64 value and returns it; -1 when absent. */
    private static final String ADD_FIVE = """
            r6 = *(u32 *)(r1 + 0)
            *(u32 *)(r10 - 4) = r6
            r2 = r10
            r2 += -4
            r1 = 0x7e570000 ll
            call 1
            if r0 == 0 goto +5
            r1 = *(u64 *)(r0 + 0)
            r1 += 5
            *(u64 *)(r0 + 0) = r1
            r0 = r1
            exit
            r0 = -1
            exit
            """;

    private static BpfMap array(String name, int entries) {
        return array(name, entries, 8);
    }

    private static BpfMap array(String name, int entries, int valueSize) {
        return Maps.create(MapDefinition.of(MapType.ARRAY, 4, valueSize, entries).withName(name));
    }

    /** The u64 at the start of a map's value for {@code key}. */
    private static long firstLong(BpfMap map, int key) {
        return java.nio.ByteBuffer.wrap(map.lookup(key(key)).orElseThrow()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static byte[] key(int k) {
        return new byte[] {(byte) k, (byte) (k >> 8), (byte) (k >> 16), (byte) (k >> 24)};
    }

    private static String f0(Program program) {
        String text = BytecodeDump.dump(program, BpfRuntime.builder());
        return text.substring(text.indexOf("f0("), text.indexOf("run("));
    }

    @Test
    void anArrayLookupNamedAtTheCallIsInlinedAndHandsOutTheHelpersPointers() {
        // value sizes 8 and 20 (a stride of 24 between values)
        for (int valueSize : new int[] {8, 20}) {
          for (BpfRuntime runtime : new BpfRuntime[] {COMPILED, INTERPRETED}) {
            BpfMap map = array("values", 8, valueSize);
            Executable exe = runtime.load(program("add_five", ADD_FIVE, List.of(map)));
            assertThat(exe.run(key(3))).isEqualTo(5);
            assertThat(exe.run(key(3))).isEqualTo(10);
            assertThat(exe.run(key(7))).isEqualTo(5);
            assertThat(exe.run(key(0))).isEqualTo(5);
            assertThat(firstLong(map, 3)).isEqualTo(10);
            assertThat(firstLong(map, 7)).isEqualTo(5);
            assertThat(firstLong(map, 1)).isZero();
            // out of range, including keys that are negative as signed ints: no element
            for (int k : new int[] {8, 9, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
                assertThat(exe.run(key(k))).as("key " + k).isEqualTo(-1);
            }
          }
        }
        String f0 = f0(program("add_five", ADD_FIVE, List.of(array("values", 8))));
        assertThat(f0).contains("CompiledSupport.arrayLookup").doesNotContain("HelperFunction.call", "enterHelper");
    }

    @Test
    void aBadKeyPointerFaultsAsTheHelperDoes() {
        String source = """
                r2 = 0
                r1 = 0x7e570000 ll
                call 1
                exit
                """;
        Program program = program("null_key", source, List.of(array("values", 8)));
        assertThat(f0(program)).contains("CompiledSupport.arrayLookup");
        String interpreted = null;
        try {
            INTERPRETED.load(program).run(new byte[4]);
        } catch (MemoryAccessFault e) {
            interpreted = e.getMessage();
        }
        assertThat(interpreted).contains("instruction 3");
        String expected = interpreted;
        assertThatThrownBy(() -> COMPILED.load(program).run(new byte[4]))
                .isInstanceOf(MemoryAccessFault.class).hasMessage(expected);
    }

    @Test
    void aMapChosenAtRunTimeGoesToTheHelper() {
        // r1 is map 0 or map 1 depending on the input: a jump lands between the lddw and the call
        String source = """
                r6 = *(u32 *)(r1 + 0)
                *(u32 *)(r10 - 4) = 1
                r1 = 0x7e570000 ll
                if r6 == 0 goto +2
                r1 = 0x7e570001 ll
                r2 = r10
                r2 += -4
                call 1
                if r0 == 0 goto +3
                r1 = 1
                *(u64 *)(r0 + 0) = r1
                r0 = 0
                exit
                """;
        for (BpfRuntime runtime : new BpfRuntime[] {COMPILED, INTERPRETED}) {
            BpfMap first = array("first", 4), second = array("second", 4);
            Executable exe = runtime.load(program("chosen", source, List.of(first, second)));
            exe.run(key(0));
            assertThat(first.lookupLong(1)).isEqualTo(1);
            assertThat(second.lookupLong(1)).isZero();
            exe.run(key(1));
            assertThat(second.lookupLong(1)).isEqualTo(1);
        }
        assertThat(f0(program("chosen", source, List.of(array("first", 4), array("second", 4)))))
                .contains("HelperFunction.call").doesNotContain("arrayLookup");
    }

    @Test
    void otherMapTypesGoToTheHelper() {
        BpfMap hash = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 8).withName("hash"));
        BpfMap perCpu = Maps.create(MapDefinition.of(MapType.PERCPU_ARRAY, 4, 8, 8).withName("per_cpu"));
        for (BpfMap map : new BpfMap[] {hash, perCpu}) {
            assertThat(f0(program("other", ADD_FIVE, List.of(map)))).as(map.type().toString())
                    .contains("HelperFunction.call").doesNotContain("arrayLookup");
        }
        hash.updateLong(3, 100);
        assertThat(COMPILED.load(program("hash", ADD_FIVE, List.of(hash))).run(key(3))).isEqualTo(105);
        assertThat(COMPILED.load(program("hash", ADD_FIVE, List.of(hash))).run(key(4))).isEqualTo(-1);
    }

    @Test
    void aHelperAnEmbedderRegisteredUnderId1IsCalled() {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED)
                .helper(1, "my_lookup", (r1, r2, r3, r4, r5, ctx) -> 0).build();
        Program program = program("replaced", ADD_FIVE, List.of(array("values", 8)));
        // the embedder's lookup finds nothing, whatever the key
        assertThat(runtime.load(program).run(key(3))).isEqualTo(-1);
        assertThat(BytecodeDump.dump(program, BpfRuntime.builder().helper(1, "my_lookup", (r1, r2, r3, r4, r5, ctx) -> 0)))
                .contains("HelperFunction.call").doesNotContain("arrayLookup");
    }
}
