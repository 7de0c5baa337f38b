package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.maps.Errno;

import io.bpf4j.runtime.HelperContext;
import java.nio.charset.StandardCharsets;

/**
 * {@code bpf_trace_printk} and {@code bpf_trace_vprintk}: the format subset Linux's
 * {@code bpf_bprintf_prepare} accepts, formatted as the kernel's {@code vsnprintf} formats it.
 *
 * <p>Accepted: {@code %%}; flags {@code 0 + - space} and a width; {@code %d %i %u %x %X} with
 * {@code l} or {@code ll} (64-bit; without, the argument's low 32 bits); {@code %c}; {@code %s}
 * and {@code %pks} (a string in program or kernel memory), {@code %pus} (user memory);
 * {@code %p %pK %px} (the value as 16 hex digits: Linux hashes plain {@code %p}, bpf4j does not),
 * {@code %ps %pS %pB} (no symbols: {@code 0x} and the hex value); {@code %pI4 %pi4 %pI6 %pi6}
 * (an IP address read from memory). Anything else, a format without a NUL within fmt_size, a
 * non-printable character in it, or more conversions than arguments (3 for trace_printk) is
 * -EINVAL, as in Linux. A string that cannot be read prints as empty. The message is cut at
 * 511 bytes; the return value is its full length, as {@code bstr_printf} returns.
 */
final class TracePrintk {
    private TracePrintk() {}

    /** MAX_TRACE_PRINTK_VARARGS. */
    static final int PRINTK_ARGUMENTS = 3;
    /** MAX_BPRINTF_VARARGS. */
    static final int MAX_VARARGS = 12;
    /** MAX_BPRINTF_BUF less the NUL. */
    static final int MAX_MESSAGE = 511;

    /** A format Linux rejects. */
    private static final class InvalidFormat extends Exception {
        InvalidFormat() {
            super(null, null, false, false);
        }
    }

    static long printk(long fmt, long fmtSize, long a1, long a2, long a3, HelperContext h) {
        return print(h, fmt, fmtSize, new long[] {a1, a2, a3});
    }

    static long vprintk(long fmt, long fmtSize, long data, long dataLength, long r5, HelperContext h) {
        long length = dataLength & 0xffffffffL;
        if (length % 8 != 0 || length > MAX_VARARGS * 8L) {
            return -Errno.EINVAL;
        }
        long[] args = new long[(int) length / 8];
        for (int i = 0; i < args.length; i++) {
            args[i] = h.memory().load(data + 8L * i, 8, h.pc());
        }
        return print(h, fmt, fmtSize, args);
    }

    private static long print(HelperContext h, long fmt, long fmtSize, long[] args) {
        int size = HelperArgs.size(fmtSize);
        byte[] format = h.memory().read(fmt, size, h.pc());
        String message;
        try {
            message = format(h, format, args);
        } catch (InvalidFormat e) {
            return -Errno.EINVAL;
        }
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        String shown = bytes.length > MAX_MESSAGE ? new String(bytes, 0, MAX_MESSAGE, StandardCharsets.ISO_8859_1) : message;
        h.host().tracePrintk().accept(shown.endsWith("\n") ? shown.substring(0, shown.length() - 1) : shown);
        return bytes.length;
    }

