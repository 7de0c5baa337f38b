/** The bpf4j verifier: proves eBPF programs safe for their program type, maps and helpers before they run. */
module io.bpf4j.verifier {
    requires transitive io.bpf4j.runtime;

    exports io.bpf4j.verifier;
}
