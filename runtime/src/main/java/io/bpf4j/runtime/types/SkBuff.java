package io.bpf4j.runtime.types;

import java.util.Arrays;
import java.util.Objects;

/**
 * A packet with the metadata Linux keeps in a {@code struct sk_buff}, for socket filter, tc and
 * cgroup skb programs, which see it through {@code struct __sk_buff}. Immutable; runs return the
 * skb as the program left it.
 *
 * <p>{@link #data()} is what {@code skb->data} points at: from the Ethernet header for tc
 * programs and packet sockets ({@link #ofEthernet}), from the network header for cgroup skb
 * programs and sockets of other families ({@link #ofNetwork}). Defaults are those of Linux's
 * {@code bpf_prog_test_run} on the loopback device: ifindex and ingress_ifindex 1, everything
 * else 0, wire_len equal to the length, no VLAN tag, no socket fields.
 *
 * <p>Values are as the kernel holds them: {@link #protocol()} and {@link #vlanProto()} are
 * ethertypes in host order (0x0800), which {@code __sk_buff} shows in network byte order as
 * Linux does; {@link #vlanTci()} is in host order.
 */
public final class SkBuff {
    public static final int PACKET_HOST = 0;
    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    public static final int PACKET_OTHERHOST = 3;
    public static final int PACKET_OUTGOING = 4;
    /** Bytes of an Ethernet header. */
    public static final int ETH_HLEN = 14;
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86dd;
    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88a8;

    private final byte[] data;
    private final int macLength;
    private final int protocol;
    private final int pktType;
    private final int mark;
    private final int priority;
    private final int queueMapping;
    private final int ingressIfindex;
    private final int ifindex;
    private final int tcIndex;
    private final int tcClassid;
    private final int[] cb;
    private final int hash;
    private final int napiId;
    private final boolean vlanPresent;
    private final int vlanTci;
    private final int vlanProto;
    private final long tstamp;
    private final long hwtstamp;
    private final int wireLength;
    private final int gsoSegs;
    private final int gsoSize;
    private final Socket socket;

    private SkBuff(Builder b) {
        this.data = b.data.clone();
        this.macLength = b.macLength;
        this.protocol = b.protocol & 0xffff;
        this.pktType = b.pktType;
        this.mark = b.mark;
        this.priority = b.priority;
        this.queueMapping = b.queueMapping & 0xffff;
        this.ingressIfindex = b.ingressIfindex;
        this.ifindex = b.ifindex;
        this.tcIndex = b.tcIndex & 0xffff;
        this.tcClassid = b.tcClassid & 0xffff;
        this.cb = b.cb.clone();
        this.hash = b.hash;
        this.napiId = b.napiId;
        this.vlanPresent = b.vlanPresent;
        this.vlanTci = b.vlanTci & 0xffff;
        this.vlanProto = b.vlanProto & 0xffff;
        this.tstamp = b.tstamp;
        this.hwtstamp = b.hwtstamp;
        this.wireLength = b.wireLength;
        this.gsoSegs = b.gsoSegs;
        this.gsoSize = b.gsoSize;
        this.socket = b.socket;
    }

    /**
     * An Ethernet frame as tc programs and packet sockets see it: data from the Ethernet header,
     * protocol and packet type from the header as Linux's {@code eth_type_trans} derives them
     * (packet type: broadcast, multicast, or else host, since bpf4j has no device address).
     */
    public static SkBuff ofEthernet(byte[] frame) {
        return ethernet(frame).build();
    }

    /** A builder for {@link #ofEthernet}, to set more fields. */
    public static Builder ethernet(byte[] frame) {
        if (frame.length < ETH_HLEN) {
            throw new IllegalArgumentException("an Ethernet frame has at least " + ETH_HLEN + " bytes, not " + frame.length);
        }
        int type = (frame[12] & 0xff) << 8 | frame[13] & 0xff;
        int protocol;
        if (type >= 0x0600) {
            protocol = type;
        } else if (frame.length >= ETH_HLEN + 2 && (frame[14] & 0xff) == 0xff && (frame[15] & 0xff) == 0xff) {
            protocol = 0x0001; // ETH_P_802_3: raw 802.3 (Novell)
        } else {
            protocol = 0x0004; // ETH_P_802_2: 802.2 LLC
        }
        int pktType = PACKET_HOST;
        if ((frame[0] & 1) != 0) {
            boolean broadcast = true;
            for (int i = 0; i < 6; i++) {
                broadcast &= frame[i] == (byte) 0xff;
            }
            pktType = broadcast ? PACKET_BROADCAST : PACKET_MULTICAST;
        }
        return new Builder(frame).macLength(ETH_HLEN).protocol(protocol).pktType(pktType);
    }

