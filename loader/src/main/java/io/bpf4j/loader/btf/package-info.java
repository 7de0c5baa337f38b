/**
 * BTF as object files carry it: {@link io.bpf4j.loader.btf.BtfParser} reads {@code .BTF} (every
 * kind from INT to ENUM64) into a {@link io.bpf4j.loader.btf.Btf} and {@code .BTF.ext} (func_info,
 * line_info, CO-RE relocations) into a {@link io.bpf4j.loader.btf.BtfExt}. Input is untrusted:
 * offsets, lengths and counts are checked before use and walks along type references stop at
 * {@link io.bpf4j.loader.btf.Btf#MAX_RESOLVE_DEPTH}.
 */
package io.bpf4j.loader.btf;
