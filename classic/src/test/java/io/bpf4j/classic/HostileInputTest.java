package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged and random input: the readers, checker and converter end with their own exceptions
 * (never another exception, a hang or an out-of-memory error).
 */
class HostileInputTest {
    private static final String ALPHABET = "ldhbxjeqgtsrMaA#%[]()+*&,:;0123456789abcdefx -\n\t{}lenprotoL";

    @Test
    void randomBytesAndTextFailCleanly() {
        Random random = new Random(1);
        int programs = 0;
        for (int n = 0; n < 5000; n++) {
            byte[] input;
            if (n % 2 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                StringBuilder s = new StringBuilder();
                int length = random.nextInt(80);
                for (int i = 0; i < length; i++) {
                    s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                input = s.toString().getBytes(StandardCharsets.US_ASCII);
            }
            ClassicProgram p;
            try {
                p = ClassicReader.read(input);
            } catch (ClassicFormatException expected) {
                continue;
            }
            programs++;
            for (FilterKind kind : FilterKind.values()) {
                try {
                    ClassicConverter.convert(p, kind);
                } catch (ClassicCheckException expected) {
                    // refused as Linux would
                }
            }
        }
        assertThat(programs).isGreaterThan(100);
    }

    @Test
    void mutatedTcpdumpListingsFailCleanly() {
        String listing = ClassicWriter.toText(ClassicFormatsTest.allOpcodes(), ClassicFormat.TCPDUMP);
        String asm = ClassicWriter.toText(ClassicFormatsTest.allOpcodes(), ClassicFormat.BPF_ASM);
        Random random = new Random(2);
        for (int n = 0; n < 2000; n++) {
            StringBuilder s = new StringBuilder(n % 2 == 0 ? listing : asm);
            for (int m = 0; m < 1 + random.nextInt(4); m++) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            try {
                ClassicProgram p = ClassicReader.parse(s.toString(), n % 2 == 0 ? ClassicFormat.TCPDUMP : ClassicFormat.BPF_ASM);
                ClassicChecker.check(p, FilterKind.SOCKET_FILTER);
            } catch (ClassicFormatException | ClassicCheckException expected) {
                // a clean, specific error
            }
        }
    }

    @Test
    void aHugeDeclaredCountIsRefusedWithoutAllocating() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassicReader.parse("99999999999\n6 0 0 0\n", ClassicFormat.DECIMAL))
                .isInstanceOf(ClassicFormatException.class).hasMessageContaining("the count says 99999999999");
    }
}
