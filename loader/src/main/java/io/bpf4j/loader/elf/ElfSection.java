package io.bpf4j.loader.elf;

/**
 * One ELF64 section header. Offsets and sizes are unsigned 64-bit values held in {@code long};
 * {@link ElfFile} has checked that the bytes of every section but {@code SHT_NOBITS} lie inside
 * the file.
 *
 * @param index the section's index in the section header table
 * @param name the section's name from the section name string table
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link,
        int info, long addressAlign, long entrySize) {

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    /** True for {@code SHT_PROGBITS} sections flagged executable: code. */
    public boolean isCode() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }

    /** "section [3] 'xdp'", for messages. */
    public String label() {
        return "section [" + index + "] '" + name + "'";
    }
}
