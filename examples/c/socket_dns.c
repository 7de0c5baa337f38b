// socket_dns: a socket filter that keeps DNS traffic (UDP to or from port 53, over IPv4 or IPv6)
// and drops everything else; queries are kept whole, responses cut to 512 bytes. Each kept packet
// is also sent to the `events` ring buffer as a small record (address family, ports, length) for a
// user-space reader.
//
//   bpf4j run examples/objects/socket_dns.o --pcap examples/traffic.pcap --json
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct dns_event {
    __u16 family;
    __u16 sport;
    __u16 dport;
    __u16 length;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("socket")
int socket_dns(struct __sk_buff *skb)
{
    __u16 proto;
    if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)) < 0)
        return 0;
    __u32 udp_offset;
    __u8 l4;
    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr ip;
        if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0)
            return 0;
        if (ip.frag_off & bpf_htons(0x1fff))
            return 0;
        l4 = ip.protocol;
        udp_offset = ETH_HLEN + ip.ihl * 4;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr ip6;
        if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip6, sizeof(ip6)) < 0)
            return 0;
        l4 = ip6.nexthdr;
        udp_offset = ETH_HLEN + sizeof(ip6);
    } else {
        return 0;
    }
    if (l4 != IPPROTO_UDP)
        return 0;
    struct udphdr udp;
    if (bpf_skb_load_bytes(skb, udp_offset, &udp, sizeof(udp)) < 0)
        return 0;
    __u16 sport = bpf_ntohs(udp.source), dport = bpf_ntohs(udp.dest);
    if (sport != 53 && dport != 53)
        return 0;

    struct dns_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
    if (event) {
        event->family = proto == bpf_htons(ETH_P_IP) ? 2 : 10;
        event->sport = sport;
        event->dport = dport;
        event->length = skb->len;
        bpf_ringbuf_submit(event, 0);
    }
    return sport == 53 ? 512 : skb->len;
}

char LICENSE[] SEC("license") = "GPL";
