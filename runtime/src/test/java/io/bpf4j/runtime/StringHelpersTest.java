package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** bpf_strncmp (182) and bpf_snprintf (165). */
class StringHelpersTest {
    /** Memory with {@code text} at offset 0 and {@code constant} (NUL-terminated) at offset 64. */
    static byte[] memory(String text, String constant) {
        byte[] memory = new byte[256];
        byte[] a = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(a, 0, memory, 0, a.length);
        byte[] b = constant.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, memory, 64, b.length);
        return memory;
    }

    static long strncmp(String s1, int size, String s2) {
        Executable program = Programs.RUNTIME.load(Program.of("strncmp", Assembler.assemble("""
                r3 = r1
                r3 += 64
                r2 = %d
                call 182
                exit""".formatted(size))));
        return program.run(memory(s1, s2));
    }

    @ParameterizedTest
    @CsvSource({
        "hello, 5, hello, 0",
        "hello, 5, help, -1",
        "help, 4, hello, 1",
        "hello, 3, help, 0", // only the first three bytes count
        "abc, 8, abc, 0", // stops at the NUL both share
        "abc, 8, abcd, -1",
        "abcd, 4, abc, 1",
        "'', 0, anything, 0",
    })
    void strncmpAnswersLikeTheKernel(String s1, int size, String s2, long expected) {
        assertThat(strncmp(s1, size, s2)).isEqualTo(expected);
    }

    @Test
    void strncmpComparesBytesUnsigned() {
        assertThat(strncmp("\u00e9", 1, "e")).isEqualTo(1);
    }

    @Test
    void strncmpFaultsWhenTheConstantStringHasNoNulInItsRegion() {
        Executable program = Programs.RUNTIME.load(Program.of("strncmp", Assembler.assemble("""
                r3 = r1
                r3 += 3
                r2 = 4
                call 182
                exit""")));
        assertThatThrownBy(() -> program.run("abcd".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MemoryAccessFault.class);
    }

    /** snprintf(r1 + 128, size, format at r1 + 64, data at r1 + 192 = {42, r1 (the text "world")}, 16). */
    static long snprintf(byte[] memory, int size) {
        Executable program = Programs.RUNTIME.load(Program.of("snprintf", Assembler.assemble("""
                r6 = r1
                *(u64 *)(r6 + 192) = 42
                *(u64 *)(r6 + 200) = r6
                r1 = r6
                r1 += 128
                r2 = %d
                r3 = r6
                r3 += 64
                r4 = r6
                r4 += 192
                r5 = 16
                call 165
                exit""".formatted(size))));
        return program.run(memory); // runs on the array itself, so the buffer can be read after
    }

    static String buffer(byte[] memory, int length) {
        return new String(memory, 128, length, StandardCharsets.ISO_8859_1);
    }

    @Test
    void snprintfFormatsIntoTheBufferAndReturnsTheLengthWithItsNul() {
        byte[] memory = memory("world", "%d says %s!");
        memory[128 + 15] = 'x';
        assertThat(snprintf(memory, 32)).isEqualTo("42 says world!".length() + 1);
        assertThat(buffer(memory, 16)).isEqualTo("42 says world!\0x"); // nothing written past the NUL
    }

    @Test
    void snprintfCutsToTheBufferButReturnsTheFullLength() {
        byte[] memory = memory("world", "%d says %s!");
        assertThat(snprintf(memory, 6)).isEqualTo(15);
        assertThat(buffer(memory, 7)).isEqualTo("42 sa\0\0");
        byte[] untouched = memory("world", "%d says %s!");
        assertThat(snprintf(untouched, 0)).isEqualTo(15);
        assertThat(buffer(untouched, 4)).isEqualTo("\0\0\0\0");
    }

    @ParameterizedTest
    @CsvSource({"%q", "%d %d %d", "%lf"})
    void snprintfRefusesFormatsLinuxRefuses(String format) {
        byte[] memory = memory("world", format);
        assertThat(snprintf(memory, 32)).isEqualTo(-22);
    }
}
