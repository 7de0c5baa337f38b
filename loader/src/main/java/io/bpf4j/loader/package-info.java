/**
 * eBPF object files as {@code clang -O2 -g -target bpf -c} emits them, parsed into an immutable
 * model: {@link io.bpf4j.loader.BpfObject#parse(byte[])} gives the programs
 * ({@link io.bpf4j.loader.ProgramSpec}), maps ({@link io.bpf4j.loader.MapSpec}), license and BTF.
 * Nothing is created or run here.
 *
 * <p>Conventions, libbpf's unless noted:
 * <ul>
 *   <li><b>Programs</b>: every {@code STT_FUNC} symbol of an executable section other than
 *       {@code .text}, in section then offset order (several per section are allowed). Functions
 *       in {@code .text} are subprograms: each program gets a copy of those it reaches, appended
 *       once each in the order first reached (breadth-first), with {@code call} ({@code src=1})
 *       and function address {@code lddw} ({@code src=4}) immediates made relative to the copy.
 *   <li><b>Section names</b> suggest a program type, an expected attach type and an attach
 *       target ({@link io.bpf4j.loader.ProgramSection}); bpf4j adds {@code seccomp}.
 *   <li><b>Maps</b>, in this order: legacy {@code struct bpf_map_def} entries of section
 *       {@code maps} (named by their symbols; 16 bytes or more each, fields beyond
 *       {@code map_flags} ignored), BTF-defined maps of {@code .maps} in the order of BTF's
 *       {@code DATASEC .maps}, then one single-entry {@code BPF_MAP_TYPE_ARRAY} per non-empty
 *       {@code .data}, {@code .rodata}, {@code .bss}, {@code .data.*}, {@code .rodata.*} or
 *       {@code .bss.*} section, in section order. A global data map is <b>named after its
 *       section</b> ({@code .rodata}, {@code .data.foo}) — libbpf's "real name", used by
 *       skeletons and {@code bpf_object__find_map_by_name} — not the kernel-visible
 *       {@code <obj>.rodata} libbpf derives to fit 15 characters. Its flags are
 *       {@code BPF_F_MMAPABLE}, plus {@code BPF_F_RDONLY_PROG} for {@code .rodata*}. Inner map
 *       templates of maps of maps are named {@code <outer>.inner} and are not maps of the object.
 *   <li><b>Map loads</b> are rewritten the way the runtime reads them: {@code src=1} with
 *       {@code imm} = index of the map in {@link io.bpf4j.loader.BpfObject#maps()}, or
 *       {@code src=2} with that index and the value offset in the second slot's {@code imm}; each
 *       is listed as a {@link io.bpf4j.loader.MapReference}.
 *   <li>Map definitions are reported as written: limits (sizes, {@code max_entries}, types the
 *       runtime cannot create) are the runtime's to check.
 * </ul>
 *
 * <p>Not supported (an {@link io.bpf4j.loader.ObjectFormatException} says so when an object needs
 * it): externs ({@code .kconfig}, {@code .ksyms}, kfuncs), calls into functions of another
 * program section, {@code SHT_RELA}, big-endian objects. CO-RE relocations are read
 * ({@link io.bpf4j.loader.ProgramSpec#coreRelocations()}) but not applied.
 */
package io.bpf4j.loader;