    /** A packet from its network header on, as cgroup skb programs and non-packet sockets see it. */
    public static SkBuff ofNetwork(int protocol, byte[] packet) {
        return builder(packet).protocol(protocol).build();
    }

    /** A builder with Linux's test-run defaults and no link-layer header. */
    public static Builder builder(byte[] data) {
        return new Builder(data);
    }

    public Builder toBuilder() {
        Builder b = new Builder(data);
        b.macLength = macLength;
        b.protocol = protocol;
        b.pktType = pktType;
        b.mark = mark;
        b.priority = priority;
        b.queueMapping = queueMapping;
        b.ingressIfindex = ingressIfindex;
        b.ifindex = ifindex;
        b.tcIndex = tcIndex;
        b.tcClassid = tcClassid;
        b.cb = cb.clone();
        b.hash = hash;
        b.napiId = napiId;
        b.vlanPresent = vlanPresent;
        b.vlanTci = vlanTci;
        b.vlanProto = vlanProto;
        b.tstamp = tstamp;
        b.hwtstamp = hwtstamp;
        b.wireLength = wireLength;
        b.gsoSegs = gsoSegs;
        b.gsoSize = gsoSize;
        b.socket = socket;
        return b;
    }

    /** The packet bytes, from {@code skb->data} to its end (a copy). */
    public byte[] data() {
        return data.clone();
    }

    public int length() {
        return data.length;
    }

    /** Bytes of link-layer header at the start of the data: 14 for Ethernet frames, 0 for network packets. */
    public int macLength() {
        return macLength;
    }

    /** {@code skb->protocol}: the ethertype, in host order. */
    public int protocol() {
        return protocol;
    }

    public int pktType() {
        return pktType;
    }

    public int mark() {
        return mark;
    }

    public int priority() {
        return priority;
    }

    public int queueMapping() {
        return queueMapping;
    }

    public int ingressIfindex() {
        return ingressIfindex;
    }

    public int ifindex() {
        return ifindex;
    }

    public int tcIndex() {
        return tcIndex;
    }

    /** {@code tc_classid}: 16 bits in Linux's {@code qdisc_skb_cb}. */
    public int tcClassid() {
        return tcClassid;
    }

    /** The five 32-bit words of {@code cb} (a copy). */
    public int[] cb() {
        return cb.clone();
    }

    public int hash() {
        return hash;
    }

    public int napiId() {
        return napiId;
    }

    /** Whether the skb carries a VLAN tag out of band ({@code skb->vlan_tci}, as hardware acceleration keeps it). */
    public boolean vlanPresent() {
        return vlanPresent;
    }

    public int vlanTci() {
        return vlanTci;
    }

    /** The out-of-band tag's protocol (0x8100 or 0x88a8), host order. */
    public int vlanProto() {
        return vlanProto;
    }

    public long tstamp() {
        return tstamp;
    }

    public long hwtstamp() {
        return hwtstamp;
    }

    /** {@code wire_len}: the length on the wire, by default the packet's length. */
    public int wireLength() {
        return wireLength == 0 ? data.length : wireLength;
    }

    public int gsoSegs() {
        return gsoSegs;
    }

    public int gsoSize() {
        return gsoSize;
    }

    /** The socket fields cgroup skb programs read (family, addresses, ports), or null if none. */
    public Socket socket() {
        return socket;
    }

    @Override
    public String toString() {
        return "SkBuff[len=" + data.length + String.format(", protocol=0x%04x", protocol) + ", mark=" + mark
                + ", priority=" + priority + (vlanPresent ? String.format(", vlan=0x%04x/%d", vlanProto, vlanTci) : "") + "]";
    }

    /**
     * The socket an skb belongs to, as {@code __sk_buff.family} to {@code local_port} show it.
     *
     * @param family {@code AF_INET} (2) or {@code AF_INET6} (10)
     * @param localAddress 4 or 16 bytes, network order
     * @param remoteAddress 4 or 16 bytes, network order
     */
    public record Socket(int family, byte[] localAddress, byte[] remoteAddress, int localPort, int remotePort) {
        public static final int AF_INET = 2;
        public static final int AF_INET6 = 10;

        public Socket {
            Objects.requireNonNull(localAddress, "localAddress");
            Objects.requireNonNull(remoteAddress, "remoteAddress");
            if (!validAddress(localAddress) || !validAddress(remoteAddress)) {
                throw new IllegalArgumentException("socket addresses have 4 or 16 bytes");
            }
            localAddress = localAddress.clone();
            remoteAddress = remoteAddress.clone();
        }

