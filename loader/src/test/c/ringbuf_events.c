// Connection events through ring buffers, from a tc classifier: TCP packets with SYN, FIN or RST
// become an event reserved in place, filled, then submitted, or discarded when the destination
// port is on the ignore list; UDP packets are copied with bpf_ringbuf_output as a smaller
// record; packets too short to parse are reported through a second, tiny ring buffer that
// overflows. Counters record every outcome and the rings' positions as bpf_ringbuf_query
// reports them (deterministic: nothing consumes during a test run).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} errors SEC(".maps");

struct conn_event {
    __u32 sequence; /* this program's run number */
    __be32 saddr;
    __be32 daddr;
    __be16 sport;
    __be16 dport;
    __u8 tcp_flags;
    __u8 kind; /* 1 open, 2 close, 3 reset */
    __u16 length;
    __u32 mark;
};

struct datagram_event {
    __u32 sequence;
    __be16 sport;
    __be16 dport;
    __u16 udp_length;
};

struct error_event {
    __u32 sequence;
    __u32 length;
    __u8 head[24]; /* the first bytes of the packet, zero padded */
};

enum stat {
    ST_RESERVED,
    ST_SUBMITTED,
    ST_DISCARDED,
    ST_RESERVE_FAILED,
    ST_OUTPUT_OK,
    ST_OUTPUT_FAILED,
    ST_ERRORS_OK,
    ST_ERRORS_FAILED,
    ST_EVENTS_AVAIL, /* bpf_ringbuf_query after the run */
    ST_EVENTS_PROD_POS,
    ST_ERRORS_AVAIL,
    ST_ERRORS_RING_SIZE,
    ST_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, ST_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

__u32 run_sequence;
const volatile __u16 ignored_ports[4] = {22, 53, 123, 0};

static __always_inline void bump(enum stat s)
{
    __u32 key = s;
    __u64 *v = bpf_map_lookup_elem(&stats, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

static __always_inline void set(enum stat s, __u64 value)
{
    __u32 key = s;
    __u64 *v = bpf_map_lookup_elem(&stats, &key);
    if (v)
        *v = value;
}

static __always_inline int ignored(__u16 port)
{
    for (int i = 0; i < 4; i++)
        if (ignored_ports[i] && ignored_ports[i] == port)
            return 1;
    return 0;
}

static __always_inline void report_error(struct __sk_buff *skb, __u32 seq)
{
    struct error_event e = {.sequence = seq, .length = skb->len};
    __u32 n = skb->len < sizeof(e.head) ? skb->len : sizeof(e.head);
    if (n > 0 && n <= sizeof(e.head))
        bpf_skb_load_bytes(skb, 0, e.head, n);
    if (bpf_ringbuf_output(&errors, &e, sizeof(e), 0))
        bump(ST_ERRORS_FAILED);
    else
        bump(ST_ERRORS_OK);
}

static __always_inline int handle(struct __sk_buff *skb, __u32 seq)
{
    void *data = (void *)(long)skb->data;
    void *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return -1;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return TC_ACT_OK;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->ihl < 5)
        return -1;
    void *l4 = (void *)ip + ip->ihl * 4;

    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = l4;
        if ((void *)(tcp + 1) > end)
            return -1;
        if (!(tcp->syn || tcp->fin || tcp->rst))
            return TC_ACT_OK;
        struct conn_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (!e) {
            bump(ST_RESERVE_FAILED);
            return TC_ACT_OK;
        }
        bump(ST_RESERVED);
        e->sequence = seq;
        e->saddr = ip->saddr;
        e->daddr = ip->daddr;
        e->sport = tcp->source;
        e->dport = tcp->dest;
        e->tcp_flags = ((__u8 *)tcp)[13];
        e->kind = tcp->rst ? 3 : tcp->fin ? 2 : 1;
        e->length = skb->len;
        e->mark = skb->mark;
        /* decide late, after the record is filled: a reserved record must be released either way */
        if (ignored(bpf_ntohs(tcp->dest))) {
            bpf_ringbuf_discard(e, 0);
            bump(ST_DISCARDED);
        } else {
            bpf_ringbuf_submit(e, 0);
            bump(ST_SUBMITTED);
        }
        return TC_ACT_OK;
    }
    if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = l4;
        if ((void *)(udp + 1) > end)
            return -1;
        struct datagram_event d = {
            .sequence = seq, .sport = udp->source, .dport = udp->dest, .udp_length = bpf_ntohs(udp->len)};
        if (bpf_ringbuf_output(&events, &d, sizeof(d), BPF_RB_NO_WAKEUP))
            bump(ST_OUTPUT_FAILED);
        else
            bump(ST_OUTPUT_OK);
        return TC_ACT_OK;
    }
    return TC_ACT_OK;
}

SEC("tc")
int tc_events(struct __sk_buff *skb)
{
    __u32 seq = run_sequence++;
    int verdict = handle(skb, seq);
    if (verdict < 0) {
        report_error(skb, seq);
        verdict = TC_ACT_SHOT;
    }
    set(ST_EVENTS_AVAIL, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA));
    set(ST_EVENTS_PROD_POS, bpf_ringbuf_query(&events, BPF_RB_PROD_POS));
    set(ST_ERRORS_AVAIL, bpf_ringbuf_query(&errors, BPF_RB_AVAIL_DATA));
    set(ST_ERRORS_RING_SIZE, bpf_ringbuf_query(&errors, BPF_RB_RING_SIZE));
    return verdict;
}

char LICENSE[] SEC("license") = "GPL";
