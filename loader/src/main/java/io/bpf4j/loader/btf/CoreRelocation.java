package io.bpf4j.loader.btf;

/**
 * A {@code .BTF.ext} CO-RE relocation record ({@code struct bpf_core_relo}). The loader reads them
 * but does not apply them.
 *
 * @param instructionIndex slot index of the instruction to patch
 * @param typeId the local BTF type the access starts from
 * @param accessString the access specification, e.g. {@code 0:1:2}
 * @param kind the {@code enum bpf_core_relo_kind} value
 */
public record CoreRelocation(int instructionIndex, int typeId, String accessString, int kind) {

    public CoreRelocation at(int index) {
        return new CoreRelocation(index, typeId, accessString, kind);
    }
}
