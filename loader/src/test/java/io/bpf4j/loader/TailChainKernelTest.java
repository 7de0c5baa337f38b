package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * tail_chain.c: tail calls through a program array chosen by the packet's first byte: into a
 * stage, into a stage that calls itself until Linux's limit of 33 tail calls, into empty slots
 * and past the array (falling through), and from a bpf-to-bpf subprogram (the target's return
 * replaces the subprogram's). Verdicts and visit counts must be Linux's.
 */
class TailChainKernelTest {
    private static final String OBJECT = "tail_chain";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "slot {0}")
    @CsvSource({
        "0, 2, 0, 0, 0, 1", // empty slot: falls through
        "1, 1, 1, 0, 0, 0", // one stage
        "2, 3, 0, 33, 0, 1", // 33 tail calls, then the 34th fails and the stage falls through
        "3, 2, 0, 0, 0, 1",
        "5, 17, 1, 0, 1, 0", // tail call from a subprogram (clang folds its constant return into the caller)
        "8, 2, 0, 0, 0, 1", // past max_entries
        "200, 2, 0, 0, 0, 1",
    })
    void sameChainAsLinux(int slot, long verdict, long count, long recurse, long sub, long fallThrough) {
        byte[] frame = new byte[64];
        frame[0] = (byte) slot;
        LoadedObject obj = KernelOracle.load(OBJECT);
        assertThat(obj.program("pipeline").runXdp(XdpPacket.of(frame)).returnValue()).as("verdict").isEqualTo(verdict);
        var visits = obj.map("visits");
        assertThat(new long[] {visits.lookupLong(0), visits.lookupLong(1), visits.lookupLong(2), visits.lookupLong(3)})
                .as("visits").containsExactly(count, recurse, sub, fallThrough);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-p", "pipeline");
        assertThat(verdict).as("slot %d: verdict", slot).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, "slot " + slot);
    }
}
