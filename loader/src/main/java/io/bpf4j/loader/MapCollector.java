package io.bpf4j.loader;

import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfType;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfRelocation;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.loader.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds an object's maps, in libbpf's order: legacy {@code maps} definitions, then BTF-defined
 * {@code .maps} in the order of their BTF data section, then one array map per non-empty global
 * data section in section order.
 */
final class MapCollector {
    static final String BTF_MAPS = ".maps";
    static final String LEGACY_MAPS = "maps";
    static final int LEGACY_DEF_MIN = 16;
    static final int LEGACY_DEF_FULL = 20;

    /** The maps found and how relocations find them. */
    record MapTable(List<MapSpec> maps, Map<Integer, TreeMap<Long, Integer>> bySymbol, Map<Integer, Integer> dataMaps) {

        /** Index of the map defined at {@code offset} of a map definition section, or -1. */
        int mapAt(int sectionIndex, long offset) {
            TreeMap<Long, Integer> m = bySymbol.get(sectionIndex);
            Integer i = m == null ? null : m.get(offset);
            return i == null ? -1 : i;
        }

        boolean isMapSection(int sectionIndex) {
            return bySymbol.containsKey(sectionIndex);
        }
    }

    private final ElfFile elf;
    private final Optional<Btf> btf;
    private final List<MapSpec> maps = new ArrayList<>();
    private final Map<Integer, TreeMap<Long, Integer>> bySymbol = new HashMap<>();
    private final Map<Integer, Integer> dataMaps = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private Map<Integer, List<ElfSymbol>> dataSymbols;

    private MapCollector(ElfFile elf, Optional<Btf> btf) {
        this.elf = elf;
        this.btf = btf;
    }

    static MapTable collect(ElfFile elf, Optional<Btf> btf, Map<Integer, ElfSection> relSections) {
        MapCollector c = new MapCollector(elf, btf);
        for (ElfSection s : elf.sections()) {
            if (s.index() != 0 && s.name().equals(LEGACY_MAPS)) {
                c.legacy(s);
            }
        }
        for (ElfSection s : elf.sections()) {
            if (s.index() != 0 && s.name().equals(BTF_MAPS)) {
                c.btfMaps(s, relSections.get(s.index()));
            }
        }
        for (ElfSection s : elf.sections()) {
            if (s.index() != 0 && isGlobalData(s.name())) {
                c.globalData(s);
            }
        }
        return new MapTable(List.copyOf(c.maps), c.bySymbol, c.dataMaps);
    }

    /** {@code .data}, {@code .rodata}, {@code .bss} and their {@code .name.suffix} variants. */
    static boolean isGlobalData(String name) {
        for (String base : new String[] {".data", ".rodata", ".bss"}) {
            if (name.equals(base) || name.startsWith(base + ".")) {
                return true;
            }
        }
        return false;
    }

    private int add(MapSpec spec, String where) {
        if (!names.add(spec.name())) {
            throw new ObjectFormatException(where + ": a second map is named '" + spec.name() + "'");
        }
        maps.add(spec);
        return maps.size() - 1;
    }

    /** The named data symbols (objects, untyped) of a section. */
    private List<ElfSymbol> symbolsIn(ElfSection s) {
        if (dataSymbols == null) {
            dataSymbols = new HashMap<>();
            for (ElfSymbol sym : elf.symbols()) {
                if (sym.isDefined() && !sym.name().isEmpty()
                        && (sym.type() == ElfSymbol.STT_OBJECT || sym.type() == ElfSymbol.STT_NOTYPE)) {
                    dataSymbols.computeIfAbsent(sym.sectionIndex(), k -> new ArrayList<>()).add(sym);
                }
            }
        }
        return new ArrayList<>(dataSymbols.getOrDefault(s.index(), List.of()));
    }

