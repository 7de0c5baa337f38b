/**
 * Reading eBPF object files as clang emits them for the bpf target: ELF sections, symbols and
 * relocations, BTF and BTF.ext, BTF-defined and legacy maps, global data, programs with their
 * subprograms linked in. No runtime: the result is a model that a later step turns into maps and
 * programs.
 */
module io.bpf4j.loader {
    requires transitive io.bpf4j.isa;

    exports io.bpf4j.loader;
    exports io.bpf4j.loader.btf;
}
