package io.bpf4j.loader.btf;

import java.util.List;

/**
 * A function as BTF describes it: name, linkage and prototype, with C spellings of the types.
 *
 * @param funcTypeId the id of the {@code FUNC} type
 * @param returnType type id of the return type (0 for {@code void})
 * @param variadic true if the prototype ends in {@code ...}
 */
public record FunctionSignature(int funcTypeId, String name, Linkage linkage, int returnType, String returnTypeName,
        List<Parameter> parameters, boolean variadic) {

    public FunctionSignature {
        parameters = List.copyOf(parameters);
    }

    /** A named parameter with its type id and C spelling. */
    public record Parameter(String name, int type, String typeName) {}

    /** C-like declaration: {@code static int twice(int x)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (linkage == Linkage.STATIC) {
            sb.append("static ");
        } else if (linkage == Linkage.EXTERN) {
            sb.append("extern ");
        }
        sb.append(returnTypeName).append(returnTypeName.endsWith("*") ? "" : " ").append(name).append('(');
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            sb.append(i > 0 ? ", " : "").append(p.typeName());
            if (!p.name().isEmpty()) {
                sb.append(p.typeName().endsWith("*") ? "" : " ").append(p.name());
            }
        }
        if (variadic) {
            sb.append(parameters.isEmpty() ? "..." : ", ...");
        } else if (parameters.isEmpty()) {
            sb.append("void");
        }
        return sb.append(')').toString();
    }
}
