package io.bpf4j.loader.elf;

/**
 * One {@code Elf64_Rel} entry of a {@code SHT_REL} section, with its symbol index already checked
 * against the symbol table.
 *
 * @param number the entry's position in its relocation section, for messages
 * @param offset {@code r_offset}: the byte offset in the target section
 * @param symbolIndex index of the symbol in the symbol table
 * @param type the relocation type ({@code R_BPF_*})
 */
public record ElfRelocation(int number, long offset, int symbolIndex, int type) {

    public static final int R_BPF_NONE = 0;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    public static final int R_BPF_64_32 = 10;

    /** The LLVM name of a BPF relocation type. */
    public static String typeName(int type) {
        return switch (type) {
            case R_BPF_NONE -> "R_BPF_NONE";
            case R_BPF_64_64 -> "R_BPF_64_64";
            case R_BPF_64_ABS64 -> "R_BPF_64_ABS64";
            case R_BPF_64_ABS32 -> "R_BPF_64_ABS32";
            case R_BPF_64_NODYLD32 -> "R_BPF_64_NODYLD32";
            case R_BPF_64_32 -> "R_BPF_64_32";
            default -> "unknown relocation type " + Integer.toUnsignedString(type);
        };
    }
}
