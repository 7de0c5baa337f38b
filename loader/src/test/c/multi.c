// Many programs in one object, one per section convention, and a non-GPL license.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sys_enter")
int raw_enter(void *ctx) { return 0; }

SEC("fentry/do_unlinkat")
int on_unlink(void *ctx) { return 0; }

SEC("seccomp")
int allow_all(void *ctx) { return 0x7fff0000; }

SEC("cgroup_skb/ingress")
int cg_in(struct __sk_buff *skb) { return 1; }

SEC("xdp.frags")
int frags(struct xdp_md *ctx) { return XDP_PASS; }

SEC("my_custom_section")
int custom(void *ctx) { return 0; }

SEC("socket")
int sock_a(struct __sk_buff *skb) { return 0; }

SEC("socket")
int sock_b(struct __sk_buff *skb) { return skb->len; }

char LICENSE[] SEC("license") = "Proprietary";
