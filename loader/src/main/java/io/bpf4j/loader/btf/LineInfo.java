package io.bpf4j.loader.btf;

/**
 * A {@code .BTF.ext} line_info record: the source line an instruction was compiled from.
 *
 * @param instructionIndex slot index: within its ELF section in {@link BtfExt}, within the
 *     linked program in a program spec
 * @param fileName the source file, as the compiler named it
 * @param sourceLine the text of the source line (may be empty)
 * @param line 1-based line number
 * @param column 1-based column, 0 if unknown
 */
public record LineInfo(int instructionIndex, String fileName, String sourceLine, int line, int column) {

    /** The same record at another instruction index. */
    public LineInfo at(int index) {
        return new LineInfo(index, fileName, sourceLine, line, column);
    }

    /** {@code file.c:12:5}. */
    public String location() {
        return fileName + ":" + line + (column > 0 ? ":" + column : "");
    }
}
