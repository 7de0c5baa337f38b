package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Soundness: random XDP programs (arithmetic, stack, context, packet and map-value accesses with
 * and without bounds checks, branches, bounded and unbounded loops) are verified, and every
 * accepted one runs in the checked interpreter on random packets. A memory fault or an exhausted
 * instruction budget in an accepted program means the verifier accepted something unsafe.
 */
class SoundnessPropertyTest {
    private static final int PROGRAMS_PER_SEED = 400;
    private static final int RUNS_PER_PROGRAM = 8;
    private static final MapDefinition VALUE_MAP = MapDefinition.of(MapType.ARRAY, 4, 16, 4);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void acceptedProgramsNeverFault(long seed) {
        Random rnd = new Random(seed);
        int accepted = 0;
        List<String> failures = new ArrayList<>();
        BpfRuntime runtime = BpfRuntime.builder().instructionBudget(Verifier.INSTRUCTION_LIMIT).build();
        for (int i = 0; i < PROGRAMS_PER_SEED; i++) {
            String asm = new Generator(rnd).program();
            Instructions code = CorpusPrograms.instructions(asm);
            VerificationResult r = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP).withMaps(List.of(VALUE_MAP)));
            if (!r.accepted()) {
                continue;
            }
            accepted++;
            BpfMap map = Maps.create(VALUE_MAP);
            Executable exe = runtime.load(Program.of(ProgramType.XDP, "p" + i, code, List.of(map)));
            for (int run = 0; run < RUNS_PER_PROGRAM; run++) {
                byte[] frame = new byte[rnd.nextInt(80)];
                rnd.nextBytes(frame);
                byte[] key = {(byte) rnd.nextInt(4), 0, 0, 0};
                byte[] value = new byte[16];
                rnd.nextBytes(value);
                map.update(key, value, 0);
                try {
                    exe.runXdp(XdpPacket.of(frame));
                } catch (ProgramFault f) {
                    failures.add(f.getMessage() + "\n" + asm);
                    break;
                }
            }
        }
        System.out.printf("seed %d: %d of %d random programs accepted and run%n", seed, accepted, PROGRAMS_PER_SEED);
        assertThat(failures).as("accepted programs that faulted").isEmpty();
        assertThat(accepted).as("accepted programs (the generator must produce safe ones too)").isGreaterThan(PROGRAMS_PER_SEED / 10);
    }

    /** Random programs: a prologue that sets up pointers, a random body, an exit. */
    private static final class Generator {
        private final Random rnd;
        private final StringBuilder b = new StringBuilder();
        private int labels;
        private final List<String> pending = new ArrayList<>();

        Generator(Random rnd) {
            this.rnd = rnd;
        }

        String program() {
            // r6 = ctx, r7 = data, r8 = data_end, r9 = a map value or 0; r0-r5 scratch.
            line("r6 = r1");
            line("r7 = *(u32 *)(r6 + 0)");
            line("r8 = *(u32 *)(r6 + 4)");
            line("r0 = 0");
            initScratch();
            int n = 4 + rnd.nextInt(16);
            for (int i = 0; i < n; i++) {
                statement();
                if (!pending.isEmpty() && rnd.nextInt(3) == 0) {
                    b.append(pending.remove(0)).append(":\n");
                }
            }
            for (String l : pending) {
                b.append(l).append(":\n");
            }
            line(rnd.nextInt(8) != 0 ? "r0 = 2" : "r0 &= 3");
            line("exit");
            return b.toString();
        }

        /** r1-r5: constants or unknown numbers from the context (after a call they are clobbered). */
        private void initScratch() {
            for (int r = 1; r <= 5; r++) {
                line(rnd.nextBoolean() ? "r" + r + " = " + (rnd.nextInt(40) - 8) : "r" + r + " = *(u32 *)(r6 + 12)");
            }
        }

        /** Mostly the first (safe) value, sometimes any. */
        private int safe(int safeValue, int... others) {
            return rnd.nextInt(8) != 0 ? safeValue : others[rnd.nextInt(others.length)];
        }

        private void line(String s) {
            b.append("    ").append(s).append('\n');
        }

        private String reg() {
            return "r" + rnd.nextInt(6);
        }

        private String size() {
            return switch (rnd.nextInt(4)) {
                case 0 -> "u8";
                case 1 -> "u16";
                case 2 -> "u32";
                default -> "u64";
            };
        }

        private int pick(int... values) {
            return values[rnd.nextInt(values.length)];
        }

        private void statement() {
            switch (rnd.nextInt(14)) {
                case 0, 1 -> line(reg() + " = " + (rnd.nextInt(64) - 16));
                case 2, 3 -> {
                    String[] ops = {"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "s>>="};
                    String op = ops[rnd.nextInt(ops.length)];
                    String src = rnd.nextBoolean() ? reg() : String.valueOf(rnd.nextInt(70) - 3);
                    if (op.contains("<") || op.contains(">")) {
                        src = String.valueOf(rnd.nextInt(64));
                    }
                    if ((op.equals("/=") || op.equals("%=")) && !src.startsWith("r") && src.equals("0")) {
                        src = "3";
                    }
                    boolean w = rnd.nextInt(4) == 0;
                    String d = reg();
                    line(w ? "w" + d.substring(1) + " " + op + " " + (src.startsWith("r") ? "w" + src.substring(1) : src)
                            : d + " " + op + " " + src);
                }
                case 4 -> { // stack store and load, sometimes out of the frame or misaligned
                    int off = safe(pick(-8, -16, -24, -32), -4, -2, -1, -512, -520, 0, 8, -9);
                    line("*(" + size() + " *)(r10 " + fmt(off) + ") = " + reg());
                }
                case 5 -> line(reg() + " = *(" + size() + " *)(r10 " + fmt(safe(pick(-8, -16, -24), -4, -1, -512, 0)) + ")");
                case 6 -> line(reg() + " = *(u32 *)(r6 + " + safe(pick(12, 16), 0, 4, 8, 20, 24, 2) + ")");
                case 7 -> { // packet access, with a bounds check of random size
                    int check = pick(1, 4, 8, 14, 20, 34);
                    int off = rnd.nextInt(4) != 0 ? rnd.nextInt(Math.max(1, check - 7)) : pick(0, 1, 4, 6, 12, 13, 20, 30, 33, -1);
                    String lbl = label();
                    line("r1 = r7");
                    line("r1 += " + check);
                    if (rnd.nextInt(10) != 0) {
                        line("if r1 > r8 goto " + lbl);
                    }
                    if (rnd.nextBoolean()) {
                        line(reg() + " = *(" + size() + " *)(r7 " + fmt(off) + ")");
                    } else {
                        line("*(" + size() + " *)(r7 " + fmt(off) + ") = " + reg());
                    }
                    place(lbl);
                }
                case 8 -> { // map value access, sometimes without a null check, fixed or variable offset
                    String lbl = label();
                    line("r2 = " + rnd.nextInt(6));
                    line("*(u32 *)(r10 - 4) = r2");
                    line("r2 = r10");
                    line("r2 += -4");
                    line("r1 = map(0) ll");
                    line("call 1");
                    if (rnd.nextInt(10) != 0) {
                        line("if r0 == 0 goto " + lbl);
                    }
                    if (rnd.nextBoolean()) {
                        line("r3 = *(u32 *)(r10 - 8)");
                        line("r3 = " + rnd.nextInt(20));
                        line("r3 &= " + pick(3, 7, 15, 31));
                        line("r0 += r3");
                    }
                    line("r1 = *(" + size() + " *)(r0 + " + safe(pick(0, 4, 8), 12, 15, 16) + ")");
                    place(lbl);
                    line("r0 = 0");
                    initScratch();
                }
                case 9, 10 -> { // a forward branch over some statements
                    String lbl = label();
                    String[] ops = {"==", "!=", ">", ">=", "<", "<=", "s>", "s<", "&"};
                    line("if " + reg() + " " + ops[rnd.nextInt(ops.length)] + " " + (rnd.nextBoolean() ? reg()
                            : String.valueOf(rnd.nextInt(20))) + " goto " + lbl);
                    pending.add(lbl);
                }
                case 11 -> { // a loop, bounded or not
                    String top = label();
                    String r = "r" + (1 + rnd.nextInt(5));
                    line(r + " = 0");
                    b.append(top).append(":\n");
                    line(r + " += " + safe(1, 2, 0));
                    line("if " + r + " " + (rnd.nextInt(8) != 0 ? "<" : "!=") + " " + pick(3, 10, 50, 7) + " goto " + top);
                }
                case 12 -> { // variable stack offset
                    line("r1 = " + reg());
                    line("r1 &= " + safe(pick(7, 15, 31), 1023));
                    line("r2 = r10");
                    line("r2 += -32");
                    line("r2 += r1");
                    line("*(u8 *)(r2 + 0) = 1");
                }
                default -> line(reg() + " = " + reg());
            }
        }

        private String label() {
            return "L" + labels++;
        }

        private void place(String lbl) {
            b.append(lbl).append(":\n");
        }

        private static String fmt(int off) {
            return off < 0 ? "- " + (-off) : "+ " + off;
        }
    }
}
