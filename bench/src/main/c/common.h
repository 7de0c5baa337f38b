// Shared by the benchmark programs: packet headers without the kernel's network headers.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct eth {
    __u8 dst[6];
    __u8 src[6];
    __u16 proto;
};

struct ipv4 {
    __u8 ver_ihl;
    __u8 tos;
    __u16 len;
    __u16 id;
    __u16 frag;
    __u8 ttl;
    __u8 proto;
    __u16 csum;
    __u32 saddr;
    __u32 daddr;
};

struct ports {
    __u16 sport;
    __u16 dport;
};

#define ETH_IPV4 __builtin_bswap16(0x0800)
