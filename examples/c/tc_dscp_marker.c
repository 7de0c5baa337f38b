// tc_dscp_marker: a tc classifier that marks interactive traffic. For IPv4 TCP and UDP packets to
// or from SSH (22) and DNS (53) it rewrites the DSCP field to EF (46), fixing the IP checksum with
// bpf_l3_csum_replace, and sets skb->mark to the DSCP it chose; ICMP echo requests over 1000 bytes
// are dropped (TC_ACT_SHOT). Rewritten packets are counted per port in `marked`.
//
//   bpf4j run examples/objects/tc_dscp_marker.o --pcap examples/traffic.pcap --out marked.pcap
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define DSCP_EF 46
#define ICMP_ECHO 8

// linux/icmp.h pulls in libc's socket headers, which do not build for the bpf target.
struct icmp_header {
    __u8 type;
    __u8 code;
    __sum16 checksum;
};
#define IP_OFF ETH_HLEN
#define TOS_OFF (IP_OFF + offsetof(struct iphdr, tos))
#define CSUM_OFF (IP_OFF + offsetof(struct iphdr, check))

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u16);
    __type(value, __u64);
} marked SEC(".maps");

static __always_inline int interactive(__u16 port)
{
    return port == 22 || port == 53;
}

SEC("tc")
int tc_dscp_marker(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
        return TC_ACT_OK;

    if (ip->protocol == IPPROTO_ICMP) {
        struct icmp_header *icmp = (void *)(ip + 1);
        if ((void *)(icmp + 1) <= data_end && icmp->type == ICMP_ECHO && skb->len > 1000)
            return TC_ACT_SHOT;
        return TC_ACT_OK;
    }

    __u16 sport, dport;
    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = (void *)(ip + 1);
        if ((void *)(tcp + 1) > data_end)
            return TC_ACT_OK;
        sport = bpf_ntohs(tcp->source);
        dport = bpf_ntohs(tcp->dest);
    } else if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = (void *)(ip + 1);
        if ((void *)(udp + 1) > data_end)
            return TC_ACT_OK;
        sport = bpf_ntohs(udp->source);
        dport = bpf_ntohs(udp->dest);
    } else {
        return TC_ACT_OK;
    }
    __u16 port = interactive(dport) ? dport : interactive(sport) ? sport : 0;
    if (!port)
        return TC_ACT_OK;

    __u8 old_tos = ip->tos;
    __u8 new_tos = (DSCP_EF << 2) | (old_tos & 3);
    if (old_tos != new_tos) {
        // The checksum covers 16-bit words: tos is the low byte of the first word (big-endian).
        bpf_l3_csum_replace(skb, CSUM_OFF, bpf_htons(old_tos), bpf_htons(new_tos), 2);
        bpf_skb_store_bytes(skb, TOS_OFF, &new_tos, 1, 0);
    }
    skb->mark = DSCP_EF;

    __u64 one = 1;
    __u64 *n = bpf_map_lookup_elem(&marked, &port);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&marked, &port, &one, BPF_NOEXIST);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
