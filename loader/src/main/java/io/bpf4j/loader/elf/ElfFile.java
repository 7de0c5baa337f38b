package io.bpf4j.loader.elf;

import io.bpf4j.loader.ObjectFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of an ELF64 little-endian relocatable object for the BPF machine, as
 * {@code clang -target bpf -c} writes it.
 *
 * <p>The input is untrusted: every offset, size and count is checked against the file before it
 * is used, nothing is allocated in proportion to a size field before that check, and every
 * problem is an {@link ObjectFormatException} naming the header field, section, symbol or
 * relocation concerned.
 */
public final class ElfFile {
    /** {@code EM_BPF}. */
    public static final int EM_BPF = 247;
    /** {@code ET_REL}. */
    public static final int ET_REL = 1;

    static final int EHDR_SIZE = 64;
    static final int SHDR_SIZE = 64;
    static final int SYM_SIZE = 24;
    static final int REL_SIZE = 16;

    private final ByteBuffer buf;
    private final int length;
    private final List<ElfSection> sections;
    private final ElfSection symtab;
    private final List<ElfSymbol> symbols;
    /** Decoded strings by file offset, and a bound on the bytes decoded, against overlapping names. */
    private final Map<Integer, String> stringCache = new HashMap<>();
    private final long stringBudget;
    private long decodedBytes;

    private ElfFile(byte[] bytes) {
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
        this.length = bytes.length;
        this.stringBudget = 16L * bytes.length + 65536;
        checkHeader();
        this.sections = Collections.unmodifiableList(readSections());
        this.symtab = findSymtab();
        this.symbols = symtab == null ? List.of() : Collections.unmodifiableList(readSymbols(symtab));
    }

    /**
     * Reads the headers, section table and symbol table of an object file. The array is not
     * copied; it must not change while the returned object is used.
     *
     * @throws ObjectFormatException if the file is not a well-formed ELF64 little-endian BPF
     *     relocatable object
     */
    public static ElfFile parse(byte[] bytes) {
        return new ElfFile(bytes);
    }

    /** Length of the file in bytes. */
    public int length() {
        return length;
    }

    /** All section headers, by index; index 0 is the null section. */
    public List<ElfSection> sections() {
        return sections;
    }

    /** The section at {@code index}, or an exception naming {@code what} refers to it. */
    public ElfSection section(long index, String what) {
        if (index < 0 || index >= sections.size()) {
            throw new ObjectFormatException(what + " refers to section " + index + ", but the object has "
                    + sections.size() + " sections");
        }
        return sections.get((int) index);
    }