    /** Formats {@code format} (up to its NUL) with {@code args}, or throws if Linux would refuse it. */
    static String format(HelperContext h, byte[] format, long[] args) throws InvalidFormat {
        int end = 0;
        while (end < format.length && format[end] != 0) {
            end++;
        }
        if (end == format.length) {
            throw new InvalidFormat(); // not NUL-terminated within fmt_size
        }
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < end) {
            char c = (char) (format[i] & 0xff);
            if (!(c >= 0x20 && c < 0x7f) && !(c == ' ' || (c >= '\t' && c <= '\r'))) {
                throw new InvalidFormat();
            }
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (at(format, i + 1) == '%') {
                out.append('%');
                i += 2;
                continue;
            }
            if (next >= args.length) {
                throw new InvalidFormat();
            }
            long arg = args[next++];
            i++;
            boolean left = false, zero = false, plus = false, space = false;
            for (char f = at(format, i); f == '0' || f == '+' || f == '-' || f == ' '; f = at(format, ++i)) {
                switch (f) {
                    case '0' -> zero = true;
                    case '+' -> plus = true;
                    case '-' -> left = true;
                    default -> space = true;
                }
            }
            int width = 0;
            if (at(format, i) >= '1' && at(format, i) <= '9') {
                while (at(format, i) >= '0' && at(format, i) <= '9') {
                    width = Math.min(width * 10 + (at(format, i) - '0'), 4096);
                    i++;
                }
            }
            char conversion = at(format, i);
            String text;
            boolean numeric = false;
            String sign = "";
            if (conversion == 'p') {
                char kind = at(format, i + 1);
                if ((kind == 'k' || kind == 'u') && at(format, i + 2) == 's') {
                    requireSeparator(at(format, i + 3));
                    text = string(h, arg, kind == 'k' ? TracingHelpers.Space.KERNEL : TracingHelpers.Space.USER);
                    i += 3;
                } else if (kind == 0 || Character.isWhitespace(kind) || isPunct(kind) || kind == 'K' || kind == 'x') {
                    text = String.format("%016x", arg);
                    i += kind == 'K' || kind == 'x' ? 2 : 1;
                } else if (kind == 's' || kind == 'S' || kind == 'B') {
                    text = "0x" + Long.toHexString(arg);
                    i += 2;
                } else if ((kind == 'i' || kind == 'I') && (at(format, i + 2) == '4' || at(format, i + 2) == '6')) {
                    text = ip(h, arg, kind == 'i', at(format, i + 2) == '4' ? 4 : 16);
                    i += 3;
                } else {
                    throw new InvalidFormat();
                }
            } else if (conversion == 's') {
                requireSeparator(at(format, i + 1));
                text = string(h, arg, TracingHelpers.Space.KERNEL);
                i++;
            } else if (conversion == 'c') {
                text = String.valueOf((char) (arg & 0xff));
                i++;
            } else {
                boolean wide = false;
                if (conversion == 'l') {
                    wide = true;
                    conversion = at(format, ++i);
                    if (conversion == 'l') {
                        conversion = at(format, ++i);
                    }
                }
                long value = wide ? arg : conversion == 'd' || conversion == 'i' ? (int) arg : arg & 0xffffffffL;
                text = switch (conversion) {
                    case 'd', 'i' -> {
                        if (value < 0) {
                            sign = "-";
                        } else if (plus) {
                            sign = "+";
                        } else if (space) {
                            sign = " ";
                        }
                        yield value < 0 ? Long.toUnsignedString(-value) : Long.toString(value);
                    }
                    case 'u' -> Long.toUnsignedString(value);
                    case 'x' -> Long.toHexString(value);
                    case 'X' -> Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
                    default -> throw new InvalidFormat();
                };
                numeric = true;
                i++;
            }
            int padding = width - sign.length() - text.length();
            if (padding <= 0) {
                out.append(sign).append(text);
            } else if (left) {
                out.append(sign).append(text).append(" ".repeat(padding));
            } else if (zero && numeric) {
                out.append(sign).append("0".repeat(padding)).append(text);
            } else {
                out.append(" ".repeat(padding)).append(sign).append(text);
            }
        }
        return out.toString();
    }

    private static char at(byte[] format, int i) {
        return i < format.length ? (char) (format[i] & 0xff) : 0;
    }

    private static boolean isPunct(char c) {
        return c > ' ' && c < 0x7f && !Character.isLetterOrDigit(c);
    }

    /** Linux requires a string conversion to be followed by the end, a space or punctuation. */
    private static void requireSeparator(char c) throws InvalidFormat {
        if (c != 0 && !Character.isWhitespace(c) && !isPunct(c)) {
            throw new InvalidFormat();
        }
    }

    private static String string(HelperContext h, long address, TracingHelpers.Space space) {
        byte[] bytes = new byte[MAX_MESSAGE];
        int n = TracingHelpers.readTracee(h, address, bytes, space);
        int length = 0;
        while (length < n && bytes[length] != 0) {
            length++;
        }
        if (length == n && n < bytes.length) {
            return ""; // unreadable before its end
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static String ip(HelperContext h, long address, boolean padded, int length) {
        byte[] bytes = new byte[length];
        if (TracingHelpers.readTracee(h, address, bytes, TracingHelpers.Space.KERNEL) < length) {
            bytes = new byte[length]; // Linux prints zeros for an unreadable address
        }
        StringBuilder out = new StringBuilder();
        if (length == 4) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    out.append('.');
                }
                out.append(padded ? String.format("%03d", bytes[i] & 0xff) : Integer.toString(bytes[i] & 0xff));
            }
        } else {
            for (int i = 0; i < 16; i += 2) {
                if (i > 0 && !padded) {
                    out.append(':');
                }
                out.append(String.format("%02x%02x", bytes[i] & 0xff, bytes[i + 1] & 0xff));
            }
        }
        return out.toString();
    }
}
