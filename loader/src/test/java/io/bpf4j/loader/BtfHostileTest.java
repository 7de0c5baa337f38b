package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfKind;
import io.bpf4j.loader.btf.BtfParser;
import io.bpf4j.loader.elf.ElfRelocation;
import io.bpf4j.loader.elf.ElfSection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Malformed {@code .BTF}, {@code .BTF.ext} and BTF-defined maps: specific
 * {@link ObjectFormatException}s, no allocation from counts, no endless walk along cyclic types.
 */
class BtfHostileTest {

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] btf) {
        return assertThatThrownBy(() -> BtfParser.parse(btf)).isInstanceOf(ObjectFormatException.class);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] simple() {
        BtfBuilder b = new BtfBuilder();
        b.integer("int", 4, true);
        return b.build();
    }

    @Test
    void headerChecks() {
        rejects(new byte[3]).hasMessageContaining(".BTF: 3 bytes, too short");
        byte[] b = simple();
        le(b).putShort(0, (short) 0x1234);
        rejects(b).hasMessageContaining("bad magic 0x1234");
        b = simple();
        le(b).putShort(0, (short) 0x9feb);
        rejects(b).hasMessageContaining("big-endian BTF");
        b = simple();
        b[2] = 2;
        rejects(b).hasMessageContaining("version 2 is not supported");
        b = simple();
        le(b).putInt(4, 8);
        rejects(b).hasMessageContaining("header length 8 is less than 24");
        b = simple();
        le(b).putInt(4, 1 << 30);
        rejects(b).hasMessageContaining("header length 1073741824 exceeds the");
        b = simple();
        le(b).putInt(12, 0xffff_fff0);
        rejects(b).hasMessageContaining("type section (offset 0, length 4294967280) extends beyond");
        b = simple();
        le(b).putInt(16, 0x7fff_ffff);
        rejects(b).hasMessageContaining("string section (offset 2147483647");
        b = simple();
        le(b).putInt(8, 2);
        le(b).putInt(12, 0);
        rejects(b).hasMessageContaining("type section offset 2 is not 4-byte aligned");
        b = simple();
        b[24 + 16] = 'x'; // first byte of the string section
        rejects(b).hasMessageContaining("string section must start and end with a NUL byte");
    }

    @Test
    void typeChecks() {
        BtfBuilder unknown = new BtfBuilder();
        unknown.raw(0, 25, 0, false, 0);
        rejects(unknown.build()).hasMessageContaining("type [1] at type section offset 0 has unknown kind 25");

        BtfBuilder huge = new BtfBuilder();
        huge.integer("int", 4, true);
        huge.raw(0, BtfKind.STRUCT, 0xffff, false, 8);
        rejects(huge.build()).hasMessageContaining("type [2] STRUCT at type section offset 16 needs 786420 more bytes (vlen 65535)");

        BtfBuilder enums = new BtfBuilder();
        enums.raw(0, BtfKind.ENUM64, 5000, false, 8);
        rejects(enums.build()).hasMessageContaining("needs 60000 more bytes");

        // type_len 20: one INT (16 bytes) and 4 stray bytes, then a 1-byte string section
        ByteBuffer stray = ByteBuffer.allocate(24 + 20 + 1).order(ByteOrder.LITTLE_ENDIAN);
        stray.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(20).putInt(20).putInt(1)
                .putInt(0).putInt(BtfKind.INT.number() << 24).putInt(4).putInt(32).putInt(0x1234);
        rejects(stray.array()).hasMessageContaining("type [2] at type section offset 16: only 4 bytes left");

        BtfBuilder name = new BtfBuilder();
        name.raw(9999, BtfKind.INT, 0, false, 4, 32);
        rejects(name.build()).hasMessageContaining("type [1] INT name: string offset 9999 is outside the");

        BtfBuilder member = new BtfBuilder();
        int i = member.integer("int", 4, true);
        member.raw(member.string("s"), BtfKind.STRUCT, 1, false, 4, 77777, i, 0);
        rejects(member.build()).hasMessageContaining("member 0 name: string offset 77777");

        BtfBuilder dangling = new BtfBuilder();
        dangling.integer("int", 4, true);
        dangling.ptr(999);
        rejects(dangling.build()).hasMessageContaining("type [2] PTR: pointee refers to type 999, but the BTF has only 2 types");

        BtfBuilder negative = new BtfBuilder();
        negative.typedef("t", -5);
        rejects(negative.build()).hasMessageContaining("target refers to type 4294967291");

        BtfBuilder linkage = new BtfBuilder();
        int proto = linkage.funcProto(0);
        linkage.func("f", proto, 9);
        rejects(linkage.build()).hasMessageContaining("FUNC 'f' has unknown linkage 9");
    }

    @Test
    void cyclesAreCutShort() {
        BtfBuilder b = new BtfBuilder();
        int a = b.typedef("a", 2); // a -> b -> a
        b.typedef("b", 1);
        int p = b.ptr(a);
        int selfArray = b.raw(0, BtfKind.ARRAY, 0, false, 0, 4, 4, 3); // array of itself
        Btf btf = BtfParser.parse(b.build());
        assertThatThrownBy(() -> btf.sizeOf(a)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("BTF type [1]: more than 32 type references while computing its size (a reference cycle?)");
        assertThatThrownBy(() -> btf.resolve(a)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("reference cycle");
        assertThatThrownBy(() -> btf.sizeOf(selfArray)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("reference cycle");
        assertThat(btf.sizeOf(p)).isEqualTo(8); // a pointer's size does not depend on its target
        assertThat(btf.describe(p)).startsWith("a *");
        assertThat(btf.describe(selfArray)).contains("...");
    }

    @Test
    void sizesOf4GiBAndMoreAreRejected() {
        BtfBuilder b = new BtfBuilder();
        int idx = b.integer("__ARRAY_SIZE_TYPE__", 4, false);
        int big = b.struct("big", 0xffff_ffff);
        int arr = b.array(big, idx, -1);
        int nested = b.array(b.array(b.integer("char", 1, true), idx, 1 << 16), idx, 1 << 16); // exactly 4 GiB
        int justBelow = b.array(b.integer("c", 1, false), idx, -1);
        int zero = b.array(b.array(big, idx, -1), idx, 0);
        Btf btf = BtfParser.parse(b.build());
        assertThat(btf.sizeOf(big)).isEqualTo(0xffff_ffffL);
        assertThatThrownBy(() -> btf.sizeOf(arr)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("size is 2^32 bytes or more");
        assertThatThrownBy(() -> btf.sizeOf(nested)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("size is 2^32 bytes or more");
        assertThat(btf.sizeOf(justBelow)).isEqualTo(0xffff_ffffL);
        assertThat(btf.sizeOf(zero)).isZero();
        assertThatThrownBy(() -> btf.sizeOf(0)).isInstanceOf(ObjectFormatException.class).hasMessageContaining("has no size");
        assertThatThrownBy(() -> btf.type(12345)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("BTF type id 12345 does not exist");
    }

    private static byte[] ext(int funcOff, int funcLen, int lineOff, int lineLen, int... words) {
        ByteBuffer b = ByteBuffer.allocate(32 + 4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(32).putInt(funcOff).putInt(funcLen).putInt(lineOff)
                .putInt(lineLen).putInt(0).putInt(0);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    @Test
    void btfExtChecks() {
        BtfBuilder bb = new BtfBuilder();
        int proto = bb.funcProto(0);
        int f = bb.func("f", proto, 1);
        int sec = bb.string("xdp");
        Btf btf = BtfParser.parse(bb.build());

        assertThat(BtfParser.parseExt(ext(0, 20, 0, 0, 8, sec, 1, 0, f), btf).funcInfo("xdp")).hasSize(1);
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 20, 0, 0, 0, sec, 1, 0, f), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("func_info: record size 0 is invalid");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 20, 0, 0, 8, sec, -1, 0, f), btf))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("func_info for section 'xdp': 4294967295 records of 8 bytes do not fit in the 8 bytes left");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 20, 0, 0, 8, sec, 1, 3, f), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("instruction offset 3 is not a multiple of 8");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 20, 0, 0, 8, sec, 1, 0, proto), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("func_info: type id 1 is not a BTF FUNC");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 0x7fff_0000, 0, 0, 8), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("func_info (offset 0, length 2147418112) extends beyond");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 20, 0, 0, 8, 5555, 1, 0, f), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("section name: string offset 5555");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 0, 0, 24, 16, sec, 1, 0, 0, 0, 0), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("line_info for section 'xdp': 1 records of 16 bytes do not fit");
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 12, 0, 0, 8, sec, 0), btf))
                .isInstanceOf(ObjectFormatException.class).hasMessageContaining("func_info for section 'xdp' has 0 records");
    }

    @Test
    void overlappingStringsCannotAmplify() {
        BtfBuilder b = new BtfBuilder();
        int longName = b.string("n".repeat(100_000));
        for (int i = 0; i < 5000; i++) {
            b.raw(longName + i, BtfKind.INT, 0, false, 4, 32);
        }
        rejects(b.build()).hasMessageContaining("strings overlapping in the BTF string section add up to more than");
    }

    @Test
    void recordsMustBeInInstructionOrder() {
        BtfBuilder bb = new BtfBuilder();
        int sec = bb.string("xdp");
        int file = bb.string("a.c");
        Btf btf = BtfParser.parse(bb.build());
        assertThatThrownBy(() -> BtfParser.parseExt(ext(0, 0, 0, 44, 16, sec, 2, 8, file, file, 1 << 10, 8, file, file,
                2 << 10), btf)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("line_info for section 'xdp': record 1 is for instruction 1, not after the previous record's 1");
    }

    /** An object with a program loading map {@code name} from {@code .maps}, described by {@code btf}. */
    private static byte[] objectWithMap(byte[] btf, String name, int mapsSize) {
        ObjectBuilder o = new ObjectBuilder();
        Instruction[] l = Instruction.lddw(1, 0, 0);
        int xdp = o.code("xdp", l[0], l[1], Instruction.of(0xb7, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        o.function("prog", xdp, 0, 32);
        int maps = o.data(".maps", new byte[mapsSize]);
        int sym = o.object(name, maps, 0, Math.min(mapsSize, 32));
        o.rel(xdp, 0, sym, ElfRelocation.R_BPF_64_64);
        o.section(".BTF", ElfSection.SHT_PROGBITS, 0, btf);
        return o.build();
    }

    @Test
    void absurdMaxEntriesParseWithoutAllocation() {
        byte[] obj = objectWithMap(BtfBuilder.oneMap("huge", MapSpec.BPF_MAP_TYPE_HASH, -1).build(), "huge", 32);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        MapSpec m = BpfObject.parse(obj).map("huge").orElseThrow();
        assertThat(Integer.toUnsignedLong(m.maxEntries())).isEqualTo(0xffff_ffffL);
        assertThat(m.keySize()).isEqualTo(4);
        assertThat(m.valueSize()).isEqualTo(8);
        assertThat(BpfObject.parse(obj).programs().getFirst().mapReferences())
                .containsExactly(new MapReference(0, "huge", 0, MapReference.Kind.MAP_FD, 0));
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).isLessThan(256L << 20);
    }

    @Test
    void mapDefinitionChecks() {
        // key type in a cycle
        BtfBuilder cyc = new BtfBuilder();
        int u32 = cyc.integer("unsigned int", 4, false);
        int idx = cyc.integer("__ARRAY_SIZE_TYPE__", 4, false);
        int loop = cyc.typedef("loop", 4); // id 3 -> 4 -> 3
        cyc.typedef("pool", loop);
        int def = cyc.struct("", 16, "type", cyc.ptr(cyc.array(u32, idx, 1)), 0, "key", cyc.ptr(loop), 64);
        cyc.datasec(".maps", cyc.var("m", def), 0, 16);
        assertThatThrownBy(() -> BpfObject.parse(objectWithMap(cyc.build(), "m", 32)))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'm': field 'key': BTF type [3]: more than 32 type references");

        BtfBuilder unknown = new BtfBuilder();
        int u = unknown.integer("unsigned int", 4, false);
        int d = unknown.struct("", 4, "colour", u, 0);
        unknown.datasec(".maps", unknown.var("m", d), 0, 4);
        assertThatThrownBy(() -> BpfObject.parse(objectWithMap(unknown.build(), "m", 32)))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'm': field 'colour' is not a known map definition field");

        BtfBuilder notPtr = new BtfBuilder();
        int n = notPtr.integer("unsigned int", 4, false);
        int nd = notPtr.struct("", 4, "max_entries", n, 0);
        notPtr.datasec(".maps", notPtr.var("m", nd), 0, 4);
        assertThatThrownBy(() -> BpfObject.parse(objectWithMap(notPtr.build(), "m", 32)))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'm': field 'max_entries' must be a pointer to an array (__uint), not INT");

        BtfBuilder notVar = new BtfBuilder();
        int nv = notVar.integer("unsigned int", 4, false);
        notVar.datasec(".maps", nv, 0, 4);
        assertThatThrownBy(() -> BpfObject.parse(objectWithMap(notVar.build(), "m", 32)))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("BTF DATASEC '.maps' [2] entry refers to type [1], a INT, not a VAR");

        byte[] noSymbol = objectWithMap(BtfBuilder.oneMap("other", 1, 1).build(), "m", 32);
        assertThatThrownBy(() -> BpfObject.parse(noSymbol)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'other': BTF describes it in .maps, but section [2] '.maps' has no symbol of that name");

        byte[] tooSmall = objectWithMap(BtfBuilder.oneMap("m", 1, 1).build(), "m", 16);
        assertThatThrownBy(() -> BpfObject.parse(tooSmall)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'm': definition at offset 0 (32 bytes) extends beyond the 16-byte section [2] '.maps'");

        byte[] noDatasec = objectWithMap(new BtfBuilder().build(), "m", 32);
        assertThatThrownBy(() -> BpfObject.parse(noDatasec)).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("the BTF has no DATASEC '.maps'");

        BtfBuilder conflict = new BtfBuilder();
        int cu = conflict.integer("unsigned int", 4, false);
        int ci = conflict.integer("__ARRAY_SIZE_TYPE__", 4, false);
        int cd = conflict.struct("", 16, "key_size", conflict.ptr(conflict.array(cu, ci, 8)), 0, "key", conflict.ptr(cu), 64);
        conflict.datasec(".maps", conflict.var("m", cd), 0, 16);
        assertThatThrownBy(() -> BpfObject.parse(objectWithMap(conflict.build(), "m", 32)))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("map 'm': field 'key': size 4 conflicts with the size 8");
    }

    @Test
    void valuesRelocationOutsideValues() {
        ObjectBuilder o = new ObjectBuilder();
        int xdp = o.code("xdp", Instruction.of(0xb7, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0));
        int prog = o.function("prog", xdp, 0, 16);
        int maps = o.data(".maps", new byte[32]);
        o.object("m", maps, 0, 32);
        o.rel(maps, 0, prog, ElfRelocation.R_BPF_64_ABS64);
        o.section(".BTF", ElfSection.SHT_PROGBITS, 0, BtfBuilder.oneMap("m", 3, 4).build());
        assertThatThrownBy(() -> BpfObject.parse(o.build())).isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("relocation #0 in section [4] '.rel.maps' at offset 0x0: map 'm' can only be initialised through its 'values' member");
    }
}
