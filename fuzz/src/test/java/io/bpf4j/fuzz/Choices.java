package io.bpf4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.SplittableRandom;

/** Where a generator's decisions come from: a seeded random stream, or a fuzzer's input. */
interface Choices {
    /** A value in {@code [0, bound)}. */
    int nextInt(int bound);

    long nextLong();

    static Choices random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Choices() {
            public int nextInt(int bound) { return r.nextInt(bound); }
            public long nextLong() { return r.nextLong(); }
        };
    }

    /** Jazzer's bytes; once they run out every choice is 0, so programs stay finite. */
    static Choices fuzzed(FuzzedDataProvider data) {
        return new Choices() {
            public int nextInt(int bound) { return bound <= 1 ? 0 : data.consumeInt(0, bound - 1); }
            public long nextLong() { return data.consumeLong(); }
        };
    }
}
