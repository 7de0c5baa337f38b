package io.bpf4j.runtime;

import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One XDP attach point (a network interface's receive hook) with several programs on it, run in
 * priority order, the way libxdp's multi-program dispatcher chains them: each program decides by
 * its action whether the next one runs. A program's <em>chain-call actions</em> are the actions
 * after which the packet goes on to the next program (by default only {@link XdpAction#PASS});
 * any other action ends the chain and is the hook's verdict. The next program sees the packet
 * (and metadata) as the previous one left it.
 *
 * <p>Lower priorities run first; programs of equal priority run in the order they were attached.
 * Programs can be attached and detached while packets are being processed on other threads: a
 * run uses the list of programs as it was when the run started.
 *
 * <pre>{@code
 * XdpHook eth0 = new XdpHook();
 * eth0.attach(firewall, 10);                                  // runs first; PASS goes on
 * eth0.attach(sampler, 20, EnumSet.of(XdpAction.PASS, XdpAction.DROP));
 * eth0.attach(loadBalancer, 30);
 * XdpHook.Verdict verdict = eth0.run(XdpPacket.of(frame));
 * }</pre>
 */
public final class XdpHook {
    private static final Comparator<Attachment> RUN_ORDER =
            Comparator.comparingInt(Attachment::priority).thenComparingLong(Attachment::sequence);

    private final AtomicLong sequence = new AtomicLong();
    private volatile List<Attachment> attachments = List.of();

    /**
     * A program on the hook.
     *
     * @param program an XDP program
     * @param priority lower runs first
     * @param chainCallActions actions after which the next program runs
     * @param sequence attach order, the tie-breaker between equal priorities
     */
    public record Attachment(Executable program, int priority, Set<XdpAction> chainCallActions, long sequence) {
        public Attachment {
            Objects.requireNonNull(program, "program");
            chainCallActions = Collections.unmodifiableSet(EnumSet.copyOf(chainCallActions));
        }
    }

    /**
     * What the hook decided for a packet.
     *
     * @param result the last program's result: its action is the hook's verdict, its packet what goes on
     * @param decidedBy the program whose action ended the chain (or the last one), null when the hook is empty
     * @param programsRun how many programs saw the packet
     */
    public record Verdict(XdpResult result, Executable decidedBy, int programsRun) {
        public XdpAction action() {
            return result.action();
        }
    }

    /** Attaches {@code program} at {@code priority}, going on to the next program after {@link XdpAction#PASS}. */
    public Attachment attach(Executable program, int priority) {
        return attach(program, priority, EnumSet.of(XdpAction.PASS));
    }

    /**
     * Attaches {@code program} at {@code priority}, going on to the next program after any of {@code chainCallActions}.
     *
     * @throws IllegalArgumentException if the program is not an XDP program, or is attached already
     */
    public synchronized Attachment attach(Executable program, int priority, Set<XdpAction> chainCallActions) {
        Objects.requireNonNull(program, "program");
        if (program.program().type() != ProgramType.XDP) {
            throw new IllegalArgumentException("program '" + program.program().name() + "' is a "
                    + program.program().type().name().toLowerCase() + " program; only XDP programs attach to an XDP hook");
        }
        for (Attachment existing : attachments) {
            if (existing.program() == program) {
                throw new IllegalArgumentException("program '" + program.program().name() + "' is attached already");
            }
        }
        Attachment attachment = new Attachment(program, priority,
                chainCallActions.isEmpty() ? EnumSet.noneOf(XdpAction.class) : chainCallActions, sequence.getAndIncrement());
        List<Attachment> next = new ArrayList<>(attachments);
        next.add(attachment);
        next.sort(RUN_ORDER);
        attachments = List.copyOf(next);
        return attachment;
    }

    /** Removes a program from the hook; false if it was not attached. */
    public synchronized boolean detach(Executable program) {
        List<Attachment> next = new ArrayList<>(attachments);
        boolean removed = next.removeIf(a -> a.program() == program);
        attachments = List.copyOf(next);
        return removed;
    }

    /** The programs on the hook, in the order they run. */
    public List<Attachment> attachments() {
        return attachments;
    }

    /**
     * Runs the hook's programs on a packet. With no program attached, the packet passes as it is
     * (a device without XDP program).
     */
    public Verdict run(XdpPacket packet) {
        List<Attachment> chain = attachments;
        if (chain.isEmpty()) {
            return new Verdict(new XdpResult(XdpAction.PASS.value(), XdpAction.PASS, packet.data().clone(),
                    packet.metadata().clone(), null), null, 0);
        }
        XdpPacket current = packet;
        XdpResult result = null;
        int run = 0;
        for (Attachment attachment : chain) {
            result = attachment.program().runXdp(current);
            run++;
            if (!attachment.chainCallActions().contains(result.action()) || run == chain.size()) {
                return new Verdict(result, attachment.program(), run);
            }
            current = new XdpPacket(result.packet(), result.metadata(), packet.ingressIfindex(), packet.rxQueueIndex(),
                    packet.egressIfindex());
        }
        throw new AssertionError("unreachable: the loop returns on the last program");
    }

    @Override
    public String toString() {
        return "XdpHook" + Arrays.toString(attachments.stream()
                .map(a -> a.program().program().name() + "@" + a.priority()).toArray());
    }
}
