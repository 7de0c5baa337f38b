// Work queues and per-tenant tables: a tc classifier pushes each packet's summary onto a FIFO
// queue and a LIFO stack (bpf_map_push_elem; when full, BPF_EXIST makes the queue drop its
// oldest element), pops the oldest and newest back after every fourth packet, and counts
// packets per tenant (the VLAN id) in an inner array chosen through an array of maps or, for
// tenants not statically assigned, found in a hash of maps that stays empty here.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct summary {
    __u32 sequence;
    __u32 length;
    __u16 protocol;
    __u16 vlan;
};

struct {
    __uint(type, BPF_MAP_TYPE_QUEUE);
    __uint(max_entries, 6);
    __type(value, struct summary);
} fifo SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_STACK);
    __uint(max_entries, 4);
    __type(value, struct summary);
} lifo SEC(".maps");

struct tenant_table {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} tenant_a SEC(".maps"), tenant_b SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, struct tenant_table);
} tenants SEC(".maps") = {
    .values = {[1] = &tenant_a, [2] = &tenant_b, [5] = &tenant_a},
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, struct tenant_table);
} dynamic_tenants SEC(".maps");

enum result {
    R_PUSHED_FIFO,
    R_FIFO_FULL,
    R_PUSHED_LIFO,
    R_LIFO_FULL,
    R_POPPED_FIFO,
    R_POPPED_LIFO,
    R_POP_EMPTY,
    R_NO_TENANT,
    R_PEEK_SEQUENCE, /* sequence of the queue's head after the run, or 0xffff if empty */
    R_POPPED_SEQUENCES, /* popped fifo sequence * 1000 + popped lifo sequence, last time */
    R_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, R_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} results SEC(".maps");

__u32 sequence;

static __always_inline void add(enum result r, __u64 n)
{
    __u32 key = r;
    __u64 *v = bpf_map_lookup_elem(&results, &key);
    if (v)
        *v += n;
}

static __always_inline void set(enum result r, __u64 n)
{
    __u32 key = r;
    __u64 *v = bpf_map_lookup_elem(&results, &key);
    if (v)
        *v = n;
}

SEC("tc")
int tc_queues(struct __sk_buff *skb)
{
    struct summary s = {.sequence = sequence++, .length = skb->len, .protocol = bpf_ntohs(skb->protocol)};
    __u16 tci = 0;
    if (skb->protocol == bpf_htons(ETH_P_8021Q)) {
        __be16 be;
        if (bpf_skb_load_bytes(skb, ETH_HLEN, &be, sizeof(be)) == 0)
            tci = bpf_ntohs(be) & 0x0fff;
    }
    s.vlan = tci;

    if (bpf_map_push_elem(&fifo, &s, 0) == 0) {
        add(R_PUSHED_FIFO, 1);
    } else {
        add(R_FIFO_FULL, 1);
        bpf_map_push_elem(&fifo, &s, BPF_EXIST); /* make room: the oldest goes */
    }
    if (bpf_map_push_elem(&lifo, &s, 0) == 0)
        add(R_PUSHED_LIFO, 1);
    else
        add(R_LIFO_FULL, 1);

    if ((s.sequence & 3) == 3) {
        struct summary oldest, newest;
        long a = bpf_map_pop_elem(&fifo, &oldest);
        long b = bpf_map_pop_elem(&lifo, &newest);
        if (a == 0)
            add(R_POPPED_FIFO, 1);
        if (b == 0)
            add(R_POPPED_LIFO, 1);
        if (a || b)
            add(R_POP_EMPTY, 1);
        else
            set(R_POPPED_SEQUENCES, oldest.sequence * 1000 + newest.sequence);
    }
    struct summary head;
    set(R_PEEK_SEQUENCE, bpf_map_peek_elem(&fifo, &head) == 0 ? head.sequence : 0xffff);

    __u32 tenant = tci & 7;
    void *table = bpf_map_lookup_elem(&tenants, &tenant);
    if (!table)
        table = bpf_map_lookup_elem(&dynamic_tenants, &tenant);
    if (!table) {
        add(R_NO_TENANT, 1);
        return TC_ACT_SHOT;
    }
    __u32 slot = s.protocol == ETH_P_8021Q ? 1 : 0;
    __u64 *count = bpf_map_lookup_elem(table, &slot);
    if (count)
        __sync_fetch_and_add(count, 1);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
