/** The eBPF instruction set: encoding, decoding, validation, assembler and disassembler. */
module io.bpf4j.isa {
    exports io.bpf4j.isa;
}
