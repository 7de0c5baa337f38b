package io.bpf4j.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds bpf4j's own verifier corpus: small programs, one rule each, in safe and unsafe
 * variants (registers, stack, context per program type, packet bounds, map values, null checks,
 * helpers and their arguments, loops, ALU and pointer arithmetic, control flow, calls, return
 * codes). The Linux verdict of each is recorded by {@link CorpusRecorder} into
 * {@code src/test/resources/verifier-corpus.json}, which {@link CorpusAgreementTest} compares with.
 *
 * <p>Assembly is LLVM syntax; {@code map(N)} in a {@code lddw} line ({@code r1 = map(0) ll}) names
 * the N-th map of the program.
 */
final class CorpusGenerator {
    /** One program: name, Linux program type name (as kernel-run takes it), maps (kernel-run -m specs), license, assembly. */
    record Program(String name, String type, List<String> maps, String license, String asm) {}

    private final List<Program> out = new ArrayList<>();

    private CorpusGenerator() {}

    static List<Program> generate() {
        CorpusGenerator g = new CorpusGenerator();
        g.registers();
        g.stack();
        g.xdpContext();
        g.skbContext();
        g.packets();
        g.mapValues();
        g.nullChecks();
        g.helpers();
        g.loops();
        g.alu();
        g.pointerArithmetic();
        g.controlFlow();
        g.calls();
        g.returnCodes();
        g.tracingContexts();
        g.sockOpsContext();
        return List.copyOf(g.out);
    }

    private void add(String name, String type, String asm, String... maps) {
        out.add(new Program(name, type, List.of(maps), "GPL", asm.strip() + "\n"));
    }

    private void addLicensed(String name, String type, String license, String asm, String... maps) {
        out.add(new Program(name, type, List.of(maps), license, asm.strip() + "\n"));
    }

    private void registers() {
        for (int r = 0; r <= 9; r++) {
            add("reg/read r" + r + " at entry", "xdp", "r0 = r" + r + "\nr0 = 0\nexit");
            add("reg/read r" + r + " after write", "xdp", "r" + r + " = 7\nr0 = r" + r + "\nr0 = 0\nexit");
        }
        add("reg/exit without r0", "xdp", "r1 = 0\nexit");
        add("reg/exit with r0", "xdp", "r0 = 2\nexit");
        add("reg/r0 set on one path only", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                if r2 == 1 goto +1
                r0 = 1
                exit
                """);
        add("reg/r0 set on both paths", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                r0 = 2
                if r2 == 1 goto +1
                r0 = 1
                exit
                """);
        add("reg/r1-r5 clobbered by helper", "xdp", "r6 = r1\ncall 5\nr0 = r1\nexit");
        add("reg/r6 kept over helper", "xdp", "r6 = 3\ncall 5\nr0 = r6\nexit");
        add("reg/store of uninit register", "xdp", "*(u64 *)(r10 - 8) = r3\nr0 = 0\nexit");
        add("reg/compare uninit register", "xdp", "r0 = 0\nif r4 > 3 goto +0\nexit");
    }

    private void stack() {
        int[] offs = {-512, -516, -520, -256, -16, -8, -4, -2, -1, 0, 8, -9, -12, -6, -3};
        String[] sizes = {"u8", "u16", "u32", "u64"};
        for (int off : offs) {
            for (String sz : sizes) {
                if ((off == -16 || off == -256) && !sz.equals("u64")) {
                    continue;
                }
                String o = off < 0 ? "- " + (-off) : "+ " + off;
                add("stack/write " + sz + " at fp" + off, "xdp", "r2 = 1\n*(" + sz + " *)(r10 " + o + ") = r2\nr0 = 0\nexit");
            }
        }
        add("stack/read after write", "xdp", "r2 = 5\n*(u64 *)(r10 - 8) = r2\nr0 = *(u64 *)(r10 - 8)\nexit");
        add("stack/narrow read after wide write", "xdp", "r2 = 5\n*(u64 *)(r10 - 8) = r2\nr0 = *(u32 *)(r10 - 8)\nexit");
        add("stack/read below written bytes", "xdp", "r2 = 5\n*(u32 *)(r10 - 4) = r2\nr0 = *(u32 *)(r10 - 8)\nr0 = 0\nexit");
        add("stack/read of never written stack", "xdp", "r0 = *(u64 *)(r10 - 16)\nr0 = 0\nexit");
        add("stack/read out of frame", "xdp", "r0 = *(u64 *)(r10 + 0)\nr0 = 0\nexit");
        add("stack/spill and fill pointer", "xdp", """
                *(u64 *)(r10 - 8) = r1
                r1 = *(u64 *)(r10 - 8)
                r0 = *(u32 *)(r1 + 0)
                r0 = 0
                exit
                """);
        add("stack/fill pointer after partial overwrite", "xdp", """
                *(u64 *)(r10 - 8) = r1
                r2 = 0
                *(u8 *)(r10 - 8) = r2
                r1 = *(u64 *)(r10 - 8)
                r0 = *(u32 *)(r1 + 0)
                r0 = 0
                exit
                """);
        add("stack/store immediate", "xdp", "*(u32 *)(r10 - 4) = 7\nr0 = *(u32 *)(r10 - 4)\nexit");
        add("stack/pointer copy then access", "xdp", "r2 = r10\nr2 += -16\n*(u64 *)(r2 + 8) = r1\nr0 = 0\nexit");
        add("stack/pointer copy out of frame", "xdp", "r2 = r10\nr2 += -16\n*(u64 *)(r2 + 16) = r1\nr0 = 0\nexit");
        add("stack/variable offset write", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                r2 &= 7
                r3 = r10
                r3 += -16
                r3 += r2
                r4 = 0
                *(u8 *)(r3 + 0) = r4
                r0 = 0
                exit
                """);
        add("stack/variable offset beyond frame", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                r2 &= 31
                r3 = r10
                r3 += -16
                r3 += r2
                r4 = 0
                *(u8 *)(r3 + 0) = r4
                r0 = 0
                exit
                """);
        add("stack/write to r10", "xdp", "r0 = 0\n*(u64 *)(r10 - 8) = r10\nexit");
    }

