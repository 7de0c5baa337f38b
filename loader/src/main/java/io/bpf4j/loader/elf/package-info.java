/**
 * Internal: a bounds-checked reader of ELF64 little-endian {@code EM_BPF} relocatable objects
 * (headers, sections, symbols, {@code SHT_REL} relocations). Not exported.
 */
package io.bpf4j.loader.elf;
