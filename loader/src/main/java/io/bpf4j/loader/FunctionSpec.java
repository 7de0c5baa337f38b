package io.bpf4j.loader;

import io.bpf4j.loader.btf.FunctionSignature;
import java.util.Optional;

/**
 * A function placed in a linked program: the program's own function at index 0, then each
 * subprogram from {@code .text} it calls, directly or indirectly, once.
 *
 * @param name the function's symbol name
 * @param startIndex slot index of its first instruction in the linked program
 * @param length its length in slots
 * @param global true for a global function, false for a {@code static} one
 * @param sectionName the ELF section it comes from ({@code .text} for subprograms)
 * @param signature its BTF signature, if the object has BTF func_info for it
 */
public record FunctionSpec(String name, int startIndex, int length, boolean global, String sectionName,
        Optional<FunctionSignature> signature) {}
