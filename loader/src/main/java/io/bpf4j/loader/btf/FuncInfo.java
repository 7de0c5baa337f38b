package io.bpf4j.loader.btf;

/**
 * A {@code .BTF.ext} func_info record: the function that starts at an instruction.
 *
 * @param instructionIndex slot index: within its ELF section in {@link BtfExt}, within the
 *     linked program in a program spec
 * @param typeId id of the BTF {@code FUNC} type
 */
public record FuncInfo(int instructionIndex, int typeId) {

    /** The same record at another instruction index. */
    public FuncInfo at(int index) {
        return new FuncInfo(index, typeId);
    }
}