    private void xdpContext() {
        String[] sizes = {"u8", "u16", "u32", "u64"};
        for (int off = 0; off <= 28; off += 2) {
            for (String sz : sizes) {
                if (off % 4 != 0 && !sz.equals("u16")) {
                    continue;
                }
                add("ctx/xdp read " + sz + " at " + off, "xdp", "r0 = *(" + sz + " *)(r1 + " + off + ")\nr0 = 0\nexit");
            }
        }
        add("ctx/xdp write ingress_ifindex", "xdp", "r2 = 1\n*(u32 *)(r1 + 12) = r2\nr0 = 0\nexit");
        add("ctx/xdp read through modified pointer", "xdp", "r1 += 4\nr0 = *(u32 *)(r1 + 0)\nr0 = 0\nexit");
        add("ctx/xdp negative offset", "xdp", "r0 = *(u32 *)(r1 - 4)\nr0 = 0\nexit");
    }

    private void skbContext() {
        int[] offs = {0, 4, 8, 16, 24, 32, 36, 40, 44, 48, 52, 64, 68, 72, 76, 80, 84, 88, 92, 140, 144, 152, 168, 176};
        String[] types = {"socket_filter", "tc", "cgroup_skb"};
        for (String t : types) {
            for (int off : offs) {
                add("ctx/" + t + " read u32 at " + off, t, "r0 = *(u32 *)(r1 + " + off + ")\nr0 = 0\nexit");
            }
            for (int off : new int[] {8, 32, 44, 48, 64, 72, 0}) {
                add("ctx/" + t + " write u32 at " + off, t, "r2 = 0\n*(u32 *)(r1 + " + off + ") = r2\nr0 = 0\nexit");
            }
            add("ctx/" + t + " read u8 of len", t, "r0 = *(u8 *)(r1 + 0)\nr0 = 0\nexit");
            add("ctx/" + t + " read u64 at 0", t, "r0 = *(u64 *)(r1 + 0)\nr0 = 0\nexit");
        }
    }

    /** Tracepoint records (read-only, past the 8-byte common header) and perf event data (registers as whole longs). */
    private void tracingContexts() {
        int[][] tracepoint = {{0, 8}, {4, 4}, {8, 8}, {8, 4}, {9, 1}, {10, 2}, {10, 4}, {12, 4}, {2048, 8}, {8184, 8},
            {8190, 2}, {8190, 4}, {8192, 8}, {8192, 1}};
        for (int[] a : tracepoint) {
            String sz = "u" + a[1] * 8;
            add("ctx/tracepoint read " + sz + " at " + a[0], "tracepoint", "r0 = *(" + sz + " *)(r1 + " + a[0] + ")\nr0 = 0\nexit");
        }
        add("ctx/tracepoint write u64 at 8", "tracepoint", "r2 = 1\n*(u64 *)(r1 + 8) = r2\nr0 = 0\nexit");
        add("ctx/tracepoint return any value", "tracepoint", "r0 = 7\nexit");
        int[][] perf = {{0, 8}, {0, 4}, {8, 8}, {80, 8}, {80, 2}, {160, 8}, {164, 4}, {168, 8}, {168, 4}, {172, 4}, {169, 1},
            {176, 2}, {176, 8}, {182, 2}, {184, 8}, {180, 8}};
        for (int[] a : perf) {
            String sz = "u" + a[1] * 8;
            add("ctx/perf_event read " + sz + " at " + a[0], "perf_event", "r0 = *(" + sz + " *)(r1 + " + a[0] + ")\nr0 = 0\nexit");
        }
        add("ctx/perf_event write sample_period", "perf_event", "r2 = 1\n*(u64 *)(r1 + 168) = r2\nr0 = 0\nexit");
        add("ctx/perf_event return any value", "perf_event", "r0 = 5\nexit");
    }

