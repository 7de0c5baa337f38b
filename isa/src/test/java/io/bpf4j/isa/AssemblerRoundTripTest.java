package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Disassembler.Cpu;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes to text and back, over every conformance program and {@link AllOpcodesFixture}: our own
 * assembler must restore the exact bytes from a {@link Disassembler#listing}, and from objdump
 * text wherever that text says everything; {@code llvm-mc-19} must agree with our assembler on
 * the same text.
 */
class AssemblerRoundTripTest {

    @Test
    void listingAssemblesToTheSameBytes() {
        for (Map.Entry<String, Instructions> e : DisassemblerLlvmTest.Llvm.corpusAndFixture().entrySet()) {
            String listing = Disassembler.listing(e.getValue());
            assertThat(hex(Assembler.assemble(listing))).as("%s:%n%s", e.getKey(), listing).isEqualTo(hex(e.getValue()));
        }
    }

    /** objdump's text, annotations and all, assembles to the bytes it describes, up to what it omits. */
    @ParameterizedTest
    @EnumSource(value = Cpu.class, names = {"GENERIC", "V4"})
    void objdumpTextAssemblesToTheSameBytes(Cpu cpu) {
        int checked = 0;
        for (Map.Entry<String, Instructions> e : DisassemblerLlvmTest.Llvm.corpusAndFixture().entrySet()) {
            String text = objdumpText(e.getValue(), cpu, true);
            if (text.contains(Disassembler.UNKNOWN)) {
                continue; // 32-bit atomics other than add, without --mcpu=v3
            }
            checked++;
            assertThat(hex(Assembler.assemble(text))).as("%s:%n%s", e.getKey(), text)
                    .isEqualTo(hex(withoutWhatObjdumpOmits(e.getValue(), cpu)));
        }
        assertThat(checked).isGreaterThan(cpu == Cpu.V4 ? 300 : 250);
    }

    /**
     * llvm-mc-19 agrees with {@link Assembler}: on each program's listing (turned into llvm-mc's
     * syntax where it uses an extension) it restores the original bytes, and on objdump's text it
     * produces what our assembler produces. All programs go through one llvm-mc process.
     */
    @Test
    void llvmMcAgrees() {
        Path mc = DisassemblerLlvmTest.Llvm.assumeTool("llvm-mc-19");
        Map<String, Instructions> programs = DisassemblerLlvmTest.Llvm.corpusAndFixture();
        List<String> names = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, Instructions> e : programs.entrySet()) {
            names.add(e.getKey() + " (listing)");
            sources.add(llvmSyntax(Disassembler.listing(e.getValue())));
            expected.add(hex(withoutExtensions(e.getValue())));
            for (Cpu cpu : List.of(Cpu.GENERIC, Cpu.V4)) {
                // Both assemblers read the same text; lines objdump could not decode are left out.
                String text = objdumpText(e.getValue(), cpu, false).lines()
                        .filter(line -> !line.contains(Disassembler.UNKNOWN))
                        .collect(Collectors.joining("\n", "", "\n"));
                names.add(e.getKey() + " (objdump --mcpu=" + cpu.mcpu() + ")");
                sources.add(text);
                expected.add(hex(Assembler.assembleSlots(text)));
            }
        }
        List<byte[]> actual = DisassemblerLlvmTest.Llvm.llvmMc(mc, sources);
        for (int i = 0; i < sources.size(); i++) {
            assertThat(actual.get(i)).as("%s needed relocations:%n%s", names.get(i), sources.get(i)).isNotNull();
            assertThat(HexFormat.of().formatHex(actual.get(i))).as("%s:%n%s", names.get(i), sources.get(i))
                    .isEqualTo(expected.get(i));
        }
    }

    /** The program as objdump prints it, one instruction per line, with or without {@code <...>} annotations. */
    static String objdumpText(Instructions code, Cpu cpu, boolean annotations) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < code.size(); i++) {
            String line = Disassembler.format(code, i, cpu);
            out.append(annotations ? line : line.replaceAll(" <\\.text(\\+0x[0-9a-f]+)?>$", "")).append('\n');
            if (code.isWide(i)) {
                i++;
            }
        }
        return out.toString();
    }

    /**
     * The instructions objdump's text describes: local and kernel function calls become helper
     * calls, ld_pseudo loses its second immediate, an indirect packet load its immediate, and
     * (without 32-bit subregisters) a 32-bit atomic fetch-add becomes an add.
     */
    static Instructions withoutWhatObjdumpOmits(Instructions code, Cpu cpu) {
        List<Instruction> out = new ArrayList<>(withoutExtensions(code));
        for (int i = 0; i < out.size(); i++) {
            Instruction insn = out.get(i);
            if (insn.opcode() == CALL_IMM && insn.src() == CALL_LOCAL) {
                out.set(i, new Instruction(CALL_IMM, 0, CALL_HELPER, 0, insn.imm()));
            } else if (cpu == Cpu.GENERIC && insn.opcode() == (STX | ATOMIC | W) && insn.imm() == (ADD | ATOMIC_FETCH)) {
                out.set(i, new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), ADD));
            }
        }
        return Instructions.of(out);
    }

    /** The instructions LLVM's syntax can express of those the listing's extensions express. */
    static Instructions withoutExtensions(Instructions code) {
        List<Instruction> out = new ArrayList<>(code);
        for (int i = 0; i < out.size(); i++) {
            Instruction insn = out.get(i);
            if (insn.opcode() == CALL_IMM && insn.src() == CALL_KFUNC) {
                out.set(i, new Instruction(CALL_IMM, 0, CALL_HELPER, 0, insn.imm()));
            } else if (insn.opcode() == LDDW && insn.src() != PSEUDO_IMM) {
                out.set(i + 1, new Instruction(0, 0, 0, 0, 0));
            } else if (instructionClass(insn.opcode()) == LD && mode(insn.opcode()) == IND) {
                out.set(i, new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), 0));
            }
            if (code.isWide(i)) {
                i++;
            }
        }
        return Instructions.of(out);
    }

    /** A listing in llvm-mc's syntax: the extensions replaced by their lossy LLVM spelling. */
    static String llvmSyntax(String listing) {
        return listing.replace("call_kfunc ", "call ")
                .replaceAll("skb\\[(r\\d+) [-+] 0x[0-9a-f]+]", "skb[$1]");
        // ld_pseudo with a 64-bit value is left as is: llvm-mc keeps the low 32 bits.
    }

    /** The slots encoded, in hex; not validated. */
    static String hex(List<Instruction> slots) {
        ByteBuffer out = ByteBuffer.allocate(slots.size() * Instruction.SIZE);
        slots.forEach(slot -> slot.writeTo(out));
        return HexFormat.of().formatHex(out.array());
    }
}
