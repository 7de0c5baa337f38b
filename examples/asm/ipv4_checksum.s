# ipv4_checksum.s: the Internet checksum (RFC 1071) of the input, as IPv4 uses it for its header.
#
# Sums the input as big-endian 16-bit words (an odd last byte is padded with a zero byte), folds
# the carries back into the low 16 bits, and returns the one's complement. Run over a header
# whose checksum field is zero, it gives the value to store there; run over a header with a
# correct checksum, it gives 0.
#
# Input: r1 = address of the input memory, r2 = its length in bytes.
#
# Expected results (a 20-byte IPv4 header, 192.168.0.1 -> 192.168.0.199, UDP):
#   bpf4j run examples/asm/ipv4_checksum.s \
#     --mem-hex "45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7"   ->  r0 = 0xb861 (47201)
#   bpf4j run examples/asm/ipv4_checksum.s \
#     --mem-hex "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7"   ->  r0 = 0x0 (0)
        r0 = 0                  # 32-bit sum of 16-bit words (cannot overflow below 128 KiB)
        r3 = r1                 # cursor
        r4 = r1
        r4 += r2                # end
words:
        r5 = r3
        r5 += 2
        if r5 > r4 goto tail    # fewer than two bytes left
        r5 = *(u16 *)(r3 + 0)   # loads are little-endian:
        r5 = be16 r5            # convert to the big-endian (network order) value
        r0 += r5
        r3 += 2
        goto words
tail:
        if r3 >= r4 goto fold   # even length: nothing left
        r5 = *(u8 *)(r3 + 0)
        r5 <<= 8                # the odd byte is the high half of a zero-padded word
        r0 += r5
fold:
        r5 = r0
        r5 >>= 16               # carries out of the low 16 bits ...
        if r5 == 0 goto done
        r0 &= 0xffff
        r0 += r5                # ... are added back in
        goto fold
done:
        r0 ^= 0xffff            # one's complement of the 16-bit sum
        exit