    /** The first section named {@code name}. */
    public Optional<ElfSection> section(String name) {
        for (ElfSection s : sections) {
            if (s.index() != 0 && s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The symbol table, or empty if the object has none. */
    public Optional<ElfSection> symbolTable() {
        return Optional.ofNullable(symtab);
    }

    /** All symbols, by index (index 0 is the null symbol); empty if there is no symbol table. */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    /**
     * A copy of a section's bytes. {@code SHT_NOBITS} sections have none in the file: their
     * bytes are not materialised here and this returns an empty array.
     */
    public byte[] bytes(ElfSection section) {
        if (section.type() == ElfSection.SHT_NOBITS || section.type() == ElfSection.SHT_NULL) {
            return new byte[0];
        }
        // Checked when the section table was read: offset + size <= length.
        byte[] out = new byte[(int) section.size()];
        buf.get((int) section.offset(), out);
        return out;
    }

    /** A read-only little-endian view of a section's bytes (empty for {@code SHT_NOBITS}). */
    public ByteBuffer slice(ElfSection section) {
        if (section.type() == ElfSection.SHT_NOBITS || section.type() == ElfSection.SHT_NULL) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return buf.slice((int) section.offset(), (int) section.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The entries of a {@code SHT_REL} section, with their symbol indices checked against the
     * symbol table.
     */
    public List<ElfRelocation> relocations(ElfSection rel) {
        if (rel.type() != ElfSection.SHT_REL) {
            throw new ObjectFormatException(rel.label() + " is not a SHT_REL relocation section (type "
                    + rel.type() + ")");
        }
        if (rel.entrySize() != REL_SIZE) {
            throw new ObjectFormatException(rel.label() + " has entry size " + rel.entrySize()
                    + ", but Elf64_Rel entries are " + REL_SIZE + " bytes");
        }
        if (rel.size() % REL_SIZE != 0) {
            throw new ObjectFormatException(rel.label() + " size " + rel.size()
                    + " is not a multiple of the " + REL_SIZE + "-byte Elf64_Rel entry");
        }
        if (symtab == null || rel.link() != symtab.index()) {
            throw new ObjectFormatException(rel.label() + " links to section " + Integer.toUnsignedString(rel.link())
                    + ", which is not the symbol table"
                    + (symtab == null ? " (the object has none)" : " [" + symtab.index() + "]"));
        }
        int count = (int) (rel.size() / REL_SIZE);
        List<ElfRelocation> out = new ArrayList<>(count); // bounded by the file size, checked above
        int base = (int) rel.offset();
        for (int i = 0; i < count; i++) {
            long offset = buf.getLong(base + i * REL_SIZE);
            long info = buf.getLong(base + i * REL_SIZE + 8);
            long sym = info >>> 32;
            int type = (int) info;
            if (sym >= symbols.size()) {
                throw new ObjectFormatException("relocation #" + i + " in " + rel.label() + " (offset 0x"
                        + Long.toHexString(offset) + ") refers to symbol " + sym + ", but the symbol table has "
                        + symbols.size() + " symbols");
            }
            out.add(new ElfRelocation(i, offset, (int) sym, type));
        }
        return out;
    }

    /**
     * The NUL-terminated string at {@code offset} in a string table section.
     *
     * @param what what the string is, for messages ("name of section [3]")
     */
    public String string(ElfSection strtab, long offset, String what) {
        if (strtab.type() != ElfSection.SHT_STRTAB) {
            throw new ObjectFormatException(what + ": " + strtab.label() + " is not a string table (type "
                    + strtab.type() + ")");
        }
        if (offset < 0 || offset >= strtab.size()) {
            throw new ObjectFormatException(what + ": string offset " + offset + " is outside " + strtab.label()
                    + " (" + strtab.size() + " bytes)");
        }
        int start = (int) (strtab.offset() + offset);
        String cached = stringCache.get(start);
        if (cached != null) {
            return cached;
        }
        int end = (int) (strtab.offset() + strtab.size());
        for (int i = start; i < end; i++) {
            if (buf.get(i) == 0) {
                decodedBytes += i - start;
                if (decodedBytes > stringBudget) {
                    throw new ObjectFormatException(what + ": names overlapping in " + strtab.label()
                            + " add up to more than " + stringBudget + " bytes (16 times the file size)");
                }
                byte[] chars = new byte[i - start];
                buf.get(start, chars);
                String s = new String(chars, StandardCharsets.UTF_8);
                stringCache.put(start, s);
                return s;
            }
        }
        throw new ObjectFormatException(what + ": string at offset " + offset + " in " + strtab.label()
                + " is not NUL-terminated before the end of the section");
    }

    private void checkHeader() {
        if (length < 4 || buf.get(0) != 0x7f || buf.get(1) != 'E' || buf.get(2) != 'L' || buf.get(3) != 'F') {
            throw new ObjectFormatException("not an ELF file: the first 4 bytes are not 0x7f 'E' 'L' 'F'"
                    + (length < 4 ? " (the file is only " + length + " bytes)" : ""));
        }
        if (length < EHDR_SIZE) {
            throw new ObjectFormatException("ELF header truncated: the file is " + length
                    + " bytes, shorter than the " + EHDR_SIZE + "-byte ELF64 header");
        }
        int elfClass = buf.get(4);
        if (elfClass != 2) {
            throw new ObjectFormatException("ELF class " + elfClass + (elfClass == 1 ? " (ELF32)" : "")
                    + " is not supported: BPF objects are ELF64 (class 2)");
        }
        int data = buf.get(5);
        if (data != 1) {
            throw new ObjectFormatException("ELF data encoding " + data + (data == 2 ? " (big-endian)" : "")
                    + " is not supported: expected little-endian (1); compile with -target bpfel or bpf on a little-endian host");
        }
        int version = buf.get(6);
        if (version != 1) {
            throw new ObjectFormatException("ELF identification version " + version + " is not EV_CURRENT (1)");
        }
        int type = Short.toUnsignedInt(buf.getShort(16));
        if (type != ET_REL) {
            throw new ObjectFormatException("ELF type " + type + " (" + elfTypeName(type)
                    + ") is not supported: expected a relocatable object (ET_REL, 1) as clang -c produces");
        }
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != EM_BPF) {
            throw new ObjectFormatException("ELF machine " + machine + " is not BPF (EM_BPF, " + EM_BPF
                    + "): compile with clang -target bpf");
        }
    }

    private static String elfTypeName(int type) {
        return switch (type) {
            case 0 -> "ET_NONE";
            case 2 -> "ET_EXEC";
            case 3 -> "ET_DYN";
            case 4 -> "ET_CORE";
            default -> "unknown";
        };
    }

    private List<ElfSection> readSections() {
        long shoff = buf.getLong(40);
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        int shstrndx = Short.toUnsignedInt(buf.getShort(62));
        if (shnum == 0) {
            throw new ObjectFormatException("ELF header: e_shnum is 0: the object has no section headers"
                    + (shoff != 0 ? " (extended section numbering is not supported)" : ""));
        }
        if (shentsize != SHDR_SIZE) {
            throw new ObjectFormatException("ELF header: e_shentsize " + shentsize + " is not the "
                    + SHDR_SIZE + "-byte ELF64 section header size");
        }
        long tableSize = (long) shnum * SHDR_SIZE;
        if (shoff < 0 || shoff > length || tableSize > length - shoff) {
            throw new ObjectFormatException("ELF header: section header table at offset 0x" + Long.toHexString(shoff)
                    + " with " + shnum + " entries (" + tableSize + " bytes) extends beyond the end of the "
                    + length + "-byte file");
        }
        if (shstrndx == ElfSymbol.SHN_XINDEX) {
            throw new ObjectFormatException("ELF header: e_shstrndx is SHN_XINDEX (extended section numbering is not supported)");
        }
        if (shstrndx == 0 || shstrndx >= shnum) {
            throw new ObjectFormatException("ELF header: e_shstrndx " + shstrndx
                    + " does not name a section (the object has " + shnum + " sections)");
        }
        // First pass: raw headers, checked against the file; names come after shstrtab is known good.
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int at = (int) (shoff + (long) i * SHDR_SIZE);
            long name = Integer.toUnsignedLong(buf.getInt(at));
            long type = Integer.toUnsignedLong(buf.getInt(at + 4));
            long flags = buf.getLong(at + 8);
            long offset = buf.getLong(at + 24);
            long size = buf.getLong(at + 32);
            long link = Integer.toUnsignedLong(buf.getInt(at + 40));
            long info = Integer.toUnsignedLong(buf.getInt(at + 44));
            long align = buf.getLong(at + 48);
            long entsize = buf.getLong(at + 56);
            raw[i] = new long[] {name, type, flags, offset, size, link, info, align, entsize};
        }
        // Bounds first for the section names, so that the other sections' errors can name them.
        checkBounds(shstrndx, raw[shstrndx], length, null);
        long[] strRaw = raw[shstrndx];
        if (strRaw[1] != ElfSection.SHT_STRTAB) {
            throw new ObjectFormatException("ELF header: e_shstrndx " + shstrndx + " names section of type "
                    + strRaw[1] + ", not a string table (SHT_STRTAB, 3)");
        }
        // named for messages until its own name is read from it
        ElfSection shstrtab = toSection(shstrndx, "section names (e_shstrndx)", raw[shstrndx]);
        for (int i = 1; i < shnum; i++) {
            checkBounds(i, raw[i], length, shstrtab);
        }
        List<ElfSection> out = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            if (i == 0) {
                // Section 0 is SHN_UNDEF, never a section with contents, whatever its header says
                // (a forged header must not make it code: the bounds of section 0 are not checked).
                out.add(toSection(0, "", new long[9]));
                continue;
            }
            String name = string(shstrtab, raw[i][0], "name of section [" + i + "]");
            out.add(toSection(i, name, raw[i]));
        }
        return out;
    }

    /** Refuses a section whose contents lie outside the file, named when its name can be read. */
    private void checkBounds(int index, long[] r, long length, ElfSection shstrtab) {
        long type = r[1];
        long offset = r[3];
        long size = r[4];
        if (index == 0 || type == ElfSection.SHT_NOBITS || type == ElfSection.SHT_NULL) {
            return;
        }
        if (offset < 0 || offset > length || size < 0 || size > length - offset) {
            String label = "section [" + index + "]";
            if (shstrtab != null) {
                try {
                    label += " '" + string(shstrtab, r[0], "name of section [" + index + "]") + "'";
                } catch (ObjectFormatException unnamed) {
                    // the name is damaged too: the index alone still identifies the section
                }
            }
            throw new ObjectFormatException(label + ": offset 0x" + Long.toHexString(offset) + " + size "
                    + Long.toUnsignedString(size) + " extends beyond the end of the " + length + "-byte file");
        }
    }

    private static ElfSection toSection(int index, String name, long[] r) {
        return new ElfSection(index, name, (int) r[1], r[2], r[3], r[4], (int) r[5], (int) r[6], r[7], r[8]);
    }

    private ElfSection findSymtab() {
        ElfSection found = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                if (found != null) {
                    throw new ObjectFormatException("the object has two symbol tables: " + found.label() + " and "
                            + s.label());
                }
                found = s;
            }
        }
        return found;
    }

