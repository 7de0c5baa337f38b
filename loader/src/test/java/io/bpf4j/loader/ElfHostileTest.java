package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfRelocation;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.loader.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed ELF input: every problem is an {@link ObjectFormatException} that says what and
 * where, never another exception, a hang or a large allocation.
 */
class ElfHostileTest {
    private static final Instruction EXIT = Instruction.of(0x95, 0, 0, 0, 0);
    private static final Instruction MOV_R0_0 = Instruction.of(0xb7, 0, 0, 0, 0);

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] bytes) {
        return assertThatThrownBy(() -> BpfObject.parse(bytes)).isInstanceOf(ObjectFormatException.class);
    }

    private static byte[] xdpMaps() {
        return TestObjects.prebuilt("xdp_maps");
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the section header of {@code name} in the file. */
    private static int header(byte[] bytes, String name) {
        ElfFile elf = ElfFile.parse(bytes);
        ElfSection s = elf.section(name).orElseThrow();
        return (int) (le(bytes).getLong(40) + 64L * s.index());
    }

    @Test
    void headerChecks() {
        rejects(new byte[0]).hasMessageContaining("not an ELF file").hasMessageContaining("only 0 bytes");
        rejects("hello world, not an object".getBytes()).hasMessageContaining("not an ELF file");
        rejects(Arrays.copyOf(xdpMaps(), 40)).hasMessageContaining("ELF header truncated")
                .hasMessageContaining("40 bytes");
        byte[] b = xdpMaps();
        b[4] = 1;
        rejects(b).hasMessageContaining("ELF class 1 (ELF32)");
        b = xdpMaps();
        b[5] = 2;
        rejects(b).hasMessageContaining("big-endian");
        b = xdpMaps();
        b[6] = 0;
        rejects(b).hasMessageContaining("identification version 0");
        b = xdpMaps();
        le(b).putShort(16, (short) 2);
        rejects(b).hasMessageContaining("ELF type 2 (ET_EXEC)");
        b = xdpMaps();
        le(b).putShort(18, (short) 62);
        rejects(b).hasMessageContaining("ELF machine 62 is not BPF (EM_BPF, 247)");
    }

    @Test
    void sectionHeaderTableChecks() {
        byte[] b = xdpMaps();
        le(b).putLong(40, b.length - 10);
        rejects(b).hasMessageContaining("section header table at offset").hasMessageContaining("extends beyond the end");
        b = xdpMaps();
        le(b).putLong(40, -64);
        rejects(b).hasMessageContaining("section header table at offset 0xffffffffffffffc0");
        b = xdpMaps();
        le(b).putShort(60, (short) 0xffff);
        rejects(b).hasMessageContaining("65535 entries");
        b = xdpMaps();
        le(b).putShort(60, (short) 0);
        rejects(b).hasMessageContaining("e_shnum is 0");
        b = xdpMaps();
        le(b).putShort(58, (short) 40);
        rejects(b).hasMessageContaining("e_shentsize 40");
        b = xdpMaps();
        le(b).putShort(62, (short) 500);
        rejects(b).hasMessageContaining("e_shstrndx 500 does not name a section");
        b = xdpMaps();
        le(b).putShort(62, (short) ElfFile.parse(b).section(".text").orElseThrow().index());
        rejects(b).hasMessageContaining("not a string table");
    }

    @Test
    void sectionBoundsChecks() {
        byte[] b = xdpMaps();
        int h = header(b, "xdp");
        le(b).putLong(h + 32, 1L << 62);
        rejects(b).hasMessageContaining("section [").hasMessageContaining("] 'xdp': offset").hasMessageContaining("size 4611686018427387904")
                .hasMessageContaining("extends beyond the end");
        b = xdpMaps();
        le(b).putLong(h + 24, b.length + 8L);
        rejects(b).hasMessageContaining("extends beyond the end of the " + b.length + "-byte file");
        b = xdpMaps();
        le(b).putLong(h + 24, -1L);
        rejects(b).hasMessageContaining("offset 0xffffffffffffffff");
        // a section name outside .strtab
        b = xdpMaps();
        le(b).putInt(h, 1 << 30);
        rejects(b).hasMessageContaining("name of section [").hasMessageContaining("string offset 1073741824 is outside");
        // code size not a multiple of 8
        b = xdpMaps();
        le(b).putLong(h + 32, le(b).getLong(h + 32) - 4);
        rejects(b).hasMessageContaining("'xdp'").hasMessageContaining("not a multiple of the 8-byte instruction size");
    }

    @Test
    void sectionZeroIsNeverCodeWhateverItsHeaderSays() {
        // Found by Jazzer: section 0's header forged as executable PROGBITS with contents past the
        // end of the file. Its bounds are not checked (SHN_UNDEF has none), so it must not be code.
        byte[] b = xdpMaps();
        int zero = (int) le(b).getLong(40);
        le(b).putInt(zero + 4, ElfSection.SHT_PROGBITS);
        le(b).putLong(zero + 8, ElfSection.SHF_ALLOC | ElfSection.SHF_EXECINSTR);
        le(b).putLong(zero + 24, 96);
        le(b).putLong(zero + 32, 1_114_128);
        ElfSection section0 = ElfFile.parse(b).sections().get(0);
        assertThat(section0.isCode()).isFalse();
        assertThat(section0.size()).isZero();
        assertThat(BpfObject.parse(b).programs()).isNotEmpty(); // the object's real programs are still there
    }

    @Test
    void hugeBssIsNotAllocated() {
        ObjectBuilder o = new ObjectBuilder();
        int xdp = o.code("xdp", MOV_R0_0, EXIT);
        o.function("prog", xdp, 0, 16);
        o.bss(".bss", 1L << 62);
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("'.bss'").hasMessageContaining("do not fit in a map value");
        ObjectBuilder ok = new ObjectBuilder();
        int code = ok.code("xdp", MOV_R0_0, EXIT);
        ok.function("prog", code, 0, 16);
        ok.bss(".bss", 0xffff_0000L); // 4 GiB of zeros: described, never materialised
        MapSpec bss = BpfObject.parse(ok.build()).map(".bss").orElseThrow();
        assertThat(Integer.toUnsignedLong(bss.valueSize())).isEqualTo(0xffff_0000L);
        assertThat(bss.initialData()).isEmpty();
    }

    @Test
    void symbolTableChecks() {
        byte[] b = xdpMaps();
        int h = header(b, ".symtab");
        le(b).putLong(h + 56, 16);
        rejects(b).hasMessageContaining("'.symtab' has entry size 16");
        b = xdpMaps();
        le(b).putLong(h + 32, le(b).getLong(h + 32) - 1);
        rejects(b).hasMessageContaining("not a multiple of the 24-byte Elf64_Sym entry");
        b = xdpMaps();
        le(b).putInt(h + 40, 999);
        rejects(b).hasMessageContaining("refers to section 999");
        // a symbol name beyond the string table, and a symbol in a section that does not exist
        b = xdpMaps();
        long symOff = le(b).getLong(h + 24);
        le(b).putInt((int) symOff + 24, 0x7fff_fff0);
        rejects(b).hasMessageContaining("name of symbol #1").hasMessageContaining("is outside");
        b = xdpMaps();
        le(b).putShort((int) symOff + 24 + 6, (short) 900);
        rejects(b).hasMessageContaining("symbol #1").hasMessageContaining("section 900");
        // strtab without a final NUL: the last name runs off the end
        b = xdpMaps();
        int st = header(b, ".strtab");
        long strOff = le(b).getLong(st + 24);
        long strSize = le(b).getLong(st + 32);
        Arrays.fill(b, (int) strOff + 1, (int) (strOff + strSize), (byte) 'x');
        rejects(b).hasMessageContaining("not NUL-terminated");
    }

    @Test
    void relocationSymbolIndexOutOfRange() {
        byte[] b = xdpMaps();
        int h = header(b, ".relxdp");
        long off = le(b).getLong(h + 24);
        le(b).putLong((int) off + 8, (999L << 32) | 1);
        rejects(b).hasMessageContaining("relocation #0 in section [").hasMessageContaining("'.relxdp'")
                .hasMessageContaining("refers to symbol 999, but the symbol table has");
    }

    @Test
    void relocationOffsetOutsideSection() {
        byte[] b = xdpMaps();
        int h = header(b, ".relxdp");
        long off = le(b).getLong(h + 24);
        le(b).putLong((int) off, 1L << 40);
        rejects(b).hasMessageContaining("relocation #0").hasMessageContaining("offset is outside the");
        b = xdpMaps();
        le(b).putLong((int) off, 3);
        rejects(b).hasMessageContaining("not at an instruction (not a multiple of 8)");
        b = xdpMaps();
        le(b).putLong(h + 56, 24);
        rejects(b).hasMessageContaining("'.relxdp' has entry size 24");
        b = xdpMaps();
        le(b).putInt(h + 44, 700);
        rejects(b).hasMessageContaining("'.relxdp' (sh_info, the section it relocates) refers to section 700");
    }

    /** An object with a program "prog" in "xdp" and whatever else {@code extra} adds. */
    private static ObjectBuilder program(Instruction... code) {
        ObjectBuilder o = new ObjectBuilder();
        int xdp = o.code("xdp", code);
        o.function("prog", xdp, 0, code.length * 8L);
        return o;
    }

    private static Instruction[] lddwExit() {
        Instruction[] l = Instruction.lddw(1, 0, 0);
        return new Instruction[] {l[0], l[1], MOV_R0_0, EXIT};
    }

    @Test
    void relocationAtWrongInstruction() {
        ObjectBuilder o = program(lddwExit());
        int data = o.data(".data", new byte[8]);
        int sym = o.object("x", data, 0, 8);
        o.rel(1, 16, sym, ElfRelocation.R_BPF_64_64);
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("(opcode 0xb7) is neither lddw nor call")
                .hasMessageContaining("instruction 2 of function 'prog'");

        ObjectBuilder second = program(lddwExit());
        int d2 = second.data(".data", new byte[8]);
        second.rel(1, 8, second.object("x", d2, 0, 8), ElfRelocation.R_BPF_64_64);
        assertThatThrownBy(() -> BpfObject.parse(second.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("second half of a lddw");

        ObjectBuilder wrongType = program(lddwExit());
        int d3 = wrongType.data(".data", new byte[8]);
        wrongType.rel(1, 0, wrongType.object("x", d3, 0, 8), ElfRelocation.R_BPF_64_ABS32);
        assertThatThrownBy(() -> BpfObject.parse(wrongType.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("R_BPF_64_ABS32").hasMessageContaining("lddw needs R_BPF_64_64");

        ObjectBuilder helperCall = program(Instruction.of(0x85, 0, 0, 0, 1), EXIT);
        int text = helperCall.code(".text", MOV_R0_0, EXIT);
        helperCall.rel(1, 0, helperCall.function("sub", text, 0, 16), ElfRelocation.R_BPF_64_32);
        assertThatThrownBy(() -> BpfObject.parse(helperCall.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("call with src 0 is not a bpf-to-bpf call");
    }

    @Test
    void relocationToNowhere() {
        ObjectBuilder license = program(lddwExit());
        int lic = license.data("license", ObjectBuilder.cstring("GPL"));
        license.rel(1, 0, license.object("LICENSE", lic, 0, 4), ElfRelocation.R_BPF_64_64);
        assertThatThrownBy(() -> BpfObject.parse(license.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("refers to symbol #2 'LICENSE' in section [2] 'license', which holds no code, maps or global data");

        ObjectBuilder extern = program(lddwExit());
        extern.rel(1, 0, extern.symbol("CONFIG_HZ", ElfSymbol.STT_NOTYPE, ElfSymbol.STB_GLOBAL, 0, 0, 0),
                ElfRelocation.R_BPF_64_64);
        assertThatThrownBy(() -> BpfObject.parse(extern.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("'CONFIG_HZ', which is not defined in this object");

        ObjectBuilder outside = program(lddwExit());
        int data = outside.data(".data", new byte[8]);
        outside.rel(1, 0, outside.object("x", data, 8, 4), ElfRelocation.R_BPF_64_64);
        assertThatThrownBy(() -> BpfObject.parse(outside.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("offset 8").hasMessageContaining("outside the 8-byte global data section [2] '.data'");

        ObjectBuilder noMap = program(lddwExit());
        int maps = noMap.data("maps", new byte[20]);
        noMap.object("m", maps, 0, 20);
        noMap.rel(1, 0, noMap.sectionSymbol(maps), ElfRelocation.R_BPF_64_64);
        byte[] patched = noMap.build();
        // the section symbol + imm 12 points into the middle of map 'm'
        ElfFile elf = ElfFile.parse(patched);
        le(patched).putInt((int) elf.section("xdp").orElseThrow().offset() + 4, 12);
        assertThatThrownBy(() -> BpfObject.parse(patched)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("no map is defined at offset 12 of section [2] 'maps'");

        ObjectBuilder callIntoProgram = program(Instruction.of(0x85, 0, 1, 0, -1), EXIT);
        int tc = callIntoProgram.code("tc", MOV_R0_0, EXIT);
        callIntoProgram.rel(1, 0, callIntoProgram.function("other", tc, 0, 16), ElfRelocation.R_BPF_64_32);
        assertThatThrownBy(() -> BpfObject.parse(callIntoProgram.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("only functions in .text (subprograms) can be called");

        ObjectBuilder notAStart = program(Instruction.of(0x85, 0, 1, 0, 0), EXIT);
        int text = notAStart.code(".text", MOV_R0_0, MOV_R0_0, EXIT);
        notAStart.function("sub", text, 0, 24);
        notAStart.rel(1, 0, notAStart.sectionSymbol(text), ElfRelocation.R_BPF_64_32);
        assertThatThrownBy(() -> BpfObject.parse(notAStart.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("instruction 1 of section [2] '.text', is not the start of a function");

        ObjectBuilder unrelocatedCall = program(Instruction.of(0x85, 0, 1, 0, 5), EXIT);
        assertThatThrownBy(() -> BpfObject.parse(unrelocatedCall.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("call at instruction 0 without relocation targets instruction 6");
    }

    @Test
    void overlappingNamesCannotAmplify() {
        ObjectBuilder o = program(MOV_R0_0, EXIT);
        int data = o.data(".data", new byte[8]);
        int longSymbol = o.object("n".repeat(100_000), data, 0, 4);
        for (int i = 0; i < 3000; i++) {
            o.object("s", data, 0, 4);
        }
        byte[] b = o.build();
        ElfFile elf = ElfFile.parse(Arrays.copyOf(b, b.length));
        ElfSection symtab = elf.symbolTable().orElseThrow();
        ByteBuffer le = le(b);
        int longName = le.getInt((int) symtab.offset() + 24 * longSymbol);
        for (int i = 0; i < 3000; i++) {
            le.putInt((int) symtab.offset() + 24 * (longSymbol + 1 + i), longName + 1 + i);
        }
        rejects(b).hasMessageContaining("names overlapping in section [").hasMessageContaining("add up to more than");
    }

    @Test
    void linkingCannotBlowUp() {
        Instruction[] body = new Instruction[200_000];
        Arrays.fill(body, MOV_R0_0);
        body[body.length - 1] = EXIT;
        ObjectBuilder o = new ObjectBuilder();
        Instruction[] progs = new Instruction[50];
        for (int i = 0; i < progs.length; i += 2) {
            progs[i] = Instruction.of(0x85, 0, 1, 0, -1);
            progs[i + 1] = EXIT;
        }
        int xdp = o.code("xdp", progs);
        int text = o.code(".text", body);
        int sub = o.function("big", text, 0, body.length * 8L);
        for (int i = 0; i < progs.length / 2; i++) {
            o.function("p" + i, xdp, 16L * i, 16);
            o.rel(xdp, 16L * i, sub, ElfRelocation.R_BPF_64_32);
        }
        rejects(o.build()).hasMessageContaining("produces more than 4000000 instructions in total");
    }

    @Test
    void functionSymbolChecks() {
        ObjectBuilder beyond = new ObjectBuilder();
        int xdp = beyond.code("xdp", MOV_R0_0, EXIT);
        beyond.function("prog", xdp, 8, 16);
        assertThatThrownBy(() -> BpfObject.parse(beyond.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("symbol #1 'prog' in section [1] 'xdp': offset 8 + size 16 extends beyond the 16-byte section");

        ObjectBuilder overlap = new ObjectBuilder();
        int code = overlap.code("xdp", MOV_R0_0, MOV_R0_0, EXIT);
        overlap.function("a", code, 0, 16);
        overlap.function("b", code, 8, 16);
        assertThatThrownBy(() -> BpfObject.parse(overlap.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("functions 'a' and 'b' overlap");

        Instruction[] l = Instruction.lddw(1, 0, 0);
        ObjectBuilder cut = new ObjectBuilder();
        int c = cut.code("xdp", MOV_R0_0, EXIT, l[0], l[1]);
        cut.function("a", c, 0, 24);
        assertThatThrownBy(() -> BpfObject.parse(cut.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("lddw at instruction 2 is the last slot of the function");

        ObjectBuilder anonymous = new ObjectBuilder();
        anonymous.code("xdp", MOV_R0_0, EXIT);
        assertThatThrownBy(() -> BpfObject.parse(anonymous.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("holds 2 instructions but no function symbol");
    }

    @Test
    void legacyMapChecks() {
        ObjectBuilder o = program(MOV_R0_0, EXIT);
        int maps = o.data("maps", new byte[30]);
        o.object("a", maps, 0, 15);
        o.object("b", maps, 15, 15);
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map definitions of 15 bytes are smaller than struct bpf_map_def");
        ObjectBuilder uneven = program(MOV_R0_0, EXIT);
        int m2 = uneven.data("maps", new byte[41]);
        uneven.object("a", m2, 0, 20);
        uneven.object("b", m2, 20, 20);
        assertThatThrownBy(() -> BpfObject.parse(uneven.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("41 bytes do not divide evenly among its 2 map symbols");
        ObjectBuilder outside = program(MOV_R0_0, EXIT);
        int m3 = outside.data("maps", new byte[40]);
        outside.object("a", m3, 0, 20);
        outside.object("b", m3, 30, 20);
        assertThatThrownBy(() -> BpfObject.parse(outside.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("legacy map symbol #3 'b' at offset 30 + 20 bytes extends beyond the 40-byte section");
    }

    /** A hand-built legacy object, as older toolchains emitted them: 20-byte and larger definitions. */
    @Test
    void handBuiltLegacyMaps() {
        Instruction[] l = Instruction.lddw(1, 0, 0);
        ObjectBuilder o = program(l[0], l[1], l[0], l[1], MOV_R0_0, EXIT);
        ByteBuffer defs = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        defs.putInt(1).putInt(4).putInt(8).putInt(100).putInt(1).putInt(0).putInt(0); // 28 bytes (bpf_elf_map-like)
        defs.putInt(2).putInt(4).putInt(16).putInt(10).putInt(0).putInt(7).putInt(0);
        int maps = o.data("maps", defs.array());
        int a = o.object("hash_map", maps, 0, 28);
        int b = o.object("array_map", maps, 28, 28);
        o.rel(1, 0, a, ElfRelocation.R_BPF_64_64);
        o.rel(1, 16, b, ElfRelocation.R_BPF_64_64);
        o.data("license", ObjectBuilder.cstring("GPL v2"));
        BpfObject obj = BpfObject.parse(o.build());
        assertThat(obj.maps()).extracting(MapSpec::toString).containsExactly(
                "MapSpec[hash_map: type=1 key=4 value=8 max_entries=100 flags=0x1 LEGACY in 'maps']",
                "MapSpec[array_map: type=2 key=4 value=16 max_entries=10 flags=0x0 LEGACY in 'maps']");
        ProgramSpec p = obj.programs().getFirst();
        assertThat(p.mapReferences()).containsExactly(new MapReference(0, "hash_map", 0, MapReference.Kind.MAP_FD, 0),
                new MapReference(2, "array_map", 1, MapReference.Kind.MAP_FD, 0));
        assertThat(p.instructions().get(2)).isEqualTo(Instruction.of(0x18, 1, 1, 0, 1));
        assertThat(obj.gplCompatible()).isTrue();
        assertThat(p.lineInfo()).isEmpty();
        assertThat(p.signature()).isEmpty();
        assertThat(obj.btf()).isEmpty();
    }

    @Test
    void duplicateNamesAndRelocationSections() {
        ObjectBuilder o = program(MOV_R0_0, EXIT);
        int maps = o.data("maps", new byte[40]);
        o.object("same", maps, 0, 20);
        o.object("same", maps, 20, 20);
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("a second map is named 'same'");
    }

    @Test
    void btfMapsWithoutBtf() {
        ObjectBuilder o = program(MOV_R0_0, EXIT);
        int maps = o.data(".maps", new byte[32]);
        o.object("m", maps, 0, 32);
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("BTF-defined maps need the object's BTF").hasMessageContaining("compile with -g");
    }

    static String[] objects() {
        return TestObjects.NAMES.toArray(String[]::new);
    }

    /** Every object cut at every 1/16th of its length (and just short of the end). */
    @ParameterizedTest
    @MethodSource("objects")
    void truncatedObjects(String name) {
        byte[] full = TestObjects.prebuilt(name);
        for (int i = 0; i <= 16; i++) {
            int length = i == 16 ? full.length - 1 : full.length * i / 16;
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> BpfObject.parse(cut)).as("%s cut to %d bytes", name, length)
                    .isInstanceOf(ObjectFormatException.class).hasMessageNotContaining("Exception");
        }
    }
}
