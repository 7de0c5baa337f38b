/**
 * Reading eBPF object files as clang emits them for the bpf target: ELF sections, symbols and
 * relocations, BTF and BTF.ext, BTF-defined and legacy maps, global data, programs with their
 * subprograms linked in ({@code BpfObject}); and loading such a model into a runtime
 * ({@code LoadedObject}): maps created, programs loaded.
 */
module io.bpf4j.loader {
    requires transitive io.bpf4j.isa;
    requires transitive io.bpf4j.runtime;
    requires transitive io.bpf4j.verifier;

    exports io.bpf4j.loader;
    exports io.bpf4j.loader.btf;
}
