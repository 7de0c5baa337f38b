package io.bpf4j.loader.btf;

import io.bpf4j.loader.ObjectFormatException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The string section of {@code .BTF}: NUL-terminated strings addressed by offset. */
final class BtfStrings {
    private final byte[] bytes;
    private final Map<Long, String> cache = new HashMap<>();
    /** Bound on the bytes decoded, so that many references into one long string cannot amplify it. */
    private final long budget;
    private long decodedBytes;

    BtfStrings(byte[] bytes) {
        this.bytes = bytes;
        this.budget = 16L * bytes.length + 65536;
    }

    int size() {
        return bytes.length;
    }

    /** The string at {@code offset}, for users of a parsed BTF: not cached, not counted against the budget. */
    String lookup(long offset) {
        if (offset < 0 || offset >= bytes.length) {
            throw new ObjectFormatException("string offset " + offset + " is outside the " + bytes.length
                    + "-byte BTF string section");
        }
        int start = (int) offset;
        int end = start;
        while (bytes[end] != 0) { // the section ends with NUL: checked by the parser
            end++;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** The string at {@code offset} while parsing; {@code what} names the reference, for messages. */
    synchronized String get(long offset, String what) {
        if (offset < 0 || offset >= bytes.length) {
            throw new ObjectFormatException(what + ": string offset " + offset + " is outside the "
                    + bytes.length + "-byte BTF string section");
        }
        String cached = cache.get(offset);
        if (cached != null) {
            return cached;
        }
        int start = (int) offset;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                decodedBytes += i - start;
                if (decodedBytes > budget) {
                    throw new ObjectFormatException(what + ": strings overlapping in the BTF string section add up to more than "
                            + budget + " bytes (16 times its size)");
                }
                String s = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                cache.put(offset, s);
                return s;
            }
        }
        throw new ObjectFormatException(what + ": string at offset " + offset
                + " of the BTF string section is not NUL-terminated");
    }
}