    /** struct bpf_sock_ops: which fields are read at which sizes, which are written, what the pointers in it give. */
    private void sockOpsContext() {
        int[][] reads = {{0, 4}, {0, 2}, {0, 8}, {4, 4}, {4, 1}, {20, 4}, {64, 4}, {148, 4}, {152, 8}, {160, 4}, {164, 4},
            {168, 8}, {172, 4}, {176, 8}, {184, 4}, {196, 4}, {200, 8}, {208, 4}, {212, 4}, {212, 1}, {214, 2},
            {216, 8}, {216, 4}, {220, 4}, {224, 4}, {2, 4}};
        for (int[] a : reads) {
            String sz = "u" + a[1] * 8;
            add("ctx/sock_ops read " + sz + " at " + a[0], "sock_ops", "r2 = *(" + sz + " *)(r1 + " + a[0] + ")\nr0 = 1\nexit");
        }
        int[][] writes = {{4, 4}, {8, 4}, {16, 4}, {0, 4}, {20, 4}, {148, 4}, {164, 4}, {4, 2}, {8, 8}, {168, 8}};
        for (int[] a : writes) {
            String sz = "u" + a[1] * 8;
            add("ctx/sock_ops write " + sz + " at " + a[0], "sock_ops", "r2 = 1\n*(" + sz + " *)(r1 + " + a[0] + ") = r2\nr0 = 1\nexit");
        }
        add("ctx/sock_ops bytes_received is a number", "sock_ops", "r2 = *(u64 *)(r1 + 168)\nr0 = *(u32 *)(r2 + 0)\nr0 = 1\nexit");
        add("ctx/sock_ops sk may be null", "sock_ops", "r2 = *(u64 *)(r1 + 184)\nr0 = *(u32 *)(r2 + 0)\nr0 = 1\nexit");
        add("ctx/sock_ops sk compared with null", "sock_ops", """
                r2 = *(u64 *)(r1 + 184)
                r0 = 1
                if r2 == 0 goto +1
                r0 = 0
                exit
                """);
        int[][] sockReads = {{0, 4}, {0, 1}, {0, 8}, {4, 2}, {4, 1}, {5, 1}, {12, 1}, {16, 4}, {16, 2}, {26, 2}, {30, 1},
            {44, 2}, {48, 4}, {48, 2}, {49, 1}, {50, 2}, {52, 4}, {54, 2}, {70, 2}, {72, 1}, {73, 1}, {76, 4}, {78, 2},
            {80, 4}, {76, 8}};
        for (int[] a : sockReads) {
            String sz = "u" + a[1] * 8;
            add("sock/sock_ops sk read " + sz + " at " + a[0], "sock_ops", """
                    r2 = *(u64 *)(r1 + 184)
                    if r2 == 0 goto +1
                    r3 = *(SZ *)(r2 + OFF)
                    r0 = 1
                    exit
                    """.replace("SZ", sz).replace("OFF", String.valueOf(a[0])));
        }
        add("sock/sock_ops sk write", "sock_ops", """
                r2 = *(u64 *)(r1 + 184)
                if r2 == 0 goto +2
                r3 = 1
                *(u32 *)(r2 + 16) = r3
                r0 = 1
                exit
                """);
        add("ctx/sock_ops packet read after check", "sock_ops", """
                r2 = *(u64 *)(r1 + 192)
                r3 = *(u64 *)(r1 + 200)
                r4 = r2
                r4 += 4
                if r4 > r3 goto +1
                r0 = *(u32 *)(r2 + 0)
                r0 = 1
                exit
                """);
        add("ctx/sock_ops packet read without check", "sock_ops", "r2 = *(u64 *)(r1 + 192)\nr0 = *(u8 *)(r2 + 0)\nr0 = 1\nexit");
        add("ctx/sock_ops packet write after check", "sock_ops", """
                r2 = *(u64 *)(r1 + 192)
                r3 = *(u64 *)(r1 + 200)
                r4 = r2
                r4 += 4
                if r4 > r3 goto +2
                r5 = 0
                *(u8 *)(r2 + 0) = r5
                r0 = 1
                exit
                """);
        add("ctx/sock_ops return 2", "sock_ops", "r0 = 2\nexit");
        add("ctx/sock_ops return unknown", "sock_ops", "r0 = *(u32 *)(r1 + 0)\nexit");
        add("ctx/sock_ops return 0 or 1", "sock_ops", "r0 = *(u32 *)(r1 + 0)\nr0 &= 1\nexit");
    }

