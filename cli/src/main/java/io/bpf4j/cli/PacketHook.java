package io.bpf4j.cli;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.CgroupSkbResult;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.SocketFilterResult;
import io.bpf4j.runtime.types.TcAction;
import io.bpf4j.runtime.types.TcResult;
import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.util.Arrays;

/**
 * The places in Linux's network path where {@code bpf4j run} can feed an Ethernet frame to a
 * program, each with what its return value means and which packets it lets through (what
 * {@code --out} writes).
 */
enum PacketHook {
    XDP {
        @Override
        PacketVerdict run(Executable program, byte[] frame) {
            XdpResult result = program.runXdp(XdpPacket.of(frame));
            byte[] passed = result.action() == XdpAction.PASS ? result.packet() : null;
            return new PacketVerdict(result.returnValue(), passed);
        }

        @Override
        String label(long retval) {
            int value = (int) retval;
            return value >= 0 && value <= 4 ? "XDP_" + XdpAction.of(value).name() : "unknown XDP action (XDP_ABORTED)";
        }
    },
    TC {
        @Override
        PacketVerdict run(Executable program, byte[] frame) {
            TcResult result = program.runTc(SkBuff.ofEthernet(frame));
            // OK and UNSPEC let the packet continue on its way; the other verdicts consume or drop it.
            boolean passes = result.action() == TcAction.OK || result.action() == TcAction.UNSPEC;
            return new PacketVerdict(result.returnValue(), passes ? result.skb().data() : null);
        }

        @Override
        String label(long retval) {
            int value = (int) retval;
            return value >= -1 && value <= 8 ? "TC_ACT_" + TcAction.of(value).name() : "unknown tc verdict (TC_ACT_UNSPEC)";
        }
    },
    SOCKET_FILTER {
        @Override
        PacketVerdict run(Executable program, byte[] frame) {
            SocketFilterResult result = program.runSocketFilter(SkBuff.ofEthernet(frame));
            byte[] passed = result.accepted() ? Arrays.copyOf(frame, result.bytesKept()) : null;
            return new PacketVerdict(result.returnValue(), passed);
        }

        @Override
        String label(long retval) {
            return (int) retval == 0 ? "drop" : "keep " + Integer.toUnsignedString((int) retval) + " bytes";
        }
    },
    CGROUP_SKB {
        @Override
        PacketVerdict run(Executable program, byte[] frame) {
            // cgroup skb programs see the packet from its network header on, as Linux hands it to them.
            if (frame.length < SkBuff.ETH_HLEN) {
                throw new IllegalArgumentException("a frame of " + frame.length + " bytes has no Ethernet header");
            }
            int protocol = (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
            byte[] network = Arrays.copyOfRange(frame, SkBuff.ETH_HLEN, frame.length);
            CgroupSkbResult result = program.runCgroupSkb(SkBuff.ofNetwork(protocol, network));
            return new PacketVerdict(result.returnValue(), (result.returnValue() & 1) == 1 ? frame : null);
        }

        @Override
        String label(long retval) {
            return (retval & 1) == 1 ? "allow" : "deny";
        }
    };

    /** What one run on one frame gave: r0, and the frame as it goes on (null when the program stopped it). */
    record PacketVerdict(long retval, byte[] passed) {}

    abstract PacketVerdict run(Executable program, byte[] frame);

    /** What the return value means at this hook, in the names of Linux's headers. */
    abstract String label(long retval);

    /**
     * The hook a program of this type runs at.
     *
     * @throws CliException naming the types {@code run} can feed packets to, and how else to run this one
     */
    static PacketHook of(ProgramType type, String program) {
        return switch (type) {
            case XDP -> XDP;
            case SCHED_CLS, SCHED_ACT -> TC;
            case SOCKET_FILTER -> SOCKET_FILTER;
            case CGROUP_SKB -> CGROUP_SKB;
            default -> throw new CliException(ExitCodes.USAGE, program + " is a " + type.name().toLowerCase()
                    + " program; bpf4j run feeds packets to xdp, tc (sched_cls, sched_act), socket_filter and cgroup_skb"
                    + " programs: pass --type to run it as one of those, or run it from Java (Executable.runKprobe,"
                    + " runTracepoint, runSeccomp, ...)");
        };
    }
}