    private void legacy(ElfSection s) {
        if (s.type() != ElfSection.SHT_PROGBITS) {
            throw new ObjectFormatException(s.label() + ": legacy map definitions must be SHT_PROGBITS, not type "
                    + s.type());
        }
        List<ElfSymbol> syms = symbolsIn(s);
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        bySymbol.put(s.index(), new TreeMap<>());
        if (s.size() == 0) {
            return;
        }
        if (syms.isEmpty()) {
            throw new ObjectFormatException(s.label() + ": " + s.size() + " bytes of legacy map definitions but no map symbols");
        }
        if (s.size() % syms.size() != 0) {
            throw new ObjectFormatException(s.label() + ": " + s.size() + " bytes do not divide evenly among its "
                    + syms.size() + " map symbols");
        }
        long defSize = s.size() / syms.size();
        if (defSize < LEGACY_DEF_MIN) {
            throw new ObjectFormatException(s.label() + ": map definitions of " + defSize
                    + " bytes are smaller than struct bpf_map_def (" + LEGACY_DEF_FULL + " bytes)");
        }
        ByteBuffer data = elf.slice(s);
        for (ElfSymbol sym : syms) {
            if (sym.value() < 0 || sym.value() > s.size() - defSize) {
                throw new ObjectFormatException(s.label() + ": legacy map " + sym.label() + " at offset "
                        + Long.toUnsignedString(sym.value()) + " + " + defSize + " bytes extends beyond the "
                        + s.size() + "-byte section");
            }
            int at = (int) sym.value();
            int flags = defSize >= LEGACY_DEF_FULL ? data.getInt(at + 16) : 0;
            MapSpec spec = new MapSpec(sym.name(), data.getInt(at), data.getInt(at + 4), data.getInt(at + 8),
                    data.getInt(at + 12), flags, 0, 0, Optional.empty(), null, false, List.of(), MapSpec.Origin.LEGACY,
                    s.name(), 0, 0);
            if (bySymbol.get(s.index()).containsKey(sym.value())) {
                throw new ObjectFormatException(s.label() + ": legacy maps '" + sym.name() + "' and '"
                        + maps.get(bySymbol.get(s.index()).get(sym.value())).name() + "' are at the same offset "
                        + sym.value());
            }
            bySymbol.get(s.index()).put(sym.value(), add(spec, s.label()));
        }
    }

    private void btfMaps(ElfSection s, ElfSection rel) {
        bySymbol.put(s.index(), new TreeMap<>());
        if (s.size() == 0) {
            return;
        }
        if (btf.isEmpty()) {
            throw new ObjectFormatException(s.label() + ": BTF-defined maps need the object's BTF, but it has no .BTF section"
                    + " (compile with -g)");
        }
        Btf b = btf.get();
        BtfType.DataSec sec = b.dataSection(BTF_MAPS).orElseThrow(() -> new ObjectFormatException(s.label()
                + ": the BTF has no DATASEC '.maps' describing the map definitions"));
        List<ElfSymbol> syms = symbolsIn(s);
        Map<String, ElfSymbol> byName = new HashMap<>();
        for (ElfSymbol sym : syms) {
            byName.putIfAbsent(sym.name(), sym);
        }
        List<BtfMapDefinition> defs = new ArrayList<>();
        List<ElfSymbol> defSyms = new ArrayList<>();
        for (BtfType.VarSecInfo vi : sec.vars()) {
            BtfType t = b.type(vi.type());
            if (!(t instanceof BtfType.Var var)) {
                throw new ObjectFormatException("BTF DATASEC '.maps' [" + sec.id() + "] entry refers to type ["
                        + vi.type() + "], a " + t.kind() + ", not a VAR");
            }
            ElfSymbol sym = byName.get(var.name());
            if (sym == null) {
                throw new ObjectFormatException("map '" + var.name() + "': BTF describes it in .maps, but " + s.label()
                        + " has no symbol of that name");
            }
            BtfMapDefinition def = BtfMapDefinition.read(b, var.name(), var.type(), false);
            long structSize = b.sizeOf(var.type());
            if (sym.value() < 0 || sym.value() > s.size() || structSize > s.size() - sym.value()) {
                throw new ObjectFormatException("map '" + var.name() + "': definition at offset "
                        + Long.toUnsignedString(sym.value()) + " (" + structSize + " bytes) extends beyond the "
                        + s.size() + "-byte " + s.label());
            }
            if (bySymbol.get(s.index()).containsKey(sym.value())) {
                throw new ObjectFormatException("map '" + var.name() + "' is at offset " + sym.value() + " of "
                        + s.label() + ", like map '" + maps.get(bySymbol.get(s.index()).get(sym.value())).name() + "'");
            }
            int index = add(def.toSpec(s.name()), s.label());
            bySymbol.get(s.index()).put(sym.value(), index);
            defs.add(def);
            defSyms.add(sym);
        }
        if (rel != null) {
            initialSlots(s, rel, defs, defSyms);
        }
    }