    private void packets() {
        int[] checks = {0, 1, 8, 14, 34};
        int[][] accesses = {{0, 1}, {0, 8}, {6, 8}, {12, 2}, {13, 2}, {30, 4}, {33, 1}, {34, 1}};
        for (int n : checks) {
            for (int[] a : accesses) {
                String sz = switch (a[1]) {
                    case 1 -> "u8";
                    case 2 -> "u16";
                    case 4 -> "u32";
                    default -> "u64";
                };
                if (n == 0 && a[0] > 0) {
                    continue;
                }
                add("pkt/check " + n + " read " + sz + " at " + a[0], "xdp", """
                        r2 = *(u32 *)(r1 + 0)
                        r3 = *(u32 *)(r1 + 4)
                        r4 = r2
                        r4 += %d
                        if r4 > r3 goto +1
                        r0 = *(%s *)(r2 + %d)
                        r0 = 0
                        exit
                        """.formatted(n, sz, a[0]));
            }
        }
        add("pkt/strict check gives one more byte", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 4
                if r4 >= r3 goto +1
                r0 = *(u8 *)(r2 + 4)
                r0 = 0
                exit
                """);
        add("pkt/check in the wrong branch", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                if r4 > r3 goto +2
                r0 = 0
                exit
                r0 = *(u8 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("pkt/end compared with data", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                if r3 < r4 goto +1
                r0 = *(u64 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("pkt/write after check", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                if r4 > r3 goto +2
                r5 = 0
                *(u32 *)(r2 + 4) = r5
                r0 = 0
                exit
                """);
        add("pkt/access through data_end", "xdp", "r3 = *(u32 *)(r1 + 4)\nr0 = *(u8 *)(r3 + 0)\nr0 = 0\nexit");
        add("pkt/arithmetic on data_end", "xdp", "r3 = *(u32 *)(r1 + 4)\nr3 += 1\nr0 = 0\nexit");
        add("pkt/variable offset after check", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 16
                if r4 > r3 goto +4
                r5 = *(u8 *)(r2 + 0)
                r5 &= 7
                r2 += r5
                r0 = *(u8 *)(r2 + 8)
                r0 = 0
                exit
                """);
        add("pkt/variable offset then check", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r6 = *(u32 *)(r1 + 12)
                r6 &= 255
                r2 += r6
                r4 = r2
                r4 += 4
                if r4 > r3 goto +1
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("pkt/variable offset unbounded", "xdp", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r6 = *(u32 *)(r1 + 12)
                r2 += r6
                r4 = r2
                r4 += 4
                if r4 > r3 goto +1
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("pkt/meta before data", "xdp", """
                r2 = *(u32 *)(r1 + 8)
                r3 = *(u32 *)(r1 + 0)
                r4 = r2
                r4 += 4
                if r4 > r3 goto +1
                r0 = *(u32 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("pkt/meta unchecked", "xdp", "r2 = *(u32 *)(r1 + 8)\nr0 = *(u32 *)(r2 + 0)\nr0 = 0\nexit");
        for (String t : new String[] {"tc", "cgroup_skb"}) {
            add("pkt/" + t + " read after check", t, """
                    r2 = *(u32 *)(r1 + 76)
                    r3 = *(u32 *)(r1 + 80)
                    r4 = r2
                    r4 += 14
                    if r4 > r3 goto +1
                    r0 = *(u16 *)(r2 + 12)
                    r0 = 1
                    exit
                    """);
            add("pkt/" + t + " write after check", t, """
                    r2 = *(u32 *)(r1 + 76)
                    r3 = *(u32 *)(r1 + 80)
                    r4 = r2
                    r4 += 14
                    if r4 > r3 goto +2
                    r5 = 0
                    *(u16 *)(r2 + 12) = r5
                    r0 = 1
                    exit
                    """);
        }
    }

    private static final String LOOKUP = """
            r2 = 0
            *(u32 *)(r10 - 4) = r2
            r2 = r10
            r2 += -4
            r1 = map(0) ll
            call 1
            """;

    private void mapValues() {
        int[][] accesses = {{0, 8}, {8, 8}, {12, 4}, {15, 1}, {16, 1}, {14, 4}, {-1, 1}, {-8, 8}};
        for (String mt : new String[] {"array", "hash"}) {
            for (int[] a : accesses) {
                String sz = a[1] == 1 ? "u8" : a[1] == 4 ? "u32" : "u64";
                String off = a[0] < 0 ? "- " + (-a[0]) : "+ " + a[0];
                add("map/" + mt + " value read " + sz + " at " + a[0], "xdp", LOOKUP + """
                        if r0 == 0 goto +1
                        r1 = *(%s *)(r0 %s)
                        r0 = 0
                        exit
                        """.formatted(sz, off), mt + ":4:16:4");
                add("map/" + mt + " value write " + sz + " at " + a[0], "xdp", LOOKUP + """
                        if r0 == 0 goto +2
                        r1 = 1
                        *(%s *)(r0 %s) = r1
                        r0 = 0
                        exit
                        """.formatted(sz, off), mt + ":4:16:4");
            }
        }
        int[] masks = {7, 15, 16, 31, 255};
        for (int m : masks) {
            add("map/variable index masked with " + m, "xdp", LOOKUP + """
                    if r0 == 0 goto +5
                    r1 = *(u32 *)(r0 + 0)
                    r1 &= %d
                    r0 += r1
                    r1 = *(u8 *)(r0 + 0)
                    r0 = 0
                    r0 = 0
                    exit
                    """.formatted(m), "array:4:16:1");
        }
        int[] bounds = {8, 15, 16, 17};
        for (int b : bounds) {
            add("map/variable index below " + b, "xdp", LOOKUP + """
                    if r0 == 0 goto +5
                    r1 = *(u32 *)(r0 + 0)
                    if r1 >= %d goto +3
                    r0 += r1
                    r1 = *(u8 *)(r0 + 0)
                    r0 = 0
                    r0 = 0
                    exit
                    """.formatted(b), "array:4:16:1");
            add("map/signed index below " + b, "xdp", LOOKUP + """
                    if r0 == 0 goto +5
                    r1 = *(u64 *)(r0 + 0)
                    if r1 s>= %d goto +3
                    r0 += r1
                    r1 = *(u8 *)(r0 + 0)
                    r0 = 0
                    r0 = 0
                    exit
                    """.formatted(b), "array:4:16:1");
        }
        add("map/variable index unbounded", "xdp", LOOKUP + """
                if r0 == 0 goto +4
                r1 = *(u32 *)(r0 + 0)
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                r0 = 0
                exit
                """, "array:4:16:1");
        add("map/store pointer into value", "xdp", LOOKUP + """
                if r0 == 0 goto +1
                *(u64 *)(r0 + 0) = r10
                r0 = 0
                exit
                """, "array:4:16:1");
        add("map/percpu array value", "xdp", LOOKUP + """
                if r0 == 0 goto +1
                r1 = *(u64 *)(r0 + 8)
                r0 = 0
                exit
                """, "percpu_array:4:16:1");
        add("map/lru hash value past end", "xdp", LOOKUP + """
                if r0 == 0 goto +1
                r1 = *(u64 *)(r0 + 12)
                r0 = 0
                exit
                """, "lru_hash:4:16:8");
    }

    private void nullChecks() {
        add("null/deref without check", "xdp", LOOKUP + "r1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit", "array:4:8:1");
        add("null/deref in null branch", "xdp", LOOKUP + "if r0 != 0 goto +1\nr1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit",
                "array:4:8:1");
        add("null/check the copy", "xdp", LOOKUP + "r6 = r0\nif r6 == 0 goto +1\nr1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit",
                "array:4:8:1");
        add("null/check after arithmetic", "xdp", LOOKUP + "r0 += 4\nif r0 == 0 goto +1\nr1 = *(u32 *)(r0 + 0)\nr0 = 0\nexit",
                "array:4:8:1");
        add("null/spilled then checked", "xdp", LOOKUP + """
                *(u64 *)(r10 - 16) = r0
                if r0 == 0 goto +2
                r1 = *(u64 *)(r10 - 16)
                r1 = *(u64 *)(r1 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("null/two lookups one checked", "xdp", LOOKUP + """
                r6 = r0
                r2 = r10
                r2 += -4
                r1 = map(0) ll
                call 1
                if r6 == 0 goto +1
                r1 = *(u64 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("null/compare with 1", "xdp", LOOKUP + "if r0 == 1 goto +1\nr1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit", "array:4:8:1");
        add("null/return maybe-null pointer", "xdp", LOOKUP + "exit", "array:4:8:1");
        add("null/jset on pointer", "xdp", LOOKUP + "if r0 & 1 goto +1\nr0 = 0\nexit", "array:4:8:1");
    }

    private void helpers() {
        add("helper/ktime", "xdp", "call 5\nr0 = 0\nexit");
        add("helper/prandom", "xdp", "call 7\nexit");
        add("helper/unknown id", "xdp", "call 9999\nr0 = 0\nexit");
        add("helper/probe_read not for xdp", "xdp", "r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall 4\nr0 = 0\nexit");
        add("helper/get_current_pid_tgid not for xdp", "xdp", "call 14\nr0 = 0\nexit");
        add("helper/get_current_pid_tgid from raw_tp", "raw_tp", "call 14\nr0 = 0\nexit");
        add("helper/get_stack not for xdp", "xdp", "r2 = r10\nr2 += -64\nr3 = 64\nr4 = 0\ncall 67\nr0 = 0\nexit");
        addLicensed("helper/trace_printk needs GPL", "xdp", "Proprietary", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 8
                call 6
                r0 = 0
                exit
                """);
        addLicensed("helper/trace_printk with GPL", "xdp", "GPL", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 8
                call 6
                r0 = 0
                exit
                """);
        addLicensed("helper/ktime without GPL", "xdp", "Proprietary", "call 5\nr0 = 0\nexit");
        add("helper/lookup with scalar map", "xdp", "r1 = 0\nr2 = r10\nr2 += -8\ncall 1\nr0 = 0\nexit");
        add("helper/lookup with uninit key", "xdp", "r2 = r10\nr2 += -4\nr1 = map(0) ll\ncall 1\nr0 = 0\nexit", "array:4:8:1");
        add("helper/lookup key past frame", "xdp", """
                r2 = r10
                r2 += -2
                r3 = 0
                *(u16 *)(r10 - 2) = r3
                r1 = map(0) ll
                call 1
                r0 = 0
                exit
                """, "array:4:8:1");
        add("helper/lookup key in ctx", "xdp", "r2 = r1\nr1 = map(0) ll\ncall 1\nr0 = 0\nexit", "array:4:8:1");
        add("helper/lookup key scalar", "xdp", "r2 = 0\nr1 = map(0) ll\ncall 1\nr0 = 0\nexit", "array:4:8:1");
        add("helper/update with value on stack", "xdp", """
                r2 = 0
                *(u64 *)(r10 - 8) = r2
                *(u64 *)(r10 - 16) = r2
                r2 = r10
                r2 += -8
                r3 = r10
                r3 += -16
                r1 = map(0) ll
                r4 = 0
                call 2
                r0 = 0
                exit
                """, "hash:4:8:16");
        add("helper/update value too small", "xdp", """
                r2 = 0
                *(u64 *)(r10 - 8) = r2
                r2 = r10
                r2 += -8
                r3 = r10
                r3 += -4
                r1 = map(0) ll
                r4 = 0
                call 2
                r0 = 0
                exit
                """, "hash:4:8:16");
        add("helper/update flags pointer", "xdp", """
                r2 = 0
                *(u64 *)(r10 - 8) = r2
                r2 = r10
                r2 += -8
                r3 = r10
                r3 += -8
                r1 = map(0) ll
                r4 = r10
                call 2
                r0 = 0
                exit
                """, "hash:4:8:16");
        add("helper/delete", "xdp", """
                r2 = 0
                *(u32 *)(r10 - 4) = r2
                r2 = r10
                r2 += -4
                r1 = map(0) ll
                call 3
                r0 = 0
                exit
                """, "hash:4:8:16");
        add("helper/key from map value", "xdp", LOOKUP + """
                if r0 == 0 goto +4
                r2 = r0
                r1 = map(0) ll
                call 1
                r0 = 0
                exit
                """, "hash:4:8:16");
        for (String t : new String[] {"socket_filter", "tc", "cgroup_skb"}) {
            for (int size : new int[] {4, 8, 16, 17, 0}) {
                add("helper/" + t + " skb_load_bytes " + size + " bytes to 16 on stack", t, """
                        r2 = 0
                        r3 = r10
                        r3 += -16
                        r4 = %d
                        call 26
                        r0 = 0
                        exit
                        """.formatted(size));
            }
            add("helper/" + t + " skb_load_bytes variable size", t, """
                    r4 = *(u32 *)(r1 + 0)
                    r4 &= 15
                    r4 += 1
                    r2 = 0
                    r3 = r10
                    r3 += -16
                    call 26
                    r0 = 0
                    exit
                    """);
            add("helper/" + t + " skb_load_bytes unbounded size", t, """
                    r4 = *(u32 *)(r1 + 0)
                    r2 = 0
                    r3 = r10
                    r3 += -16
                    call 26
                    r0 = 0
                    exit
                    """);
            add("helper/" + t + " get_socket_cookie", t, "call 46\nr0 = 0\nexit");
            add("helper/" + t + " skb_store_bytes", t, """
                    r2 = 0
                    *(u64 *)(r10 - 8) = r2
                    r3 = r10
                    r3 += -8
                    r4 = 8
                    r5 = 0
                    call 9
                    r0 = 0
                    exit
                    """);
            add("helper/" + t + " ctx argument modified", t, "r1 += 4\nr2 = 0\nr3 = r10\nr3 += -8\nr4 = 4\ncall 26\nr0 = 0\nexit");
        }
        add("helper/csum_diff from stack", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 8
                r3 = 0
                r4 = 0
                r5 = 0
                call 28
                r0 = 0
                exit
                """);
        add("helper/csum_diff size beyond buffer", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 16
                r3 = 0
                r4 = 0
                r5 = 0
                call 28
                r0 = 0
                exit
                """);
        add("helper/csum_diff negative size", "xdp", """
                r1 = r10
                r1 += -8
                r2 = -8
                r3 = 0
                r4 = 0
                r5 = 0
                call 28
                r0 = 0
                exit
                """);
        add("helper/xdp_adjust_head", "xdp", "r2 = -4\ncall 44\nr0 = 0\nexit");
        add("helper/xdp_adjust_head stale packet pointer", "xdp", """
                r6 = r1
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 8
                if r4 > r3 goto +4
                r1 = r6
                r2 = 0
                call 44
                r0 = *(u8 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("helper/redirect_map with array", "xdp", "r1 = map(0) ll\nr2 = 0\nr3 = 0\ncall 51\nexit", "array:4:4:1");
        add("helper/tail_call with array", "xdp", "r2 = map(0) ll\nr3 = 0\ncall 12\nr0 = 0\nexit", "array:4:4:1");
        add("helper/ringbuf_output with array", "xdp", """
                r2 = 0
                *(u64 *)(r10 - 8) = r2
                r2 = r10
                r2 += -8
                r1 = map(0) ll
                r3 = 8
                r4 = 0
                call 130
                r0 = 0
                exit
                """, "array:4:4:1");
        add("helper/perf_event_output with hash", "xdp", """
                r2 = map(0) ll
                r3 = 0
                r4 = r10
                r4 += -8
                r5 = 0
                call 25
                r0 = 0
                exit
                """, "hash:4:4:1");
        add("helper/get_prandom args ignored", "xdp", "r1 = r10\ncall 7\nr0 = 0\nexit");
        add("helper/smp_processor_id", "tc", "call 8\nr0 = 0\nexit");
        add("helper/bpf_loop with callback", "xdp", """
                r1 = 10
                r2 = func(cb) ll
                r3 = 0
                r4 = 0
                call 181
                r0 = 0
                exit
                cb:
                r0 = 0
                exit
                """);
        add("helper/bpf_loop callback returns 2", "xdp", """
                r1 = 10
                r2 = func(cb) ll
                r3 = 0
                r4 = 0
                call 181
                r0 = 0
                exit
                cb:
                r0 = 2
                exit
                """);
        add("helper/bpf_loop callback reads ctx stack", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = 10
                r2 = func(cb) ll
                r3 = r10
                r3 += -8
                r4 = 0
                call 181
                r0 = 0
                exit
                cb:
                r0 = *(u64 *)(r2 + 0)
                r0 = 0
                exit
                """);
        add("helper/bpf_loop callback reads past ctx", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = 10
                r2 = func(cb) ll
                r3 = r10
                r3 += -8
                r4 = 0
                call 181
                r0 = 0
                exit
                cb:
                r0 = *(u64 *)(r2 + 8)
                r0 = 0
                exit
                """);
        add("helper/bpf_loop callback not a function", "xdp", """
                r1 = 10
                r2 = 0
                r3 = 0
                r4 = 0
                call 181
                r0 = 0
                exit
                """);
    }

    private void loops() {
        for (int n : new int[] {4, 100, 1000, 10000}) {
            add("loop/count to " + n, "xdp", """
                    r0 = 0
                    r0 += 1
                    if r0 < %d goto -2
                    r0 = 0
                    exit
                    """.formatted(n));
        }
        add("loop/count to 400000 exceeds the work limit", "xdp", """
                r0 = 0
                r0 += 1
                if r0 < 400000 goto -2
                r0 = 0
                exit
                """);
        add("loop/infinite", "xdp", "r0 = 0\ngoto -1\nexit");
        add("loop/infinite with unchanged state", "xdp", "r0 = 0\nr1 = 1\nif r1 == 1 goto -2\nexit");
        add("loop/unknown bound", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                r0 = 0
                r0 += 1
                if r0 < r2 goto -2
                r0 = 0
                exit
                """);
        add("loop/masked unknown bound", "xdp", """
                r2 = *(u32 *)(r1 + 12)
                r2 &= 63
                r0 = 0
                r0 += 1
                if r0 < r2 goto -2
                r0 = 0
                exit
                """);
        add("loop/countdown", "xdp", """
                r0 = 50
                r0 += -1
                if r0 != 0 goto -2
                exit
                """);
        add("loop/never terminating counter", "xdp", """
                r0 = 0
                r0 += 2
                if r0 != 7 goto -2
                exit
                """);
        add("loop/stack writes in loop", "xdp", """
                r1 = r10
                r1 += -64
                r2 = 0
                r3 = 0
                *(u64 *)(r1 + 0) = r3
                r1 += 8
                r2 += 1
                if r2 < 8 goto -4
                r0 = 0
                exit
                """);
        add("loop/stack writes past frame", "xdp", """
                r1 = r10
                r1 += -64
                r2 = 0
                r3 = 0
                *(u64 *)(r1 + 0) = r3
                r1 += 8
                r2 += 1
                if r2 < 9 goto -4
                r0 = 0
                exit
                """);
        add("loop/back-edge to the first instruction", "xdp", """
                r0 = 0
                r0 += 1
                if r0 > 5 goto +1
                goto -3
                exit
                """);
        add("loop/nested", "xdp", """
                r1 = 0
                r2 = 0
                r2 += 1
                if r2 < 5 goto -2
                r1 += 1
                if r1 < 5 goto -5
                r0 = 0
                exit
                """);
    }

    private void alu() {
        add("alu/div by immediate zero", "xdp", "r0 = 5\nr0 /= 0\nexit");
        add("alu/mod by immediate zero", "xdp", "r0 = 5\nr0 %= 0\nexit");
        add("alu/div by register zero", "xdp", "r0 = 5\nr1 = 0\nr0 /= r1\nexit");
        add("alu/div32 by immediate zero", "xdp", "w0 = 5\nw0 /= 0\nexit");
        add("alu/div by immediate", "xdp", "r0 = 5\nr0 /= 3\nexit");
        for (int s : new int[] {0, 31, 32, 63, 64, -1}) {
            add("alu/lsh64 by " + s, "xdp", "r0 = 1\nr0 <<= " + s + "\nr0 = 0\nexit");
            add("alu/lsh32 by " + s, "xdp", "w0 = 1\nw0 <<= " + s + "\nw0 = 0\nexit");
            add("alu/arsh64 by " + s, "xdp", "r0 = 1\nr0 s>>= " + s + "\nr0 = 0\nexit");
        }
        add("alu/shift by register", "xdp", "r0 = 1\nr1 = 70\nr0 <<= r1\nr0 = 0\nexit");
        add("alu/neg", "xdp", "r0 = 1\nr0 = -r0\nr0 = 0\nexit");
        add("alu/byte swap", "xdp", "r0 = 1\nr0 = be16 r0\nr0 = le64 r0\nr0 = 0\nexit");
        add("alu/mov32 of uninit", "xdp", "w0 = w5\nexit");
        add("alu/sign extending move", "xdp", "r1 = 255\nr0 = (s8)r1\nr0 = 0\nexit");
        add("alu/index from masked xor", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                r1 = *(u32 *)(r0 + 0)
                r1 &= 3
                r1 ^= 4
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("alu/index from masked or too big", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                r1 = *(u32 *)(r0 + 0)
                r1 &= 3
                r1 |= 8
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("alu/index from shift", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                r1 = *(u32 *)(r0 + 0)
                r1 >>= 29
                r1 <<= 0
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("alu/index from 32-bit wrap", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                w1 = *(u32 *)(r0 + 0)
                w1 &= 7
                w1 += -1
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("alu/index from multiply", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                r1 = *(u32 *)(r0 + 0)
                r1 &= 3
                r1 *= 2
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("alu/index from multiply too big", "xdp", LOOKUP + """
                if r0 == 0 goto +5
                r1 = *(u32 *)(r0 + 0)
                r1 &= 3
                r1 *= 3
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
    }

    private void pointerArithmetic() {
        add("ptr/stack minus immediate", "xdp", "r1 = r10\nr1 -= 8\nr0 = 0\nexit");
        add("ptr/stack plus negative", "xdp", "r1 = r10\nr1 += -8\nr0 = 0\nexit");
        add("ptr/and on pointer", "xdp", "r1 = r10\nr1 &= -8\nr0 = 0\nexit");
        add("ptr/or on pointer", "xdp", "r1 |= 1\nr0 = 0\nexit");
        add("ptr/multiply pointer", "xdp", "r1 *= 2\nr0 = 0\nexit");
        add("ptr/32-bit add to pointer", "xdp", "w1 += 4\nr0 = 0\nexit");
        add("ptr/32-bit copy of pointer", "xdp", "w0 = w1\nexit");
        add("ptr/pointer plus pointer", "xdp", "r1 += r10\nr0 = 0\nexit");
        add("ptr/pointer minus pointer", "xdp", "r0 = r10\nr0 -= r10\nexit");
        add("ptr/scalar minus pointer", "xdp", "r0 = 5\nr0 -= r1\nr0 = 0\nexit");
        add("ptr/scalar plus pointer", "xdp", "r0 = 4\nr0 += r10\nr0 += -8\n*(u64 *)(r0 + 0) = r1\nr0 = 0\nexit");
        add("ptr/map pointer plus zero", "xdp", "r1 = map(0) ll\nr1 += 0\nr0 = 0\nexit", "array:4:8:1");
        add("ptr/map pointer plus one", "xdp", "r1 = map(0) ll\nr1 += 1\nr0 = 0\nexit", "array:4:8:1");
        add("ptr/deref map pointer", "xdp", "r1 = map(0) ll\nr0 = *(u64 *)(r1 + 0)\nr0 = 0\nexit", "array:4:8:1");
        add("ptr/maybe-null plus one", "xdp", LOOKUP + "r0 += 1\nr0 = 0\nexit", "array:4:8:1");
        add("ptr/huge constant", "xdp", "r1 = r10\nr1 += 1073741824\nr0 = 0\nexit");
        add("ptr/unbounded scalar added", "xdp", "r2 = *(u32 *)(r1 + 12)\nr2 <<= 32\nr1 = r10\nr1 += r2\nr0 = 0\nexit");
        add("ptr/deref scalar", "xdp", "r1 = 4096\nr0 = *(u64 *)(r1 + 0)\nexit");
        add("ptr/return pointer", "xdp", "r0 = r10\nexit");
        add("ptr/compare pointers", "xdp", "r0 = 0\nr2 = r10\nif r1 > r2 goto +0\nexit");
        add("ptr/neg pointer", "xdp", "r1 = -r1\nr0 = 0\nexit");
        add("ptr/byte swap pointer", "xdp", "r1 = be64 r1\nr0 = 0\nexit");
    }

    private void controlFlow() {
        add("cfg/unreachable instruction", "xdp", "r0 = 0\nexit\nr0 = 1\nexit");
        add("cfg/fall off the end", "xdp", "r0 = 0\nif r0 == 0 goto +1\nexit\nr0 = 1");
        add("cfg/dead branch", "xdp", "r0 = 0\nif r0 == 1 goto +1\nexit\nr1 = *(u64 *)(r10 + 8)\nexit");
        add("cfg/jump over lddw", "xdp", "r0 = 0\ngoto +2\nr0 = 1 ll\nexit");
        add("cfg/ja32", "xdp", "r0 = 0\ngotol +1\nr0 = 1\nexit");
        add("cfg/jump32 unknown", "xdp", "r2 = *(u32 *)(r1 + 12)\nr0 = 0\nif w2 > 7 goto +1\nr0 = 1\nexit");
        add("cfg/jump32 narrows low half", "xdp", LOOKUP + """
                if r0 == 0 goto +4
                r1 = *(u32 *)(r0 + 0)
                if w1 > 7 goto +2
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("cfg/jump32 on 64-bit value", "xdp", LOOKUP + """
                if r0 == 0 goto +4
                r1 = *(u64 *)(r0 + 0)
                if w1 > 7 goto +2
                r0 += r1
                r1 = *(u8 *)(r0 + 0)
                r0 = 0
                exit
                """, "array:4:8:1");
        add("cfg/lddw 64-bit constant", "xdp", "r0 = 0x123456789 ll\nr0 = 0\nexit");
    }

    private void calls() {
        add("call/subprogram", "xdp", "call sub\nexit\nsub:\nr0 = 1\nexit");
        add("call/subprogram sees caller stack pointer", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                call sub
                exit
                sub:
                r0 = *(u64 *)(r1 + 0)
                exit
                """);
        add("call/subprogram reads caller r6", "xdp", "r6 = 1\ncall sub\nexit\nsub:\nr0 = r6\nexit");
        add("call/r0 not set by subprogram", "xdp", "call sub\nexit\nsub:\nr1 = 1\nexit");
        add("call/returns stack pointer", "xdp", "call sub\nr0 = 0\nexit\nsub:\nr0 = r10\nexit");
        add("call/recursion", "xdp", "call sub\nexit\nsub:\ncall sub\nr0 = 0\nexit");
        StringBuilder deep = new StringBuilder("call f1\nexit\n");
        for (int i = 1; i <= 8; i++) {
            deep.append("f").append(i).append(":\n").append(i < 8 ? "call f" + (i + 1) + "\n" : "").append("r0 = 0\nexit\n");
        }
        add("call/nine frames", "xdp", deep.toString());
        StringBuilder ok = new StringBuilder("call f1\nexit\n");
        for (int i = 1; i <= 7; i++) {
            ok.append("f").append(i).append(":\n").append(i < 7 ? "call f" + (i + 1) + "\n" : "").append("r0 = 0\nexit\n");
        }
        add("call/eight frames", "xdp", ok.toString());
        add("call/combined stack too large", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 256) = r1
                call f1
                exit
                f1:
                r1 = 0
                *(u64 *)(r10 - 256) = r1
                call f2
                exit
                f2:
                r1 = 0
                *(u64 *)(r10 - 64) = r1
                r0 = 0
                exit
                """);
        add("call/combined stack fits", "xdp", """
                r1 = 0
                *(u64 *)(r10 - 200) = r1
                call f1
                exit
                f1:
                r1 = 0
                *(u64 *)(r10 - 200) = r1
                call f2
                exit
                f2:
                r1 = 0
                *(u64 *)(r10 - 64) = r1
                r0 = 0
                exit
                """);
        add("call/tail call in subprogram", "xdp", "call sub\nexit\nsub:\nr2 = map(0) ll\nr3 = 0\ncall 12\nr0 = 0\nexit",
                "array:4:4:1");
    }

    private void returnCodes() {
        for (int v : new int[] {0, 1, 2, 3, 4, -1}) {
            add("ret/cgroup_skb returns " + v, "cgroup_skb", "r0 = " + v + "\nexit");
        }
        add("ret/cgroup_skb returns unknown", "cgroup_skb", "r0 = *(u32 *)(r1 + 0)\nexit");
        add("ret/cgroup_skb returns masked", "cgroup_skb", "r0 = *(u32 *)(r1 + 0)\nr0 &= 1\nexit");
        add("ret/xdp returns anything", "xdp", "r0 = 12345\nexit");
        add("ret/tc returns anything", "tc", "r0 = -1\nexit");
    }
}
