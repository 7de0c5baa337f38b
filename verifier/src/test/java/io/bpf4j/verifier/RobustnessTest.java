package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input: random well-formed instruction sequences never make the verifier throw; each gets a verdict. */
class RobustnessTest {
    private static final ProgramType[] TYPES = {ProgramType.XDP, ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS,
        ProgramType.KPROBE, ProgramType.TRACEPOINT, ProgramType.CGROUP_SKB, ProgramType.SOCK_OPS, ProgramType.UNSPEC};

    @Test
    void randomProgramsGetAVerdictNotAnException() {
        Random rnd = new Random(99);
        List<MapDefinition> maps = List.of(MapDefinition.of(MapType.ARRAY, 4, 8, 1), MapDefinition.of(MapType.HASH, 4, 8, 8),
                MapDefinition.of(MapType.RINGBUF, 0, 0, 4096), MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 2));
        int verified = 0;
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            List<Instruction> slots = new ArrayList<>();
            int len = 1 + rnd.nextInt(12);
            for (int k = 0; k < len; k++) {
                int op = rnd.nextInt(256);
                if (op == 0x18) {
                    slots.add(Instruction.of(op, rnd.nextInt(11), rnd.nextInt(7), 0, rnd.nextInt(6) - 1));
                    slots.add(Instruction.of(0, 0, 0, 0, rnd.nextInt(16)));
                    continue;
                }
                Instruction insn = null;
                for (int attempt = 0; attempt < 200 && insn == null; attempt++) {
                    int o = attempt == 0 ? op : rnd.nextInt(256);
                    boolean x = (o & 0x08) != 0;
                    int cls = o & 7;
                    boolean alu = cls == 4 || cls == 7;
                    int src = x || cls == 1 || cls == 3 || cls == 5 || cls == 6 ? rnd.nextInt(11) : 0;
                    int off = alu ? (rnd.nextInt(8) == 0 ? 8 * (1 + rnd.nextInt(2)) : 0) : rnd.nextInt(9) - 4;
                    int imm = (o & 0xf0) == 0xd0 && alu ? 16 << rnd.nextInt(3) : x && alu ? 0
                            : rnd.nextBoolean() ? rnd.nextInt(200) - 20 : rnd.nextInt();
                    Instruction candidate = Instruction.of(o, rnd.nextInt(11), src, off, imm);
                    try {
                        Instructions.of(candidate, Instruction.of(0x95, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0),
                                Instruction.of(0x95, 0, 0, 0, 0), Instruction.of(0x95, 0, 0, 0, 0),
                                Instruction.of(0x95, 0, 0, 0, 0));
                        insn = candidate;
                    } catch (InvalidInstructionException | IllegalArgumentException e) {
                        // try another
                    }
                }
                if (insn != null) {
                    slots.add(insn);
                }
            }
            slots.add(Instruction.of(0x95, 0, 0, 0, 0));
            Instructions code;
            try {
                code = Instructions.of(slots);
            } catch (InvalidInstructionException e) {
                continue;
            }
            VerificationRequest req = VerificationRequest.of(code, TYPES[rnd.nextInt(TYPES.length)]).withMaps(maps)
                    .withPrivileged(rnd.nextBoolean()).withBtf(rnd.nextBoolean());
            VerificationResult r = Verifier.verify(req);
            verified++;
            if (r.accepted()) {
                accepted++;
            } else {
                assertThat(r.rejection().reason()).isNotBlank();
            }
        }
        System.out.printf("robustness: %d random programs verified, %d accepted%n", verified, accepted);
        assertThat(verified).isGreaterThan(500);
    }
}