        private static boolean validAddress(byte[] a) {
            return a.length == 4 || a.length == 16;
        }

        @Override
        public byte[] localAddress() {
            return localAddress.clone();
        }

        @Override
        public byte[] remoteAddress() {
            return remoteAddress.clone();
        }
    }

    public static final class Builder {
        private byte[] data;
        private int macLength;
        private int protocol;
        private int pktType = PACKET_HOST;
        private int mark;
        private int priority;
        private int queueMapping;
        private int ingressIfindex = 1;
        private int ifindex = 1;
        private int tcIndex;
        private int tcClassid;
        private int[] cb = new int[5];
        private int hash;
        private int napiId;
        private boolean vlanPresent;
        private int vlanTci;
        private int vlanProto;
        private long tstamp;
        private long hwtstamp;
        private int wireLength;
        private int gsoSegs;
        private int gsoSize;
        private Socket socket;

        private Builder(byte[] data) {
            this.data = Objects.requireNonNull(data, "data");
        }

        public Builder data(byte[] bytes) {
            this.data = Objects.requireNonNull(bytes, "bytes");
            return this;
        }

        public Builder macLength(int length) {
            if (length < 0) {
                throw new IllegalArgumentException("negative MAC header length");
            }
            this.macLength = length;
            return this;
        }

        public Builder protocol(int ethertype) {
            this.protocol = ethertype;
            return this;
        }

        public Builder pktType(int type) {
            this.pktType = type;
            return this;
        }

        public Builder mark(int value) {
            this.mark = value;
            return this;
        }

        public Builder priority(int value) {
            this.priority = value;
            return this;
        }

        public Builder queueMapping(int value) {
            this.queueMapping = value;
            return this;
        }

        public Builder ingressIfindex(int value) {
            this.ingressIfindex = value;
            return this;
        }

        public Builder ifindex(int value) {
            this.ifindex = value;
            return this;
        }

        public Builder tcIndex(int value) {
            this.tcIndex = value;
            return this;
        }

        public Builder tcClassid(int value) {
            this.tcClassid = value;
            return this;
        }

        /** The five words of {@code cb}. */
        public Builder cb(int... words) {
            if (words.length != 5) {
                throw new IllegalArgumentException("cb has 5 words, not " + words.length);
            }
            this.cb = words.clone();
            return this;
        }

        public Builder hash(int value) {
            this.hash = value;
            return this;
        }

        public Builder napiId(int value) {
            this.napiId = value;
            return this;
        }

        /** An out-of-band VLAN tag, as a device with VLAN acceleration delivers it. */
        public Builder vlan(int proto, int tci) {
            this.vlanPresent = true;
            this.vlanProto = proto;
            this.vlanTci = tci;
            return this;
        }

        public Builder noVlan() {
            this.vlanPresent = false;
            this.vlanProto = 0;
            this.vlanTci = 0;
            return this;
        }

        public Builder tstamp(long value) {
            this.tstamp = value;
            return this;
        }

        public Builder hwtstamp(long value) {
            this.hwtstamp = value;
            return this;
        }

        /** {@code wire_len}; 0 means the packet's length. */
        public Builder wireLength(int value) {
            this.wireLength = value;
            return this;
        }

        public Builder gso(int segs, int size) {
            this.gsoSegs = segs;
            this.gsoSize = size;
            return this;
        }

        public Builder socket(Socket value) {
            this.socket = value;
            return this;
        }

        public SkBuff build() {
            if (macLength > data.length) {
                throw new IllegalArgumentException("MAC header of " + macLength + " bytes in a packet of " + data.length);
            }
            return new SkBuff(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SkBuff s && Arrays.equals(data, s.data) && macLength == s.macLength && protocol == s.protocol
                && pktType == s.pktType && mark == s.mark && priority == s.priority && queueMapping == s.queueMapping
                && ingressIfindex == s.ingressIfindex && ifindex == s.ifindex && tcIndex == s.tcIndex
                && tcClassid == s.tcClassid && Arrays.equals(cb, s.cb) && hash == s.hash && napiId == s.napiId
                && vlanPresent == s.vlanPresent && vlanTci == s.vlanTci && vlanProto == s.vlanProto && tstamp == s.tstamp
                && hwtstamp == s.hwtstamp && wireLength == s.wireLength && gsoSegs == s.gsoSegs && gsoSize == s.gsoSize
                && Objects.equals(socket, s.socket);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + Objects.hash(protocol, mark, priority, vlanTci);
    }
}
