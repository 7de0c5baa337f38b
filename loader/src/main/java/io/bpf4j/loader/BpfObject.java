package io.bpf4j.loader;

import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfExt;
import io.bpf4j.loader.btf.BtfParser;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An eBPF object file as {@code clang -O2 -g -target bpf -c} emits it, parsed: its programs
 * (linked with their subprograms, map loads relocated), its maps (BTF-defined, legacy and global
 * data), its license and its BTF. Immutable; nothing is created or run.
 *
 * <p>Parsing treats the file as untrusted: any malformation is an {@link ObjectFormatException}
 * naming what is wrong and where.
 */
public final class BpfObject {
    /** The licenses Linux's {@code license_is_gpl_compatible} accepts. */
    private static final Set<String> GPL_COMPATIBLE = Set.of("GPL", "GPL v2", "GPL and additional rights",
            "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    private final String name;
    private final List<ProgramSpec> programs;
    private final List<MapSpec> maps;
    private final String license;
    private final Optional<Btf> btf;
    private final Optional<BtfExt> btfExt;

    private BpfObject(String name, List<ProgramSpec> programs, List<MapSpec> maps, String license, Optional<Btf> btf,
            Optional<BtfExt> btfExt) {
        this.name = name;
        this.programs = List.copyOf(programs);
        this.maps = List.copyOf(maps);
        this.license = license;
        this.btf = btf;
        this.btfExt = btfExt;
    }

    /** Parses an object file; its {@link #name()} is empty. */
    public static BpfObject parse(byte[] bytes) {
        return parse(bytes, "");
    }

    /**
     * Parses an object file.
     *
     * @param name the object's name, for messages and for whoever names its maps
     * @throws ObjectFormatException if the object is malformed or uses something unsupported
     */
    public static BpfObject parse(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
        try {
            return read(ElfFile.parse(bytes), name);
        } catch (ObjectFormatException e) {
            throw name.isEmpty() ? e : new ObjectFormatException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and parses an object file. Its name is the file name up to the first dot, as libbpf
     * names objects ({@code xdp_count} for {@code xdp_count.bpf.o}).
     */
    public static BpfObject read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        int dot = file.indexOf('.');
        return parse(bytes, dot > 0 ? file.substring(0, dot) : file);
    }

    private static BpfObject read(ElfFile elf, String name) {
        String license = elf.section("license").map(s -> license(elf, s)).orElse("");
        Optional<Btf> btf = elf.section(".BTF").map(s -> BtfParser.parse(progbits(elf, s)));
        Optional<BtfExt> ext = elf.section(".BTF.ext").map(s -> {
            if (btf.isEmpty()) {
                throw new ObjectFormatException(s.label() + " needs a .BTF section, and the object has none");
            }
            return BtfParser.parseExt(progbits(elf, s), btf.get());
        });
        Map<Integer, ElfSection> rels = relocationSections(elf);
        MapCollector.MapTable maps = MapCollector.collect(elf, btf, rels);
        List<ProgramSpec> programs = ProgramLinker.link(elf, maps, btf, ext, rels);
        return new BpfObject(name, programs, maps.maps(), license, btf, ext);
    }

    private static byte[] progbits(ElfFile elf, ElfSection s) {
        if (s.type() != ElfSection.SHT_PROGBITS) {
            throw new ObjectFormatException(s.label() + " has type " + s.type() + ", expected SHT_PROGBITS (1)");
        }
        return elf.bytes(s);
    }

    private static String license(ElfFile elf, ElfSection s) {
        byte[] b = progbits(elf, s);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** The relocation section of each code or {@code .maps} section that has one. */
    private static Map<Integer, ElfSection> relocationSections(ElfFile elf) {
        Map<Integer, ElfSection> out = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (s.type() != ElfSection.SHT_REL && s.type() != ElfSection.SHT_RELA) {
                continue;
            }
            ElfSection target = elf.section(Integer.toUnsignedLong(s.info()), s.label() + " (sh_info, the section it relocates)");
            if (!target.isCode() && !target.name().equals(MapCollector.BTF_MAPS)) {
                continue; // debug info, BTF: nothing the loader applies
            }
            if (s.type() == ElfSection.SHT_RELA) {
                throw new ObjectFormatException(s.label() + " relocates " + target.label()
                        + " with SHT_RELA entries; BPF objects use SHT_REL");
            }
            ElfSection previous = out.put(target.index(), s);
            if (previous != null) {
                throw new ObjectFormatException(target.label() + " has two relocation sections: " + previous.label()
                        + " and " + s.label());
            }
        }
        return out;
    }

    /** The object's name: the file name up to its first dot for {@link #read(Path)}, else as given. */
    public String name() {
        return name;
    }

    /** The programs: every function of every code section but {@code .text}, in section and offset order. */
    public List<ProgramSpec> programs() {
        return programs;
    }

    /** The program whose function is called {@code functionName}. */
    public Optional<ProgramSpec> program(String functionName) {
        return programs.stream().filter(p -> p.name().equals(functionName)).findFirst();
    }

    /**
     * The program with this function name or, failing that, the only one in this section: how
     * every command and API names a program ({@code --program}, {@code LoadedObject.program}).
     */
    public Optional<ProgramSpec> findProgram(String nameOrSection) {
        Optional<ProgramSpec> byName = program(nameOrSection);
        if (byName.isPresent()) {
            return byName;
        }
        List<ProgramSpec> inSection = programs.stream().filter(p -> p.sectionName().equals(nameOrSection)).toList();
        return inSection.size() == 1 ? Optional.of(inSection.getFirst()) : Optional.empty();
    }

    /**
     * The maps: legacy {@code maps} definitions, then BTF-defined {@code .maps} (in BTF order),
     * then global data sections (in section order). {@link MapReference#mapIndex()} indexes this
     * list.
     */
    public List<MapSpec> maps() {
        return maps;
    }

    /** The map called {@code mapName} ({@code .rodata} for a global data section). */
    public Optional<MapSpec> map(String mapName) {
        return maps.stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    /** The license string of the {@code license} section, up to its first NUL; "" if there is none. */
    public String license() {
        return license;
    }

    /** True if the license is one Linux considers GPL-compatible (and so may call GPL-only helpers). */
    public boolean gplCompatible() {
        return GPL_COMPATIBLE.contains(license);
    }

    /** The object's BTF, if it has a {@code .BTF} section. */
    public Optional<Btf> btf() {
        return btf;
    }

    /** The object's {@code .BTF.ext}, if it has one. */
    public Optional<BtfExt> btfExt() {
        return btfExt;
    }

    @Override
    public String toString() {
        return "BpfObject[" + (name.isEmpty() ? "" : name + ": ") + programs.size() + " program(s), " + maps.size()
                + " map(s), license '" + license + "']";
    }
}
