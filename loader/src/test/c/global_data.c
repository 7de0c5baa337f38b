// Global data in .data, .rodata, .bss and a custom .data.foo section.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 threshold = 42;      /* .rodata */
const volatile __u64 limits[2] = {7, 9};  /* .rodata */
__u64 hits = 5;                           /* .data */
__u32 misses;                             /* .bss */
static __u32 calls;                       /* .bss, static: relocated via the section symbol */
__u32 foo_counter SEC(".data.foo") = 0x1234;
__u32 foo_other SEC(".data.foo") = 0xabcd;

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(void *ctx)
{
    calls++;
    foo_other++;
    if (hits + calls > threshold + limits[1])
        misses++;
    else
        hits++;
    foo_counter += 2;
    return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
