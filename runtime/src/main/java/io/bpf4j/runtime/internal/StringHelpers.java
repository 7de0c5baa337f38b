package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.maps.Errno;

/**
 * The string helpers: {@code bpf_strncmp} and {@code bpf_snprintf}. Both take a constant string
 * (which Linux's verifier insists lives in a read-only map, NUL-terminated within the value);
 * at run time bpf4j reads it up to its NUL, which must lie inside the region it starts in.
 */
final class StringHelpers {
    private StringHelpers() {}

    static final int SNPRINTF = 165;
    static final int STRNCMP = 182;

    /** Longest constant string read, a bound for hostile programs (Linux bounds it by the map value size). */
    private static final int MAX_CONSTANT_STRING = 1 << 16;

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(STRNCMP, "strncmp", (s1, s1Size, s2, d, e, h) -> strncmp(h, s1, s1Size, s2))
                .register(SNPRINTF, "snprintf", StringHelpers::snprintf);
    }

    /**
     * {@code long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2)}: compares at most
     * {@code s1_sz} bytes as the kernel's strncmp does, answering -1, 0 or 1 (bytes compared unsigned).
     */
    static long strncmp(HelperContext h, long s1, long s1Size, long s2) {
        int size = HelperArgs.size(s1Size);
        byte[] first = h.memory().read(s1, size, h.pc());
        byte[] second = constantString(h, s2);
        for (int i = 0; i < size; i++) {
            int c1 = first[i] & 0xff;
            int c2 = i < second.length ? second[i] & 0xff : 0;
            if (c1 != c2) {
                return c1 < c2 ? -1 : 1;
            }
            if (c1 == 0) {
                break;
            }
        }
        return 0;
    }

    /**
     * {@code long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len)}:
     * formats like trace_printk (same conversions, up to 12 arguments, {@code data_len} a multiple
     * of 8) into {@code str}, always NUL-terminated when {@code str_size > 0}, and returns the
     * length the whole output needs including its NUL (more than {@code str_size} means it was cut).
     */
    static long snprintf(long str, long strSize, long fmt, long data, long dataLength, HelperContext h) {
        long length = dataLength & 0xffffffffL;
        if (length % 8 != 0 || length > TracePrintk.MAX_VARARGS * 8L) {
            return -Errno.EINVAL;
        }
        long[] args = new long[(int) length / 8];
        for (int i = 0; i < args.length; i++) {
            args[i] = h.memory().load(data + 8L * i, 8, h.pc());
        }
        byte[] format = constantString(h, fmt);
        String message;
        try {
            // The format reader wants the NUL inside the buffer it is given.
            message = TracePrintk.format(h, java.util.Arrays.copyOf(format, format.length + 1), args);
        } catch (Exception invalidFormat) {
            return -Errno.EINVAL;
        }
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int size = HelperArgs.size(strSize);
        if (size > 0) {
            int copied = Math.min(bytes.length, size - 1);
            byte[] out = new byte[copied + 1]; // the last byte stays the NUL
            System.arraycopy(bytes, 0, out, 0, copied);
            h.memory().write(str, out, h.pc());
        }
        return bytes.length + 1L;
    }

    /** The bytes of the NUL-terminated string at {@code address}, without the NUL. */
    private static byte[] constantString(HelperContext h, long address) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < MAX_CONSTANT_STRING; i++) {
            int b = (int) h.memory().load(address + i, 1, h.pc());
            if (b == 0) {
                return bytes.toByteArray();
            }
            bytes.write(b);
        }
        return bytes.toByteArray();
    }
}
