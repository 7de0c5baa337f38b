package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueStackMapTest {
    private static QueueStackMap map(MapType type, int max) {
        return (QueueStackMap) Maps.create(MapDefinition.of(type, 0, 4, max).withName("q"));
    }

    private static List<Integer> drain(QueueStackMap m) {
        List<Integer> out = new ArrayList<>();
        for (Optional<byte[]> v = m.pop(); v.isPresent(); v = m.pop()) {
            out.add(asInt(v.get()));
        }
        return out;
    }

    private static void fails(Runnable r, int errno, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(MapException.class).hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((MapException) e).errno()).as(e.getMessage()).isEqualTo(errno));
    }

    @Test
    void queueIsFifoStackIsLifo() {
        QueueStackMap q = map(MapType.QUEUE, 3);
        QueueStackMap s = map(MapType.STACK, 3);
        for (int i = 1; i <= 3; i++) {
            q.push(u32(i), BPF_ANY);
            s.push(u32(i), BPF_ANY);
        }
        assertThat(q.peek().map(Bytes::asInt)).hasValue(1);
        assertThat(s.peek().map(Bytes::asInt)).hasValue(3);
        assertThat(q.size()).isEqualTo(3);
        assertThat(drain(q)).containsExactly(1, 2, 3);
        assertThat(drain(s)).containsExactly(3, 2, 1);
        assertThat(q.pop()).isEmpty();
        assertThat(q.peek()).isEmpty();
    }

    @Test
    void fullAndOverwrite() {
        for (MapType type : new MapType[] {MapType.QUEUE, MapType.STACK}) {
            QueueStackMap m = map(type, 3);
            for (int i = 1; i <= 3; i++) {
                m.push(u32(i), BPF_ANY);
            }
            fails(() -> m.push(u32(4), BPF_ANY), Errno.E2BIG, "is full (max_entries 3)");
            assertThat(m.push(seg(u32(4)), 0, BPF_ANY)).isEqualTo(-Errno.E2BIG);
            m.push(u32(4), BPF_EXIST); // drops the oldest, 1
            assertThat(drain(m)).containsExactlyElementsOf(type == MapType.QUEUE ? List.of(2, 3, 4) : List.of(4, 3, 2));
        }
    }

    @Test
    void badFlags() {
        QueueStackMap m = map(MapType.QUEUE, 2);
        fails(() -> m.push(u32(1), BPF_NOEXIST), Errno.EINVAL, "flags must be BPF_ANY or BPF_EXIST");
        fails(() -> m.push(u32(1), 3), Errno.EINVAL, "flags");
        fails(() -> m.push(u32(1), BPF_F_LOCK), Errno.EINVAL, "flags");
        fails(() -> m.push(new byte[8], BPF_ANY), Errno.EINVAL, "value_size is 4");
    }

    @Test
    void wrapsAround() {
        QueueStackMap q = map(MapType.QUEUE, 5);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 3; i++) {
                q.push(u32(next++), BPF_ANY);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(asInt(q.pop().orElseThrow())).isEqualTo(expected++);
            }
        }
        QueueStackMap s = map(MapType.STACK, 4);
        for (int round = 0; round < 50; round++) {
            s.push(u32(round), BPF_EXIST);
        }
        assertThat(drain(s)).containsExactly(49, 48, 47, 46);
    }

    @Test
    void programSideAndSyscallMapping() {
        QueueStackMap q = map(MapType.QUEUE, 2);
        byte[] mem = new byte[16];
        seg(mem).set(U32, 4, 42);
        assertThat(q.push(seg(mem), 4, BPF_ANY)).isZero();
        assertThat(q.update(null, 0, seg(u32(43)), 0, BPF_ANY, 0)).isZero();
        assertThat(q.peek(seg(mem), 8)).isZero();
        assertThat(seg(mem).get(U32, 8)).isEqualTo(42);
        assertThat(q.pop(seg(mem), 12)).isZero();
        assertThat(seg(mem).get(U32, 12)).isEqualTo(42);
        assertThat(q.pop(seg(mem), 12)).isZero();
        assertThat(q.pop(seg(mem), 12)).isEqualTo(-Errno.ENOENT);
        assertThat(seg(mem).get(U32, 12)).as("zeroed, as Linux zeroes the buffer when empty").isZero();
        seg(mem).set(U32, 12, 99);
        assertThat(q.peek(seg(mem), 12)).isEqualTo(-Errno.ENOENT);
        assertThat(seg(mem).get(U32, 12)).isZero();
        assertThat(seg(mem).get(U32, 8)).as("nothing outside the value is touched").isEqualTo(42);
        assertThat(q.push(seg(mem), 0, BPF_NOEXIST)).isEqualTo(-Errno.EINVAL);
        assertThat(q.lookupOffset(seg(mem), 0, 0)).isEqualTo(-1);
        assertThat(q.delete(null, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(q.getNextKey(null, 0, seg(mem), 0)).isEqualTo(-Errno.EINVAL);
        // As Linux's syscall: lookup peeks, update pushes.
        q.update(null, u32(7), BPF_ANY);
        q.update(new byte[0], u32(8), BPF_ANY);
        assertThat(q.lookup(null).map(Bytes::asInt)).hasValue(7);
        fails(() -> q.lookup(u32(0)), Errno.EINVAL, "has no keys");
        fails(() -> q.delete(null), Errno.EINVAL, "use pop()");
        fails(q::keys, Errno.EINVAL, "has no keys");
        assertThat(drain(q)).containsExactly(7, 8);
    }
}
