package io.bpf4j.loader;

import io.bpf4j.isa.Instruction;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.loader.elf.ElfSymbol;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small ELF64 BPF relocatable objects by hand, for tests of what clang does not (or no
 * longer) emit and of malformed input. Layout: header, section contents, relocation sections,
 * symbol table, string tables, section header table.
 */
final class ObjectBuilder {
    record Section(String name, int type, long flags, byte[] data, long nobitsSize) {}

    record Symbol(String name, int info, int shndx, long value, long size) {}

    record Rel(long offset, int symbol, int type) {}

    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private final Map<Integer, List<Rel>> rels = new LinkedHashMap<>();

    ObjectBuilder() {
        symbols.add(new Symbol("", 0, 0, 0, 0));
    }

    /** Adds a section; returns its index (sections count from 1). */
    int section(String name, int type, long flags, byte[] data) {
        sections.add(new Section(name, type, flags, data, 0));
        return sections.size();
    }

    int code(String name, Instruction... insns) {
        return section(name, ElfSection.SHT_PROGBITS, ElfSection.SHF_ALLOC | ElfSection.SHF_EXECINSTR, encode(insns));
    }

    int data(String name, byte[] data) {
        return section(name, ElfSection.SHT_PROGBITS, ElfSection.SHF_ALLOC | ElfSection.SHF_WRITE, data);
    }

    int bss(String name, long size) {
        sections.add(new Section(name, ElfSection.SHT_NOBITS, ElfSection.SHF_ALLOC | ElfSection.SHF_WRITE, new byte[0], size));
        return sections.size();
    }

    /** Adds a symbol; returns its index. */
    int symbol(String name, int type, int binding, int shndx, long value, long size) {
        symbols.add(new Symbol(name, (binding << 4) | type, shndx, value, size));
        return symbols.size() - 1;
    }

    int function(String name, int shndx, long value, long size) {
        return symbol(name, ElfSymbol.STT_FUNC, ElfSymbol.STB_GLOBAL, shndx, value, size);
    }

    int object(String name, int shndx, long value, long size) {
        return symbol(name, ElfSymbol.STT_OBJECT, ElfSymbol.STB_GLOBAL, shndx, value, size);
    }

    int sectionSymbol(int shndx) {
        return symbol("", ElfSymbol.STT_SECTION, ElfSymbol.STB_LOCAL, shndx, 0, 0);
    }

    void rel(int target, long offset, int symbol, int type) {
        rels.computeIfAbsent(target, k -> new ArrayList<>()).add(new Rel(offset, symbol, type));
    }

    static byte[] encode(Instruction... insns) {
        ByteBuffer b = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : insns) {
            i.writeTo(b);
        }
        return b.array();
    }

    static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    /** An object with one trivial xdp program and the given license. */
    static BpfObject withLicense(String license) {
        ObjectBuilder b = new ObjectBuilder();
        int xdp = b.code("xdp", Instruction.of(0xb7, 0, 0, 0, 2), Instruction.of(0x95, 0, 0, 0, 0));
        b.function("prog", xdp, 0, 16);
        b.data("license", cstring(license));
        return BpfObject.parse(b.build());
    }

    byte[] build() {
        // section index layout: 0 null, user sections 1..n, rel sections, symtab, strtab, shstrtab
        int n = sections.size();
        List<Integer> relTargets = new ArrayList<>(rels.keySet());
        int symtabIndex = n + relTargets.size() + 1;
        int strtabIndex = symtabIndex + 1;
        int shstrtabIndex = strtabIndex + 1;
        int count = shstrtabIndex + 1;

        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        shstr.write(0);
        ByteArrayOutputStream str = new ByteArrayOutputStream();
        str.write(0);
        long[][] headers = new long[count][];
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[64]);

        for (int i = 0; i < n; i++) {
            Section s = sections.get(i);
            align(body);
            long off = body.size();
            body.writeBytes(s.data());
            long size = s.type() == ElfSection.SHT_NOBITS ? s.nobitsSize() : s.data().length;
            headers[i + 1] = new long[] {name(shstr, s.name()), s.type(), s.flags(), off, size, 0, 0, 8, 0};
        }
        for (int r = 0; r < relTargets.size(); r++) {
            int target = relTargets.get(r);
            align(body);
            long off = body.size();
            ByteBuffer b = ByteBuffer.allocate(rels.get(target).size() * 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Rel rel : rels.get(target)) {
                b.putLong(rel.offset()).putLong(((long) rel.symbol() << 32) | (rel.type() & 0xffffffffL));
            }
            body.writeBytes(b.array());
            headers[n + 1 + r] = new long[] {name(shstr, ".rel" + sections.get(target - 1).name()), ElfSection.SHT_REL,
                0, off, b.capacity(), symtabIndex, target, 8, 16};
        }
        ByteBuffer sym = ByteBuffer.allocate(symbols.size() * 24).order(ByteOrder.LITTLE_ENDIAN);
        int firstGlobal = symbols.size();
        for (int i = 0; i < symbols.size(); i++) {
            Symbol s = symbols.get(i);
            if ((s.info() >> 4) != ElfSymbol.STB_LOCAL && firstGlobal == symbols.size()) {
                firstGlobal = i;
            }
            sym.putInt((int) (s.name().isEmpty() ? 0 : name(str, s.name()))).put((byte) s.info()).put((byte) 0)
                    .putShort((short) s.shndx()).putLong(s.value()).putLong(s.size());
        }
        align(body);
        headers[symtabIndex] = new long[] {name(shstr, ".symtab"), ElfSection.SHT_SYMTAB, 0, body.size(), sym.capacity(),
            strtabIndex, firstGlobal, 8, 24};
        body.writeBytes(sym.array());
        headers[strtabIndex] = new long[] {name(shstr, ".strtab"), ElfSection.SHT_STRTAB, 0, body.size(), str.size(), 0, 0, 1, 0};
        body.writeBytes(str.toByteArray());
        long shstrName = name(shstr, ".shstrtab");
        headers[shstrtabIndex] = new long[] {shstrName, ElfSection.SHT_STRTAB, 0, body.size(), shstr.size(), 0, 0, 1, 0};
        body.writeBytes(shstr.toByteArray());
        align(body);
        long shoff = body.size();
        headers[0] = new long[9];
        ByteBuffer sh = ByteBuffer.allocate(count * 64).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] h : headers) {
            sh.putInt((int) h[0]).putInt((int) h[1]).putLong(h[2]).putLong(0).putLong(h[3]).putLong(h[4])
                    .putInt((int) h[5]).putInt((int) h[6]).putLong(h[7]).putLong(h[8]);
        }
        body.writeBytes(sh.array());
        byte[] out = body.toByteArray();
        ByteBuffer eh = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        eh.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        eh.putShort(16, (short) 1).putShort(18, (short) 247).putInt(20, 1).putLong(40, shoff).putShort(52, (short) 64)
                .putShort(58, (short) 64).putShort(60, (short) count).putShort(62, (short) shstrtabIndex);
        return out;
    }

    private static void align(ByteArrayOutputStream out) {
        while (out.size() % 8 != 0) {
            out.write(0);
        }
    }

    private static long name(ByteArrayOutputStream table, String name) {
        long off = table.size();
        table.writeBytes(cstring(name));
        return off;
    }
}
