# fib.s: the 30th Fibonacci number, computed iteratively in a bounded loop.
#
#   F(0) = 0, F(1) = 1, F(n) = F(n-1) + F(n-2)
#
# Takes no input. Expected result: r0 = 832040 (0xcb228).
#
#   bpf4j run examples/asm/fib.s
#   bpf4j run --trace examples/asm/fib.s      # watch r2 and r3 climb
        r1 = 30                 # n: iterations left
        r2 = 0                  # a = F(i)
        r3 = 1                  # b = F(i+1)
loop:
        if r1 == 0 goto done    # at most 30 rounds: the loop is bounded by n
        r4 = r2
        r4 += r3                # F(i+2) = F(i) + F(i+1)
        r2 = r3
        r3 = r4
        r1 += -1
        goto loop
done:
        r0 = r2                 # F(30)
        exit
