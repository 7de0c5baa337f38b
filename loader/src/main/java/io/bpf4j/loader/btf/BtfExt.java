package io.bpf4j.loader.btf;

import java.util.List;
import java.util.Map;

/**
 * The contents of {@code .BTF.ext}: per ELF section (by name), the func_info, line_info and CO-RE
 * relocation records, with instruction indices relative to the start of that section.
 */
public record BtfExt(Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineInfo>> lineInfo,
        Map<String, List<CoreRelocation>> coreRelocations) {

    public BtfExt {
        funcInfo = copy(funcInfo);
        lineInfo = copy(lineInfo);
        coreRelocations = copy(coreRelocations);
    }

    private static <T> Map<String, List<T>> copy(Map<String, List<T>> in) {
        java.util.LinkedHashMap<String, List<T>> out = new java.util.LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    public List<FuncInfo> funcInfo(String section) {
        return funcInfo.getOrDefault(section, List.of());
    }

    public List<LineInfo> lineInfo(String section) {
        return lineInfo.getOrDefault(section, List.of());
    }

    public List<CoreRelocation> coreRelocations(String section) {
        return coreRelocations.getOrDefault(section, List.of());
    }
}
