# gcd.s: the greatest common divisor of 1071 and 462 by Euclid's algorithm, in a subprogram.
#
# Shows a bpf-to-bpf (local) call: the callee gets its own stack frame, takes its arguments in
# r1 and r2, returns in r0, and r6-r9 survive the call.
#
# Takes no input. Expected result: r0 = 21 (0x15), 1071 = 3*3*7*17 and 462 = 2*3*7*11.
#
#   bpf4j run examples/asm/gcd.s
        r6 = 1071
        r1 = r6
        r2 = 462
        call gcd                # r0 = gcd(r1, r2)
        exit

# gcd(a = r1, b = r2): while b != 0 { (a, b) = (b, a % b) }; return a
gcd:
        if r2 == 0 goto gcd_done
        r3 = r1
        r3 %= r2
        r1 = r2
        r2 = r3
        goto gcd
gcd_done:
        r0 = r1
        exit
