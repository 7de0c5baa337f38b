package io.bpf4j.cli;

import java.io.ByteArrayOutputStream;

/** Hex byte strings as users and the conformance runner write them. */
final class Hex {
    private Hex() {}

    /**
     * Parses bytes written in hex: pairs of digits, optionally separated by white space, commas
     * or colons, each token optionally prefixed by {@code 0x} ({@code "01 02"}, {@code "0102"},
     * {@code "0x01,0x02"}, {@code "00  01  "}). A token of odd length is read as a number, so
     * {@code "1 2 a"} is three bytes.
     *
     * @throws IllegalArgumentException naming the first bad token
     */
    static byte[] parse(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String token : text.strip().split("[\\s,:]+")) {
            if (token.isEmpty()) {
                continue;
            }
            String digits = token.startsWith("0x") || token.startsWith("0X") ? token.substring(2) : token;
            if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("'" + token + "' is not a hex byte");
            }
            if (digits.length() % 2 == 1) {
                if (digits.length() > 1) {
                    throw new IllegalArgumentException("'" + token + "' has an odd number of hex digits");
                }
                digits = "0" + digits;
            }
            for (int i = 0; i < digits.length(); i += 2) {
                out.write(Integer.parseInt(digits, i, i + 2, 16));
            }
        }
        return out.toByteArray();
    }
}
