package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.TestObjects.Source;
import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfType;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfSection;
import io.bpf4j.loader.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the parser against LLVM's and bpftool's view of the same objects:
 * {@code llvm-readelf-19 -S -s} (sections, symbols), {@code llvm-objdump-19 -dr} (instruction
 * bytes, relocations) and {@code bpftool btf dump file} (every BTF type). Each test skips when its
 * tool is not installed.
 */
class LlvmCrossCheckTest {

    static Stream<Arguments> objects() {
        List<Arguments> out = new ArrayList<>();
        for (Source source : Source.values()) {
            for (String name : TestObjects.NAMES) {
                out.add(Arguments.of(source, name));
            }
        }
        return out.stream();
    }

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*(\\d+)]\\s+(.*)$");
    private static final Pattern SYMBOL = Pattern.compile(
            "^\\s*(\\d+):\\s+([0-9a-f]+)\\s+(\\d+)\\s+(\\w+)\\s+(\\w+)\\s+(\\w+)\\s+(\\w+)\\s*(\\S*)$");

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("objects")
    void sectionsAndSymbolsMatchLlvmReadelf(Source source, String name) {
        var readelf = TestObjects.assumeTool("llvm-readelf-19");
        byte[] bytes = TestObjects.bytes(source, name);
        ElfFile elf = ElfFile.parse(bytes);
        String out = TestObjects.run(readelf, List.of("-S", "-s", "--wide"), bytes);
        int sections = 0;
        int symbols = 0;
        for (String line : out.split("\n")) {
            Matcher m = SECTION.matcher(line);
            if (m.matches() && !line.contains("Nr]")) {
                int index = Integer.parseInt(m.group(1));
                String[] t = m.group(2).trim().split("\\s+");
                if (index == 0) {
                    continue;
                }
                ElfSection s = elf.sections().get(index);
                assertThat(s.name()).as("section %d", index).isEqualTo(t[0]);
                assertThat(s.offset()).as("offset of %s", s.name()).isEqualTo(Long.parseLong(t[3], 16));
                assertThat(s.size()).as("size of %s", s.name()).isEqualTo(Long.parseLong(t[4], 16));
                assertThat(s.entrySize()).as("entsize of %s", s.name()).isEqualTo(Long.parseLong(t[5], 16));
                assertThat(s.link()).as("link of %s", s.name()).isEqualTo(Integer.parseInt(t[t.length - 3]));
                assertThat(s.info()).as("info of %s", s.name()).isEqualTo(Integer.parseInt(t[t.length - 2]));
                assertThat(s.isCode()).as("code %s", s.name()).isEqualTo(t[1].equals("PROGBITS") && t[6].contains("X"));
                sections++;
                continue;
            }
            m = SYMBOL.matcher(line);
            if (m.matches()) {
                int index = Integer.parseInt(m.group(1));
                ElfSymbol sym = elf.symbols().get(index);
                assertThat(sym.value()).as("value of symbol %d", index).isEqualTo(Long.parseLong(m.group(2), 16));
                assertThat(sym.size()).as("size of symbol %d", index).isEqualTo(Long.parseLong(m.group(3)));
                assertThat(typeName(sym.type())).as("type of symbol %d", index).isEqualTo(m.group(4));
                assertThat(sym.binding() == ElfSymbol.STB_LOCAL ? "LOCAL" : sym.binding() == ElfSymbol.STB_GLOBAL
                        ? "GLOBAL" : "WEAK").as("binding of symbol %d", index).isEqualTo(m.group(5));
                String ndx = m.group(7);
                assertThat(ndx.equals("UND") ? 0 : ndx.equals("ABS") ? ElfSymbol.SHN_ABS : Integer.parseInt(ndx))
                        .as("section of symbol %d", index).isEqualTo(sym.sectionIndex());
                if (sym.type() != ElfSymbol.STT_SECTION) {
                    assertThat(sym.name()).as("name of symbol %d", index).isEqualTo(m.group(8));
                }
                symbols++;
            }
        }
        assertThat(sections).isEqualTo(elf.sections().size() - 1);
        assertThat(symbols).isEqualTo(elf.symbols().size());
    }

    private static String typeName(int type) {
        return switch (type) {
            case ElfSymbol.STT_NOTYPE -> "NOTYPE";
            case ElfSymbol.STT_OBJECT -> "OBJECT";
            case ElfSymbol.STT_FUNC -> "FUNC";
            case ElfSymbol.STT_SECTION -> "SECTION";
            case ElfSymbol.STT_FILE -> "FILE";
            default -> "?" + type;
        };
    }

    private static final Pattern DISASSEMBLY = Pattern.compile("^Disassembly of section (.*):$");
    private static final Pattern FUNCTION = Pattern.compile("^([0-9a-f]+) <(.*)>:$");
    private static final Pattern INSN = Pattern.compile("^\\s*(\\d+):\\t((?:[0-9a-f]{2} ?)+)\\t.*$");
    private static final Pattern RELOC = Pattern.compile("^\\s+([0-9a-f]+):\\s+(R_BPF_\\w+)\\s+(\\S+)$");

    /**
     * The main function of every program is the section's bytes as llvm-objdump prints them,
     * except that relocated instructions have their src and imm set; every relocation objdump
     * lists becomes a map reference to the right map or a call/address of the right subprogram.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("objects")
    void programsMatchLlvmObjdump(Source source, String name) {
        var objdump = TestObjects.assumeTool("llvm-objdump-19");
        byte[] bytes = TestObjects.bytes(source, name);
        BpfObject o = BpfObject.parse(bytes);
        ElfFile elf = ElfFile.parse(bytes);
        String out = TestObjects.run(objdump, List.of("-dr"), bytes);
        String section = null;
        ProgramSpec program = null;
        long functionStart = 0;
        ByteBuffer code = null;
        Map<String, Integer> relocated = new HashMap<>();
        Map<String, Integer> compared = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = DISASSEMBLY.matcher(line);
            if (m.matches()) {
                section = m.group(1);
                program = null;
                continue;
            }
            m = FUNCTION.matcher(line);
            if (m.matches()) {
                String fn = m.group(2);
                functionStart = Long.parseLong(m.group(1), 16) / 8;
                program = section.equals(".text") ? null
                        : o.program(fn).orElseThrow(() -> new AssertionError("objdump shows program " + fn));
                if (program != null) {
                    assertThat(program.sectionName()).isEqualTo(section);
                    code = ByteBuffer.wrap(program.code()).order(ByteOrder.LITTLE_ENDIAN);
                }
                continue;
            }
            if (program == null) {
                continue;
            }
            m = INSN.matcher(line);
            if (m.matches()) {
                int index = (int) (Integer.parseInt(m.group(1)) - functionStart);
                byte[] expected = HexFormat.ofDelimiter(" ").parseHex(m.group(2).trim());
                long first = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).getLong();
                long actual = code.getLong(index * 8);
                compared.merge(program.name(), expected.length / 8, Integer::sum);
                // opcode, dst and offset are never touched; src and imm only where relocated
                assertThat(actual & 0xffff_0fffL).as("%s instruction %d", program.name(), index)
                        .isEqualTo(first & 0xffff_0fffL);
                boolean isRelocatedLater = (first & 0xff) == 0x18 || (first & 0xff) == 0x85;
                if (!isRelocatedLater) {
                    assertThat(actual).as("%s instruction %d", program.name(), index).isEqualTo(first);
                }
                continue;
            }
            m = RELOC.matcher(line);
            if (m.matches()) {
                int index = (int) (Long.parseLong(m.group(1), 16) / 8 - functionStart);
                String symbolName = m.group(3);
                relocated.merge(program.name(), 1, Integer::sum);
                checkRelocation(o, elf, program, index, m.group(2), symbolName);
            }
        }
        for (ProgramSpec p : o.programs()) {
            long inMain = p.mapReferences().stream().filter(r -> r.instructionIndex() < p.functions().getFirst().length())
                    .count();
            long callsInMain = countLocalRefs(p, p.functions().getFirst().length());
            assertThat(compared.get(p.name())).as("instructions compared in %s", p.name())
                    .isEqualTo(p.functions().getFirst().length());
            assertThat(inMain + callsInMain).as("relocations in %s", p.name())
                    .isEqualTo((long) relocated.getOrDefault(p.name(), 0));
        }
    }

    private static long countLocalRefs(ProgramSpec p, int end) {
        var code = p.instructions();
        long n = 0;
        for (int i = 0; i < end; i++) {
            var insn = code.get(i);
            if ((insn.opcode() == 0x85 && insn.src() == 1) || (insn.opcode() == 0x18 && insn.src() == 4)) {
                n++;
            }
        }
        return n;
    }

    private static void checkRelocation(BpfObject o, ElfFile elf, ProgramSpec p, int index, String type, String symbol) {
        var insn = p.instructions().get(index);
        ElfSymbol sym = elf.symbols().stream().filter(s -> s.name().equals(symbol)).findFirst().orElseThrow();
        ElfSection target = elf.sections().get(sym.sectionIndex());
        if (target.isCode()) {
            int callee = index + insn.imm() + 1;
            FunctionSpec f = p.functions().stream().filter(fs -> fs.startIndex() == callee).findFirst().orElseThrow();
            if (sym.type() == ElfSymbol.STT_FUNC) {
                assertThat(f.name()).isEqualTo(symbol);
            }
            assertThat(type).isEqualTo(insn.opcode() == 0x85 ? "R_BPF_64_32" : "R_BPF_64_64");
            return;
        }
        assertThat(type).isEqualTo("R_BPF_64_64");
        MapReference r = p.mapReferences().stream().filter(ref -> ref.instructionIndex() == index).findFirst()
                .orElseThrow(() -> new AssertionError(p.name() + ": no map reference at " + index + " for " + symbol));
        if (target.name().equals(".maps") || target.name().equals("maps")) {
            assertThat(r.mapName()).isEqualTo(symbol);
            assertThat(r.kind()).isEqualTo(MapReference.Kind.MAP_FD);
        } else {
            assertThat(r.mapName()).isEqualTo(target.name());
            assertThat(r.kind()).isEqualTo(MapReference.Kind.MAP_VALUE);
            if (sym.type() == ElfSymbol.STT_OBJECT) {
                assertThat(r.offset()).isEqualTo((int) sym.value());
            }
        }
    }

    private static final Pattern TYPE = Pattern.compile("^\\[(\\d+)] (\\w+) '([^']*)'(.*)$");
    private static final Pattern ATTR = Pattern.compile("(\\w+)=(\\S+?),?(?=\\s|$)");

    /** Every BTF type as {@code bpftool btf dump file} prints it: kind, name, sizes, references, members. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("objects")
    void btfMatchesBpftool(Source source, String name) {
        var bpftool = TestObjects.assumeTool("bpftool");
        byte[] bytes = TestObjects.bytes(source, name);
        Btf btf = BpfObject.parse(bytes).btf().orElseThrow();
        String out = TestObjects.run(bpftool, List.of("btf", "dump", "file"), bytes);
        BtfType current = null;
        int members = 0;
        int types = 0;
        for (String line : out.split("\n")) {
            Matcher m = TYPE.matcher(line);
            if (m.matches()) {
                int id = Integer.parseInt(m.group(1));
                current = btf.type(id);
                members = 0;
                types++;
                assertThat(current.kind().name()).as("kind of [%d]", id).isEqualTo(m.group(2));
                String expectedName = m.group(3).equals("(anon)") ? "" : m.group(3);
                if (current.kind() != io.bpf4j.loader.btf.BtfKind.FUNC_PROTO) {
                    assertThat(current.name()).as("name of [%d]", id).isEqualTo(expectedName);
                }
                Map<String, String> attrs = attributes(m.group(4));
                checkAttributes(current, attrs);
                continue;
            }
            if (current != null && line.startsWith("\t")) {
                checkMember(current, members++, line.trim());
            }
        }
        assertThat(types).isEqualTo(btf.typeCount());
    }

    private static Map<String, String> attributes(String s) {
        Map<String, String> out = new HashMap<>();
        Matcher m = ATTR.matcher(s);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static void checkAttributes(BtfType t, Map<String, String> a) {
        String id = "[" + t.id() + "] ";
        switch (t) {
            case BtfType.Int i -> {
                assertThat((long) i.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
                assertThat((long) i.bits()).as(id).isEqualTo(Long.parseLong(a.get("nr_bits")));
                assertThat((long) i.bitOffset()).as(id).isEqualTo(Long.parseLong(a.get("bits_offset")));
                assertThat(i.signed()).as(id).isEqualTo(a.get("encoding").equals("SIGNED"));
            }
            case BtfType.Ptr p -> assertThat(p.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
            case BtfType.Array arr -> {
                assertThat(arr.elementType()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
                assertThat(arr.indexType()).as(id).isEqualTo(Integer.parseInt(a.get("index_type_id")));
                assertThat(arr.count()).as(id).isEqualTo(Long.parseLong(a.get("nr_elems")));
            }
            case BtfType.Struct s -> {
                assertThat(s.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
                assertThat(s.members()).as(id).hasSize(Integer.parseInt(a.get("vlen")));
            }
            case BtfType.Enum e -> {
                assertThat((long) e.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
                assertThat(e.values()).as(id).hasSize(Integer.parseInt(a.get("vlen")));
            }
            case BtfType.Typedef td -> assertThat(td.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
            case BtfType.Modifier md -> assertThat(md.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
            case BtfType.Func f -> {
                assertThat(f.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
                assertThat(f.linkage().name().toLowerCase()).as(id).isEqualTo(a.get("linkage"));
            }
            case BtfType.FuncProto fp -> {
                assertThat(fp.returnType()).as(id).isEqualTo(Integer.parseInt(a.get("ret_type_id")));
                assertThat(fp.params()).as(id).hasSize(Integer.parseInt(a.get("vlen")));
            }
            case BtfType.Var v -> {
                assertThat(v.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
                String linkage = a.get("linkage");
                assertThat(v.linkage().name().toLowerCase()).as(id)
                        .isEqualTo(linkage.equals("global-alloc") ? "global" : linkage);
            }
            case BtfType.DataSec d -> {
                assertThat(d.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
                assertThat(d.vars()).as(id).hasSize(Integer.parseInt(a.get("vlen")));
            }
            case BtfType.Fwd f -> assertThat(f.union()).as(id).isEqualTo("union".equals(a.get("fwd_kind")));
            case BtfType.Float f -> assertThat((long) f.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
            case BtfType.DeclTag d -> assertThat(d.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
            case BtfType.Void v -> throw new AssertionError("void in the type section");
        }
    }

    private static final Pattern MEMBER = Pattern.compile("^'([^']*)' (.*)$");

    private static void checkMember(BtfType t, int i, String line) {
        String id = "[" + t.id() + "] member " + i;
        Matcher m = MEMBER.matcher(line);
        String name = m.matches() ? m.group(1) : null;
        Map<String, String> a = attributes(m.matches() ? m.group(2) : line);
        switch (t) {
            case BtfType.Struct s -> {
                BtfType.Member mem = s.members().get(i);
                assertThat(mem.name().isEmpty() ? "(anon)" : mem.name()).as(id).isEqualTo(name);
                assertThat(mem.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
                assertThat(mem.bitOffset()).as(id).isEqualTo(Long.parseLong(a.get("bits_offset")));
            }
            case BtfType.FuncProto fp -> {
                BtfType.Param p = fp.params().get(i);
                assertThat(p.name().isEmpty() ? "(anon)" : p.name()).as(id).isEqualTo(name);
                assertThat(p.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
            }
            case BtfType.Enum e -> {
                assertThat(e.values().get(i).name()).as(id).isEqualTo(name);
                assertThat(e.values().get(i).value()).as(id).isEqualTo(Long.parseLong(a.get("val")));
            }
            case BtfType.DataSec d -> {
                BtfType.VarSecInfo vi = d.vars().get(i);
                assertThat(vi.type()).as(id).isEqualTo(Integer.parseInt(a.get("type_id")));
                assertThat(vi.offset()).as(id).isEqualTo(Long.parseLong(a.get("offset")));
                assertThat(vi.size()).as(id).isEqualTo(Long.parseLong(a.get("size")));
            }
            default -> throw new AssertionError(id + ": unexpected member line " + line);
        }
    }
}
