/** The bpf4j runtime: memory model, helpers, the interpreter, program types and the public program API. */
module io.bpf4j.runtime {
    requires transitive io.bpf4j.isa;

    exports io.bpf4j.runtime;
    exports io.bpf4j.runtime.maps;
    exports io.bpf4j.runtime.types;
    // The engines' side of the runtime, for the bytecode compiler only.
    exports io.bpf4j.runtime.spi to io.bpf4j.compiler;

    uses io.bpf4j.runtime.spi.CompilerService;
}
