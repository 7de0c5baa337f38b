# checksum.s: the sum of all input bytes, as an unsigned 64-bit number.
#
# Input: r1 = address of the input memory (0 when there is none), r2 = its length in bytes.
# Every byte is loaded with a bounds check of its own (the loop never reads past r2 bytes).
#
# Expected results:
#   bpf4j run examples/asm/checksum.s --mem-hex "01 02 03 04 05"     ->  r0 = 0xf (15)
#   bpf4j run examples/asm/checksum.s --mem-hex "ff ff ff ff"        ->  r0 = 0x3fc (1020)
#   bpf4j run examples/asm/checksum.s                                ->  r0 = 0x0 (0)
        r0 = 0                  # running sum
        r3 = r1                 # cursor
        r4 = r1
        r4 += r2                # end = start + length
loop:
        if r3 >= r4 goto done
        r5 = *(u8 *)(r3 + 0)
        r0 += r5
        r3 += 1
        goto loop
done:
        exit
