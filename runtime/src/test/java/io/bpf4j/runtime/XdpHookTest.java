package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Several XDP programs on one hook: priority order, chain-call actions, packet hand-over, attach while running. */
class XdpHookTest {
    static final BpfRuntime RUNTIME = BpfRuntime.create();

    /** Writes 0xaa into the first byte and passes. */
    static final Executable MARKER = xdp("marker", """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = 2
            r4 = r2
            r4 += 2
            if r4 > r3 goto +2
            r5 = 0xaa
            *(u8 *)(r2 + 0) = r5
            exit""");

    /** ABORTED unless the marker ran first; DROP when the second byte is 0x66; else PASS. */
    static final Executable FILTER = xdp("filter", """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = 0
            r4 = r2
            r4 += 2
            if r4 > r3 goto +6
            r5 = *(u8 *)(r2 + 0)
            if r5 != 0xaa goto +4
            r0 = 1
            r5 = *(u8 *)(r2 + 1)
            if r5 == 0x66 goto +1
            r0 = 2
            exit""");

    static final Executable TRANSMIT = xdp("transmit", "r0 = 3\nexit");

    static Executable xdp(String name, String assembly) {
        return RUNTIME.load(Program.of(ProgramType.XDP, name, Assembler.assemble(assembly)));
    }

    static XdpPacket packet(int second) {
        return XdpPacket.of(new byte[] {0, (byte) second, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
    }

    @Test
    void programsRunInPriorityOrderAndSeeTheirPredecessorsPacket() {
        XdpHook hook = new XdpHook();
        hook.attach(TRANSMIT, 30); // attached first, runs last
        hook.attach(FILTER, 20);
        hook.attach(MARKER, 10);
        assertThat(hook.attachments()).extracting(XdpHook.Attachment::program).containsExactly(MARKER, FILTER, TRANSMIT);

        XdpHook.Verdict verdict = hook.run(packet(1));
        assertThat(verdict.action()).isEqualTo(XdpAction.TX);
        assertThat(verdict.decidedBy()).isSameAs(TRANSMIT);
        assertThat(verdict.programsRun()).isEqualTo(3);
        assertThat(verdict.result().packet()[0] & 0xff).isEqualTo(0xaa);
    }

    @Test
    void anActionOutsideTheChainCallActionsEndsTheChain() {
        XdpHook hook = new XdpHook();
        hook.attach(MARKER, 10);
        hook.attach(FILTER, 20);
        hook.attach(TRANSMIT, 30);
        XdpHook.Verdict dropped = hook.run(packet(0x66));
        assertThat(dropped.action()).isEqualTo(XdpAction.DROP);
        assertThat(dropped.decidedBy()).isSameAs(FILTER);
        assertThat(dropped.programsRun()).isEqualTo(2);

        // Let the filter's drops go on too: the transmitter decides.
        hook.detach(FILTER);
        hook.attach(FILTER, 20, EnumSet.of(XdpAction.PASS, XdpAction.DROP));
        assertThat(hook.run(packet(0x66)).action()).isEqualTo(XdpAction.TX);
    }

    @Test
    void equalPrioritiesRunInAttachOrderAndDetachingChangesTheChain() {
        XdpHook hook = new XdpHook();
        hook.attach(MARKER, 5);
        hook.attach(FILTER, 5);
        assertThat(hook.run(packet(1)).action()).isEqualTo(XdpAction.PASS);
        assertThat(hook.detach(MARKER)).isTrue();
        assertThat(hook.detach(MARKER)).isFalse();
        // Without the marker in front, the filter sees an unmarked packet.
        assertThat(hook.run(packet(1)).action()).isEqualTo(XdpAction.ABORTED);
    }

    @Test
    void anEmptyHookPassesThePacketUntouched() {
        XdpHook.Verdict verdict = new XdpHook().run(packet(7));
        assertThat(verdict.action()).isEqualTo(XdpAction.PASS);
        assertThat(verdict.programsRun()).isZero();
        assertThat(verdict.decidedBy()).isNull();
        assertThat(verdict.result().packet()).isEqualTo(packet(7).data());
    }

    @Test
    void onlyXdpProgramsAttachAndEachOnce() {
        XdpHook hook = new XdpHook();
        Executable socket = RUNTIME.load(Program.of(ProgramType.SOCKET_FILTER, "sock", Assembler.assemble("r0 = 0\nexit")));
        assertThatThrownBy(() -> hook.attach(socket, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a socket_filter program; only XDP programs attach");
        hook.attach(MARKER, 1);
        assertThatThrownBy(() -> hook.attach(MARKER, 2)).hasMessageContaining("attached already");
    }

    @Test
    void attachAndDetachWhilePacketsRunOnOtherThreads() throws Exception {
        XdpHook hook = new XdpHook();
        hook.attach(MARKER, 10);
        hook.attach(FILTER, 20);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<int[]>> runners = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runners.add(pool.submit(() -> {
                    int[] byAction = new int[5];
                    for (int i = 0; i < 20_000; i++) {
                        byAction[hook.run(packet(1)).action().value()]++;
                    }
                    return byAction;
                }));
            }
            Future<?> toggler = pool.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    hook.attach(TRANSMIT, 30);
                    hook.detach(TRANSMIT);
                }
            });
            toggler.get();
            for (Future<int[]> runner : runners) {
                int[] byAction = runner.get();
                // Every run saw a whole chain: marker and filter, with or without the transmitter.
                assertThat(byAction[XdpAction.PASS.value()] + byAction[XdpAction.TX.value()]).isEqualTo(20_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
