package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfRelocation;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.maps.Errno;
import io.bpf4j.runtime.maps.MapException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four kinds of malformed object the issue names, on the clang-compiled test objects:
 * truncated files, section offsets out of the file, relocations out of range, and map
 * definitions with absurd sizes. Each must fail with its own specific message (parse errors as
 * {@link ObjectFormatException}, refused maps as {@link MapException} with the Linux errno),
 * never with an {@link OutOfMemoryError} or another exception. (ElfHostileTest and
 * BtfHostileTest check many more shapes on hand-built objects.)
 */
class MalformedObjectTest {
    private static final BpfRuntime RUNTIME = BpfRuntime.create();
    /** What a cut-short object may be told: the structure that the cut made reach past the end, named. */
    private static final Pattern TRUNCATION = Pattern.compile("the file is only \\d+ bytes|ELF header truncated"
            + "|section header table at offset .* extends beyond the end of the \\d+-byte file"
            + "|section \\[\\d+\\]: offset .* extends beyond the end of the \\d+-byte file");

    static String[] objects() {
        return TestObjects.NAMES.toArray(String[]::new);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the section header of {@code name} in the file. */
    private static int sectionHeader(byte[] bytes, String name) {
        ElfSection s = ElfFile.parse(bytes).section(name).orElseThrow();
        return (int) (le(bytes).getLong(40) + 64L * s.index());
    }

    /** The name of the first relocation section of an object that relocates code. */
    private static java.util.Optional<String> firstCodeRelocationSection(byte[] bytes) {
        ElfFile elf = ElfFile.parse(bytes);
        return elf.sections().stream()
                .filter(s -> s.type() == ElfSection.SHT_REL && elf.sections().get(s.info()).isCode())
                .map(ElfSection::name).findFirst();
    }

    @ParameterizedTest
    @MethodSource("objects")
    void truncatedFilesNameWhatTheCutLeftOutside(String name) {
        byte[] full = TestObjects.prebuilt(name);
        TreeSet<Integer> lengths = new TreeSet<>();
        for (int i = 0; i < 64; i++) {
            lengths.add(full.length * i / 64);
        }
        lengths.addAll(java.util.List.of(1, 63, 64, full.length - 64, full.length - 1));
        for (int length : lengths) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> BpfObject.parse(cut)).as("%s cut to %d of %d bytes", name, length, full.length)
                    .isInstanceOf(ObjectFormatException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsPattern(TRUNCATION));
        }
    }

    @ParameterizedTest
    @MethodSource("objects")
    void sectionOffsetsOutsideTheFile(String name) {
        byte[] original = TestObjects.prebuilt(name);
        ElfSection code = ElfFile.parse(original).sections().stream()
                .filter(s -> s.isCode() && s.size() > 0).findFirst().orElseThrow();
        // the message names the section by index and name (its name is readable: only its bounds are damaged)
        String text = "section [" + code.index() + "] '" + code.name() + "'";
        byte[] b = original.clone();
        int h = sectionHeader(b, code.name());
        le(b).putLong(h + 24, b.length - 4L);
        assertThatThrownBy(() -> BpfObject.parse(b)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining(text).hasMessageContaining("extends beyond the end of the " + b.length
                        + "-byte file");
        le(b).putLong(h + 24, -8L);
        assertThatThrownBy(() -> BpfObject.parse(b)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining(text).hasMessageContaining("offset 0xfffffffffffffff8");
        byte[] sized = original.clone();
        le(sized).putLong(h + 32, 1L << 62);
        assertThatThrownBy(() -> BpfObject.parse(sized)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining(text).hasMessageContaining("size 4611686018427387904");
    }

    @ParameterizedTest
    @MethodSource("objects")
    void relocationsOutOfRange(String name) {
        byte[] original = TestObjects.prebuilt(name);
        var found = firstCodeRelocationSection(original);
        org.junit.jupiter.api.Assumptions.assumeTrue(found.isPresent(), name + " has no code relocations");
        String rel = found.get();
        int h = sectionHeader(original, rel);
        int entries = (int) le(original).getLong(h + 24);

        byte[] offset = original.clone();
        le(offset).putLong(entries, 1L << 40);
        assertThatThrownBy(() -> BpfObject.parse(offset)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("relocation #0 in section [").hasMessageContaining("'" + rel + "'")
                .hasMessageContaining("offset is outside the");

        byte[] symbol = original.clone();
        le(symbol).putInt(entries + 12, 100_000);
        assertThatThrownBy(() -> BpfObject.parse(symbol)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("relocation #0").hasMessageContaining("refers to symbol 100000, but the symbol table has");

        byte[] target = original.clone();
        le(target).putInt(h + 44, 60_000);
        assertThatThrownBy(() -> BpfObject.parse(target)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("(sh_info, the section it relocates) refers to section 60000");

        byte[] table = original.clone();
        le(table).putLong(h + 32, 1L << 40); // sh_size: more relocations than the file holds
        assertThatThrownBy(() -> BpfObject.parse(table)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("section [" + ElfFile.parse(original).section(rel).orElseThrow().index() + "]")
                .hasMessageContaining("extends beyond the end");
    }

    /** An object whose program loads one legacy map (struct bpf_map_def) with the given sizes. */
    private static BpfObject legacyMap(int type, int keySize, int valueSize, int maxEntries, int flags) {
        Instruction[] l = Instruction.lddw(1, 0, 0);
        ObjectBuilder o = new ObjectBuilder();
        int xdp = o.code("xdp", l[0], l[1], Instruction.of(0xb7, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        o.function("prog", xdp, 0, 32);
        ByteBuffer def = le(new byte[20]).putInt(type).putInt(keySize).putInt(valueSize).putInt(maxEntries).putInt(flags);
        int maps = o.data("maps", def.array());
        int sym = o.object("absurd", maps, 0, 20);
        o.rel(xdp, 0, sym, ElfRelocation.R_BPF_64_64);
        o.data("license", ObjectBuilder.cstring("GPL"));
        return BpfObject.parse(o.build());
    }

    @ParameterizedTest(name = "type {0}, key {1}, value {2}, max_entries {3}")
    @CsvSource({
        "1, 4, 8, -1, 7, max_entries 4294967295 is 2^31 or more",
        "2, 4, 8, 2147483647, 7, over the limit",
        "1, 4, 2147483647, 1024, 7, value_size 2147483647 is over the limit",
        "1, -1, 8, 1024, 7, key_size 4294967295 is over the limit",
        "1, 65536, 8, 16, 7, key_size 65536 is over the limit",
        "6, 4, 1048576, 100000, 7, over the limit",
        "9, 64, 64, 2000000000, 7, over the limit",
        "1, 0, 8, 16, 22, key_size is 0",
        "2, 4, 0, 16, 22, value_size is 0",
        "1, 4, 8, 0, 22, max_entries is 0",
        "27, 0, 0, 12345, 22, must be a power of 2",
    })
    void absurdMapSizesAreRefusedAtLoad(int type, int keySize, int valueSize, int maxEntries, int errno, String message) {
        BpfObject object = legacyMap(type, keySize, valueSize, maxEntries, 0);
        assertThat(object.maps()).hasSize(1); // parsing allocates nothing for the map
        assertThatThrownBy(() -> LoadedObject.load(object, RUNTIME)).isInstanceOf(MapException.class)
                .hasMessageContaining("absurd").hasMessageContaining(message)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(errno));
    }

    @Test
    void absurdBtfMapIsRefusedAtLoad() {
        Instruction[] l = Instruction.lddw(1, 0, 0);
        ObjectBuilder o = new ObjectBuilder();
        int xdp = o.code("xdp", l[0], l[1], Instruction.of(0xb7, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        o.function("prog", xdp, 0, 32);
        int maps = o.data(".maps", new byte[32]);
        int sym = o.object("huge", maps, 0, 32);
        o.rel(xdp, 0, sym, ElfRelocation.R_BPF_64_64);
        o.section(".BTF", ElfSection.SHT_PROGBITS, 0, BtfBuilder.oneMap("huge", MapSpec.BPF_MAP_TYPE_HASH, 1 << 30).build());
        BpfObject object = BpfObject.parse(o.build());
        assertThatThrownBy(() -> LoadedObject.load(object, RUNTIME)).isInstanceOf(MapException.class)
                .hasMessageContaining("huge").hasMessageContaining("over the limit")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.E2BIG));
    }
}
