// Every map operation's return value in its corner cases, from a tc classifier: array (index out
// of range, NOEXIST, delete), per-CPU array, LPM trie (full, exists, missing, bad prefix length),
// queue and stack (full, evicting push, bad flags, empty), hash (BPF_F_LOCK without a spin lock)
// and ring buffer (bad flags). Each result goes to its own slot of an array, so a runtime that
// returns a different errno, or finds a different element, shows up slot by slot.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} small_array SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} small_percpu SEC(".maps");

struct lpm_key {
    __u32 prefixlen;
    __u8 addr[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 2);
    __type(key, struct lpm_key);
    __type(value, __u32);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} small_trie SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_QUEUE);
    __uint(max_entries, 2);
    __type(value, __u32);
} small_queue SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_STACK);
    __uint(max_entries, 2);
    __type(value, __u32);
} small_stack SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u32);
} small_hash SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} small_ring SEC(".maps");

#define RESULTS 48

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, RESULTS);
    __type(key, __u32);
    __type(value, __s64);
} results SEC(".maps");

static __always_inline void put(__u32 slot, __s64 value)
{
    __s64 *r = bpf_map_lookup_elem(&results, &slot);
    if (r)
        *r = value + 1000; /* slot 0 stays visible even for a result of 0 */
}

static __always_inline long trie_update(__u32 len, __u8 a, __u8 b, __u8 c, __u32 value, __u64 flags)
{
    struct lpm_key k = {.prefixlen = len, .addr = {a, b, c, 0}};
    return bpf_map_update_elem(&small_trie, &k, &value, flags);
}

static __always_inline long trie_delete(__u32 len, __u8 a, __u8 b, __u8 c)
{
    struct lpm_key k = {.prefixlen = len, .addr = {a, b, c, 0}};
    return bpf_map_delete_elem(&small_trie, &k);
}

SEC("tc")
int tc_map_errors(struct __sk_buff *skb)
{
    __u32 k;
    __u64 v = 7;
    __u32 w;

    k = 4;
    put(0, bpf_map_update_elem(&small_array, &k, &v, BPF_ANY));
    k = 1;
    put(1, bpf_map_update_elem(&small_array, &k, &v, BPF_NOEXIST));
    put(2, bpf_map_update_elem(&small_array, &k, &v, BPF_EXIST));
    put(3, bpf_map_delete_elem(&small_array, &k));
    put(4, bpf_map_update_elem(&small_array, &k, &v, 3));
    k = 9;
    put(5, bpf_map_lookup_elem(&small_array, &k) != 0);
    k = 0;
    put(6, bpf_map_update_elem(&small_percpu, &k, &v, BPF_NOEXIST));
    put(7, bpf_map_update_elem(&small_percpu, &k, &v, BPF_ANY));
    k = 2;
    put(8, bpf_map_update_elem(&small_percpu, &k, &v, BPF_ANY));

    put(9, trie_update(8, 10, 0, 0, 8, BPF_ANY));
    put(10, trie_update(16, 10, 1, 0, 16, BPF_NOEXIST));
    put(11, trie_update(24, 10, 1, 2, 24, BPF_ANY)); /* full */
    put(12, trie_update(8, 10, 0, 0, 88, BPF_NOEXIST));
    put(13, trie_update(24, 10, 1, 2, 24, BPF_EXIST));
    put(14, trie_update(33, 10, 1, 2, 33, BPF_ANY));
    put(15, trie_delete(24, 10, 1, 2));
    put(16, trie_delete(16, 10, 1, 0));
    put(17, trie_update(24, 10, 1, 2, 24, BPF_NOEXIST));
    put(18, trie_update(8, 10, 0, 0, 80, BPF_EXIST));
    struct lpm_key probe = {.prefixlen = 32, .addr = {10, 1, 2, 3}};
    __u32 *hit = bpf_map_lookup_elem(&small_trie, &probe);
    put(19, hit ? *hit : -1);
    probe.addr[2] = 9;
    hit = bpf_map_lookup_elem(&small_trie, &probe);
    put(20, hit ? *hit : -1);
    put(21, trie_update(8, 10, 0, 0, 8, 4)); /* BPF_F_LOCK */
    put(22, trie_delete(40, 10, 0, 0));

    w = 1;
    put(23, bpf_map_push_elem(&small_queue, &w, 0));
    w = 2;
    put(24, bpf_map_push_elem(&small_queue, &w, 0));
    w = 3;
    put(25, bpf_map_push_elem(&small_queue, &w, 0)); /* full */
    put(26, bpf_map_push_elem(&small_queue, &w, BPF_EXIST)); /* evicts 1 */
    put(27, bpf_map_push_elem(&small_queue, &w, BPF_NOEXIST));
    w = 0;
    put(28, bpf_map_peek_elem(&small_queue, &w) * 100 + w);
    put(29, bpf_map_pop_elem(&small_queue, &w) * 100 + w);
    put(30, bpf_map_pop_elem(&small_queue, &w) * 100 + w);
    w = 0;
    put(31, bpf_map_pop_elem(&small_queue, &w) * 100 + w);

    w = 0;
    put(32, bpf_map_pop_elem(&small_stack, &w) * 100 + w);
    w = 5;
    put(33, bpf_map_push_elem(&small_stack, &w, 0));
    w = 6;
    put(34, bpf_map_push_elem(&small_stack, &w, 0));
    w = 7;
    put(35, bpf_map_push_elem(&small_stack, &w, 0));
    put(36, bpf_map_push_elem(&small_stack, &w, BPF_EXIST)); /* evicts the bottom, 5 */
    put(37, bpf_map_pop_elem(&small_stack, &w) * 100 + w);
    put(38, bpf_map_pop_elem(&small_stack, &w) * 100 + w);
    put(39, bpf_map_peek_elem(&small_stack, &w) * 100 + w);

    k = 1;
    w = 1;
    put(40, bpf_map_update_elem(&small_hash, &k, &w, 4));
    put(41, bpf_map_update_elem(&small_hash, &k, &w, BPF_NOEXIST | 4));
    put(42, bpf_map_delete_elem(&small_hash, &k));
    put(43, bpf_ringbuf_output(&small_ring, &w, sizeof(w), 4));
    void *sample = bpf_ringbuf_reserve(&small_ring, 8, 1); /* flags must be 0 */
    put(44, sample != 0);
    if (sample)
        bpf_ringbuf_discard(sample, 0);
    put(45, bpf_ringbuf_output(&small_ring, &w, sizeof(w), BPF_RB_FORCE_WAKEUP));
    put(46, bpf_ringbuf_query(&small_ring, BPF_RB_AVAIL_DATA));
    put(47, bpf_ringbuf_query(&small_ring, 99));
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
