package io.bpf4j.loader.elf;

/**
 * One ELF64 symbol table entry.
 *
 * @param index the symbol's index in the symbol table
 * @param sectionIndex {@code st_shndx}: the section the symbol is defined in, or one of the
 *     reserved values ({@link #SHN_UNDEF}, {@link #SHN_ABS}, {@link #SHN_COMMON})
 * @param value {@code st_value}: in a relocatable object, the offset in its section
 */
public record ElfSymbol(int index, String name, int info, int other, int sectionIndex, long value, long size) {

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public int type() {
        return info & 0xf;
    }

    public int binding() {
        return info >>> 4;
    }

    /** True if the symbol names a place in an ordinary section (not undefined, absolute or common). */
    public boolean isDefined() {
        return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
    }

    /** "symbol #5 'counts'", for messages. */
    public String label() {
        return "symbol #" + index + " '" + name + "'";
    }
}
