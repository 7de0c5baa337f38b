package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Dynamic linking: a global function replaced at run time by an extension program with the same BTF signature. */
class FunctionReplacementTest {
    static final XdpPacket ORDINARY = XdpPacket.of(new byte[] {0x01, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
    static final XdpPacket MARKED = XdpPacket.of(new byte[] {(byte) 0xff, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
    static final int XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3;

    final BpfRuntime runtime = BpfRuntime.create();
    final LoadedObject target = ExecutionModes.checked(
            LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, "freplace_target"), runtime));
    final LoadedObject policy = ExecutionModes.checked(
            LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, "freplace_policy"), runtime));

    long gate(XdpPacket packet) {
        return target.program("xdp_gate").runXdp(packet).returnValue();
    }

    @Test
    void replacedFunctionRunsTheExtensionInEveryCallerUntilRestored() {
        Executable gate = target.program("xdp_gate");
        assertThat(gate(ORDINARY)).isEqualTo(XDP_PASS);
        assertThat(gate(MARKED)).isEqualTo(XDP_DROP);

        assertThat(target.replaceFunction("decide", policy, "new_decide")).containsExactly("xdp_gate", "xdp_second");
        assertThat(target.program("xdp_gate")).isSameAs(gate); // same executable, new code
        ExecutionModes.checked(target); // the relinked code runs in the same mode
        assertThat(gate(ORDINARY)).isEqualTo(XDP_TX);
        assertThat(gate(MARKED)).isEqualTo(XDP_DROP);
        assertThat(target.program("xdp_second").runXdp(ORDINARY).returnValue()).isEqualTo(XDP_TX);
        // The extension counts in its own object's map; the caller's code still counts in its own.
        assertThat(policy.map("replaced_calls").lookupLong(0)).isEqualTo(3);
        assertThat(target.map("verdicts").lookupLong(XDP_TX)).isEqualTo(1);
        assertThat(target.map("verdicts").lookupLong(XDP_PASS)).isEqualTo(1);
        assertThat(target.map("verdicts").lookupLong(XDP_DROP)).isEqualTo(2);

        assertThat(target.restoreFunction("decide")).containsExactly("xdp_gate", "xdp_second");
        assertThat(gate(ORDINARY)).isEqualTo(XDP_PASS);
        assertThat(policy.map("replaced_calls").lookupLong(0)).isEqualTo(3);
        assertThatThrownBy(() -> target.restoreFunction("decide")).hasMessageContaining("is not replaced");
    }

    @Test
    void mismatchedSignaturesStaticFunctionsAndProgramsAreRefused() {
        assertThatThrownBy(() -> target.replaceFunction("decide", policy, "wrong_signature"))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessage("cannot replace function 'decide' of program 'xdp_gate' with 'wrong_signature': signatures"
                        + " differ: int (struct xdp_md *) vs int (struct xdp_md *, int)");
        assertThatThrownBy(() -> target.replaceFunction("adjust", policy, "replace_static"))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("it is static; only global functions can be replaced");
        assertThatThrownBy(() -> target.replaceFunction("adjust", policy, "new_decide"))
                .hasMessageContaining("it is written to replace 'decide'");
        assertThatThrownBy(() -> target.replaceFunction("xdp_second", policy, "new_decide"))
                .isInstanceOf(ObjectFormatException.class)
                .hasMessageContaining("calls a function 'xdp_second' (it is a program");
        assertThatThrownBy(() -> target.replaceFunction("decide", target, "xdp_second"))
                .hasMessageContaining("not an extension program");
        assertThatThrownBy(() -> target.replaceFunction("decide", policy, "nothing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no program 'nothing'");
        // Nothing was replaced by the failed attempts.
        assertThat(gate(ORDINARY)).isEqualTo(XDP_PASS);
    }

    @Test
    void replacingWhileOtherThreadsRunSwitchesCleanly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            Future<long[]> runner = pool.submit(() -> {
                long[] byVerdict = new long[8];
                while (!stop.get()) {
                    byVerdict[(int) gate(ORDINARY)]++;
                }
                return byVerdict;
            });
            for (int i = 0; i < 200; i++) {
                target.replaceFunction("decide", policy, "new_decide");
                target.restoreFunction("decide");
            }
            stop.set(true);
            long[] byVerdict = runner.get();
            // Each run used one whole program: the original (PASS) or the relinked one (TX), nothing else.
            assertThat(byVerdict[XDP_PASS] + byVerdict[XDP_TX]).isEqualTo(java.util.Arrays.stream(byVerdict).sum());
        } finally {
            pool.shutdownNow();
        }
    }
}
