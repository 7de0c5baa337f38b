// Shared counters under concurrency: every run adds to a hash map entry (keyed by the frame's
// length class, created on first sight with BPF_NOEXIST so that racing creators agree) and to
// array totals, with the atomic instructions clang emits for __sync_fetch_and_add,
// __atomic_fetch_add, __sync_fetch_and_or/and/xor and __sync_val_compare_and_swap. Run on many
// threads at once, the totals must come out exact.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct totals {
    __u64 packets;
    __u64 bytes;
    __u64 seen_bits; /* or of 1 << (length % 64) */
    __u64 max_length; /* raised with compare-and-swap */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, struct totals);
} by_class SEC(".maps");

enum total {
    T_PACKETS,
    T_BYTES,
    T_XOR_LENGTHS,
    T_CREATED, /* runs whose BPF_NOEXIST insert won */
    T_LOST_RACE, /* runs whose insert found the key already there */
    T_COUNT
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, T_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} totals SEC(".maps");

static __always_inline __u64 *total(enum total t)
{
    __u32 key = t;
    return bpf_map_lookup_elem(&totals, &key);
}

SEC("xdp")
int xdp_atomic_count(struct xdp_md *ctx)
{
    __u64 length = ctx->data_end - ctx->data;
    __u32 class = length / 64;
    __u64 *t;

    struct totals *v = bpf_map_lookup_elem(&by_class, &class);
    if (!v) {
        struct totals zero = {};
        long err = bpf_map_update_elem(&by_class, &class, &zero, BPF_NOEXIST);
        if ((t = total(err ? T_LOST_RACE : T_CREATED)))
            __sync_fetch_and_add(t, 1);
        v = bpf_map_lookup_elem(&by_class, &class);
        if (!v)
            return XDP_ABORTED;
    }
    __sync_fetch_and_add(&v->packets, 1);
    __atomic_fetch_add(&v->bytes, length, __ATOMIC_RELAXED);
    __sync_fetch_and_or(&v->seen_bits, 1ull << (length & 63));
    /* each failed swap saw a larger length than before: a few tries always suffice here */
    __u64 seen = v->max_length;
    for (int i = 0; i < 16 && seen < length; i++) {
        __u64 witness = __sync_val_compare_and_swap(&v->max_length, seen, length);
        if (witness == seen)
            break;
        seen = witness;
    }

    if ((t = total(T_PACKETS)))
        __sync_fetch_and_add(t, 1);
    if ((t = total(T_BYTES)))
        __atomic_fetch_add(t, length, __ATOMIC_SEQ_CST);
    if ((t = total(T_XOR_LENGTHS)))
        __sync_fetch_and_xor(t, length);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
