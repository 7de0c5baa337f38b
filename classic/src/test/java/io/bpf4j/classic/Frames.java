package io.bpf4j.classic;

import java.util.HexFormat;

/** Test frames written as hex, spaces allowed. */
final class Frames {
    private Frames() {}

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