    private List<ElfSymbol> readSymbols(ElfSection tab) {
        if (tab.entrySize() != SYM_SIZE) {
            throw new ObjectFormatException(tab.label() + " has entry size " + tab.entrySize()
                    + ", but Elf64_Sym entries are " + SYM_SIZE + " bytes");
        }
        if (tab.size() % SYM_SIZE != 0) {
            throw new ObjectFormatException(tab.label() + " size " + tab.size() + " is not a multiple of the "
                    + SYM_SIZE + "-byte Elf64_Sym entry");
        }
        ElfSection strtab = section(Integer.toUnsignedLong(tab.link()), tab.label() + " (sh_link, its string table)");
        int count = (int) (tab.size() / SYM_SIZE);
        List<ElfSymbol> out = new ArrayList<>(count); // bounded by the file size, checked above
        int base = (int) tab.offset();
        for (int i = 0; i < count; i++) {
            int at = base + i * SYM_SIZE;
            long nameOff = Integer.toUnsignedLong(buf.getInt(at));
            int info = Byte.toUnsignedInt(buf.get(at + 4));
            int other = Byte.toUnsignedInt(buf.get(at + 5));
            int shndx = Short.toUnsignedInt(buf.getShort(at + 6));
            long value = buf.getLong(at + 8);
            long size = buf.getLong(at + 16);
            String name = nameOff == 0 ? "" : string(strtab, nameOff, "name of symbol #" + i);
            if (shndx >= sections.size() && shndx < ElfSymbol.SHN_LORESERVE) {
                throw new ObjectFormatException("symbol #" + i + " '" + name + "' is defined in section " + shndx
                        + ", but the object has " + sections.size() + " sections");
            }
            if (shndx == ElfSymbol.SHN_XINDEX) {
                throw new ObjectFormatException("symbol #" + i + " '" + name
                        + "' uses SHN_XINDEX (extended section numbering is not supported)");
            }
            ElfSymbol symbol = new ElfSymbol(i, name, info, other, shndx, value, size);
            if (symbol.type() == ElfSymbol.STT_SECTION && name.isEmpty() && symbol.isDefined()) {
                symbol = new ElfSymbol(i, sections.get(shndx).name(), info, other, shndx, value, size);
            }
            out.add(symbol);
        }
        return out;
    }
}
