package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.bpf4j.loader.btf.Btf;
import io.bpf4j.loader.btf.BtfType;
import io.bpf4j.loader.elf.ElfFile;
import io.bpf4j.loader.elf.ElfSection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of real objects: each mutant must parse or fail with an
 * {@link ObjectFormatException}, never another exception, an error or a hang. Mutations favour
 * the bytes the parser reads (headers, section table, symbols, relocations, BTF, code, maps).
 */
class MutationTest {
    private static final long SEED = 0xB0F4_1A0E_2025L;
    private static final int ITERATIONS = 2000;
    private static final int[] SPECIAL = {0, 1, -1, 0x7fff_ffff, 0x8000_0000, 0xffff, 0x10000, 8, 24, 64, 0x1000_0000};

    /** A byte range worth mutating. */
    private record Region(int start, int length) {}

    @Test
    // A hang guard, not a speed check: a mutant that made the parser loop would stop the build here
    // instead of at the CI time limit. The run takes seconds; the bound is far above any slow machine.
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void mutantsParseOrFailCleanly() {
        Random random = new Random(SEED);
        List<byte[]> originals = new ArrayList<>();
        List<List<Region>> regions = new ArrayList<>();
        for (String name : TestObjects.NAMES) {
            byte[] b = TestObjects.prebuilt(name);
            originals.add(b);
            regions.add(regions(b));
        }
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            int which = random.nextInt(originals.size());
            byte[] mutant = originals.get(which).clone();
            int mutations = 1 + random.nextInt(4);
            StringBuilder log = new StringBuilder();
            for (int m = 0; m < mutations; m++) {
                mutate(mutant, regions.get(which), random, log);
            }
            try {
                BpfObject o = BpfObject.parse(mutant);
                exercise(o);
                parsed++;
            } catch (ObjectFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (Throwable t) {
                fail("iteration " + i + " (" + TestObjects.NAMES.get(which) + ", " + log + ") threw " + t, t);
            }
        }
        // the mutations are not all fatal, nor all harmless
        assertThat(parsed).isBetween(ITERATIONS / 20, ITERATIONS - ITERATIONS / 20);
    }

    /** What a user of a parsed object would touch: must not throw anything but ObjectFormatException. */
    private static void exercise(BpfObject o) {
        for (ProgramSpec p : o.programs()) {
            assertThat(p.code().length).isEqualTo(8 * p.instructionCount());
            p.lineAt(p.instructionCount() - 1);
        }
        for (MapSpec m : o.maps()) {
            m.initialData();
        }
        if (o.btf().isPresent()) {
            Btf btf = o.btf().get();
            for (BtfType t : btf.types()) {
                btf.describe(t.id());
                try {
                    btf.sizeOf(t.id());
                } catch (ObjectFormatException expected) {
                    // unsized or cyclic types
                }
            }
            try {
                btf.functions();
            } catch (ObjectFormatException expected) {
                // a FUNC whose type is not a FUNC_PROTO
            }
        }
    }

    private static List<Region> regions(byte[] b) {
        ElfFile elf = ElfFile.parse(b);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Region> out = new ArrayList<>();
        out.add(new Region(0, 64));
        out.add(new Region((int) le.getLong(40), elf.sections().size() * 64));
        for (ElfSection s : elf.sections()) {
            boolean interesting = s.type() == ElfSection.SHT_SYMTAB || s.type() == ElfSection.SHT_REL
                    && !s.name().contains("debug") || s.isCode() || s.name().startsWith(".BTF") && !s.name().startsWith(".rel")
                    || s.name().equals(".maps") || s.name().equals("maps") || s.name().equals("license");
            if (interesting && s.type() != ElfSection.SHT_NOBITS && s.size() > 0) {
                out.add(new Region((int) s.offset(), (int) s.size()));
            }
        }
        return out;
    }

    private static void mutate(byte[] b, List<Region> regions, Random random, StringBuilder log) {
        int kind = random.nextInt(4);
        Region r = regions.get(random.nextInt(regions.size()));
        int at = kind == 0 ? random.nextInt(b.length) : r.start() + random.nextInt(r.length());
        switch (kind) {
            case 0, 1 -> {
                int bit = random.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                log.append(String.format("flip bit %d at 0x%x; ", bit, at));
            }
            case 2 -> {
                byte v = (byte) random.nextInt(256);
                b[at] = v;
                log.append(String.format("byte 0x%x = %s; ", at, HexFormat.of().toHexDigits(v)));
            }
            default -> {
                at &= ~3;
                if (at + 4 <= b.length) {
                    int v = random.nextBoolean() ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt();
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                    log.append(String.format("int 0x%x = 0x%x; ", at, v));
                }
            }
        }
    }
}