    /** {@code .values = { [i] = &x }}: relocations in {@code .maps} at the {@code values} array of a map. */
    private void initialSlots(ElfSection s, ElfSection rel, List<BtfMapDefinition> defs, List<ElfSymbol> defSyms) {
        Map<Integer, TreeMap<Integer, MapSlot>> slots = new HashMap<>();
        TreeMap<Long, Integer> byOffset = new TreeMap<>();
        for (int i = 0; i < defSyms.size(); i++) {
            byOffset.put(defSyms.get(i).value(), i);
        }
        for (ElfRelocation r : elf.relocations(rel)) {
            String where = "relocation #" + r.number() + " in " + rel.label() + " at offset 0x" + Long.toHexString(r.offset());
            if (r.offset() < 0 || r.offset() >= s.size()) {
                throw new ObjectFormatException(where + ": offset is outside the " + s.size() + "-byte " + s.label());
            }
            Map.Entry<Long, Integer> floor = byOffset.floorEntry(r.offset());
            int defIndex = floor == null ? -1 : floor.getValue();
            if (defIndex >= 0 && r.offset() - defSyms.get(defIndex).value() >= defSyms.get(defIndex).size()) {
                defIndex = -1;
            }
            int mapIndex = defIndex < 0 ? -1 : bySymbol.get(s.index()).get(defSyms.get(defIndex).value());
            if (defIndex < 0) {
                throw new ObjectFormatException(where + ": the offset is not inside any map definition");
            }
            BtfMapDefinition def = defs.get(defIndex);
            long rel0 = r.offset() - defSyms.get(defIndex).value() - def.valuesByteOffset();
            if (def.valuesByteOffset() < 0 || rel0 < 0) {
                throw new ObjectFormatException(where + ": map '" + def.name()
                        + "' can only be initialised through its 'values' member");
            }
            if (rel0 % 8 != 0) {
                throw new ObjectFormatException(where + ": not at a pointer of map '" + def.name() + "' values");
            }
            if (r.type() != ElfRelocation.R_BPF_64_ABS64) {
                throw new ObjectFormatException(where + ": " + ElfRelocation.typeName(r.type())
                        + " cannot initialise map values; expected R_BPF_64_ABS64");
            }
            long slot = rel0 / 8;
            if (slot > Integer.MAX_VALUE) {
                throw new ObjectFormatException(where + ": slot " + slot + " is out of range");
            }
            ElfSymbol target = elf.symbols().get(r.symbolIndex());
            MapSlot value;
            if (def.type() == MapSpec.BPF_MAP_TYPE_PROG_ARRAY) {
                ElfSection ts = target.isDefined() ? elf.sections().get(target.sectionIndex()) : null;
                if (ts == null || !ts.isCode() || ts.name().equals(ProgramLinker.TEXT)
                        || target.type() != ElfSymbol.STT_FUNC) {
                    throw new ObjectFormatException(where + ": slot " + slot + " of program array '" + def.name()
                            + "' refers to " + target.label() + ", which is not a program (a function in a program section)");
                }
                value = new MapSlot((int) slot, MapSlot.Kind.PROGRAM, target.name());
            } else {
                int targetMap = target.sectionIndex() == s.index() ? mapAt(s.index(), target.value()) : -1;
                if (targetMap < 0) {
                    throw new ObjectFormatException(where + ": slot " + slot + " of map '" + def.name()
                            + "' refers to " + target.label() + ", which is not a map in " + s.label());
                }
                value = new MapSlot((int) slot, MapSlot.Kind.MAP, maps.get(targetMap).name());
            }
            MapSlot previous = slots.computeIfAbsent(mapIndex, k -> new TreeMap<>()).put((int) slot, value);
            if (previous != null) {
                throw new ObjectFormatException(where + ": slot " + slot + " of map '" + def.name()
                        + "' is initialised twice");
            }
        }
        slots.forEach((index, bySlot) -> maps.set(index, maps.get(index).withInitialSlots(List.copyOf(bySlot.values()))));
    }

    private int mapAt(int section, long offset) {
        Integer i = bySymbol.get(section).get(offset);
        return i == null ? -1 : i;
    }

    private void globalData(ElfSection s) {
        if (s.type() != ElfSection.SHT_PROGBITS && s.type() != ElfSection.SHT_NOBITS) {
            return;
        }
        if (s.size() == 0) {
            return;
        }
        if (s.size() < 0 || s.size() > 0xffff_ffffL) {
            throw new ObjectFormatException(s.label() + ": " + Long.toUnsignedString(s.size())
                    + " bytes of global data do not fit in a map value (at most 2^32 - 1 bytes)");
        }
        boolean readOnly = s.name().startsWith(".rodata");
        int flags = MapSpec.BPF_F_MMAPABLE | (readOnly ? MapSpec.BPF_F_RDONLY_PROG : 0);
        int datasec = btf.flatMap(b -> b.dataSection(s.name())).map(BtfType::id).orElse(0);
        byte[] init = s.type() == ElfSection.SHT_NOBITS ? null : elf.bytes(s);
        MapSpec spec = new MapSpec(s.name(), MapSpec.BPF_MAP_TYPE_ARRAY, 4, (int) s.size(), 1, flags, 0, 0,
                Optional.empty(), init, readOnly, List.of(), MapSpec.Origin.GLOBAL_DATA, s.name(), 0, datasec);
        dataMaps.put(s.index(), add(spec, s.label()));
    }
}
