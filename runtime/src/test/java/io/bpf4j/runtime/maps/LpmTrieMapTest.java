package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LpmTrieMapTest {
    private static BpfMap trie(int dataSize, int max) {
        return Maps.create(MapDefinition.of(MapType.LPM_TRIE, 4 + dataSize, 4, max).withFlags(BPF_F_NO_PREALLOC).withName("routes"));
    }

    /** A key: prefix length (little-endian) and the address in network order. */
    static byte[] key(String address, int prefixLen) {
        try {
            byte[] addr = InetAddress.getByName(address).getAddress();
            byte[] k = new byte[4 + addr.length];
            seg(k).set(U32, 0, prefixLen);
            System.arraycopy(addr, 0, k, 4, addr.length);
            return k;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Optional<Integer> find(BpfMap m, String address, int prefixLen) {
        return m.lookup(key(address, prefixLen)).map(Bytes::asInt);
    }

    @Test
    void ipv4LongestPrefixMatch() {
        BpfMap m = trie(4, 16);
        m.update(key("10.0.0.0", 8), u32(8), BPF_ANY);
        m.update(key("10.1.0.0", 16), u32(16), BPF_ANY);
        m.update(key("10.1.2.0", 24), u32(24), BPF_ANY);
        m.update(key("192.168.1.1", 32), u32(32), BPF_ANY);
        assertThat(find(m, "10.1.2.3", 32)).hasValue(24);
        assertThat(find(m, "10.1.3.1", 32)).hasValue(16);
        assertThat(find(m, "10.200.0.1", 32)).hasValue(8);
        assertThat(find(m, "11.0.0.0", 32)).isEmpty();
        assertThat(find(m, "192.168.1.1", 32)).hasValue(32);
        assertThat(find(m, "192.168.1.2", 32)).isEmpty();
        // The key's prefix length bounds the match.
        assertThat(find(m, "10.1.2.3", 16)).hasValue(16);
        assertThat(find(m, "10.1.2.3", 12)).hasValue(8);
        assertThat(find(m, "10.1.2.3", 7)).isEmpty();
        m.update(key("0.0.0.0", 0), u32(0), BPF_ANY);
        assertThat(find(m, "11.0.0.0", 32)).hasValue(0);
        assertThat(find(m, "10.1.2.3", 7)).hasValue(0);
        // Delete by exact prefix.
        assertThat(m.delete(key("10.1.0.0", 16))).isTrue();
        assertThat(find(m, "10.1.3.1", 32)).hasValue(8);
        assertThat(find(m, "10.1.2.3", 32)).hasValue(24);
        assertThat(m.delete(key("10.1.0.0", 16))).isFalse();
        assertThat(m.delete(key("10.1.2.0", 23))).isFalse();
        assertThat(m.size()).isEqualTo(4);
        // Program side: the value's offset, lock-free.
        long offset = m.lookupOffset(seg(key("10.1.2.200", 32)), 0, 0);
        assertThat(m.storage().get(U32, offset)).isEqualTo(24);
        assertThat(m.lookupOffset(seg(key("10.1.2.200", 32)), 0, 0)).isEqualTo(offset);
    }

    @Test
    void bitsPastThePrefixAreIgnored() {
        BpfMap m = trie(4, 4);
        m.update(key("10.1.2.3", 8), u32(1), BPF_NOEXIST);
        assertThatThrownBy(() -> m.update(key("10.9.9.9", 8), u32(2), BPF_NOEXIST)).isInstanceOf(MapException.class)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EEXIST));
        assertThat(m.keys()).singleElement().satisfies(k -> assertThat(k).containsExactly(8, 0, 0, 0, 10, 0, 0, 0));
        assertThat(m.delete(key("10.255.0.0", 8))).isTrue();
    }

    @Test
    void ipv6() {
        BpfMap m = trie(16, 16);
        m.update(key("2001:db8::", 32), u32(32), BPF_ANY);
        m.update(key("2001:db8:1::", 48), u32(48), BPF_ANY);
        m.update(key("2001:db8:1:2::", 64), u32(64), BPF_ANY);
        m.update(key("::", 0), u32(0), BPF_ANY);
        m.update(key("fe80::1", 128), u32(128), BPF_ANY);
        assertThat(find(m, "2001:db8:1:2::99", 128)).hasValue(64);
        assertThat(find(m, "2001:db8:1:3::99", 128)).hasValue(48);
        assertThat(find(m, "2001:db8:ffff::1", 128)).hasValue(32);
        assertThat(find(m, "2001:db9::1", 128)).hasValue(0);
        assertThat(find(m, "fe80::1", 128)).hasValue(128);
        assertThat(find(m, "fe80::2", 128)).hasValue(0);
        assertThat(m.delete(key("::", 0))).isTrue();
        assertThat(find(m, "fe80::2", 128)).isEmpty();
    }

    @Test
    void flagsLimitsAndErrnos() {
        BpfMap m = trie(4, 2);
        m.update(key("10.0.0.0", 8), u32(1), BPF_NOEXIST);
        assertThatThrownBy(() -> m.update(key("10.0.0.0", 8), u32(1), BPF_NOEXIST))
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EEXIST));
        assertThatThrownBy(() -> m.update(key("11.0.0.0", 8), u32(1), BPF_EXIST))
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.ENOENT));
        assertThatThrownBy(() -> m.update(key("11.0.0.0", 33), u32(1), BPF_ANY))
                .hasMessageContaining("prefix length over 32")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> m.update(key("11.0.0.0", 8), u32(1), 3))
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EINVAL));
        m.update(key("11.0.0.0", 8), u32(2), BPF_ANY);
        assertThatThrownBy(() -> m.update(key("12.0.0.0", 8), u32(3), BPF_ANY))
                .hasMessageContaining("the trie is full (max_entries 2)")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.ENOSPC));
        m.update(key("11.0.0.0", 8), u32(4), BPF_EXIST); // existing prefixes can still change
        assertThat(find(m, "11.1.1.1", 32)).hasValue(4);
        assertThat(m.delete(seg(key("12.0.0.0", 8)), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(m.delete(seg(key("12.0.0.0", 40)), 0)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(seg(key("12.0.0.0", 8)), 0, seg(u32(5)), 0, BPF_ANY, 0)).isEqualTo(-Errno.ENOSPC);
        assertThat(m.delete(seg(key("10.0.0.0", 8)), 0)).isZero();
        assertThat(m.update(seg(key("12.0.0.0", 8)), 0, seg(u32(5)), 0, BPF_ANY, 0)).isZero();
    }

    @Test
    void iterationIsPostOrder() {
        BpfMap m = trie(4, 16);
        for (String[] p : new String[][] {{"192.168.0.0", "16"}, {"192.168.1.0", "24"}, {"10.0.0.0", "8"},
                {"192.168.0.0", "24"}, {"10.1.2.3", "32"}, {"0.0.0.0", "0"}}) {
            m.update(key(p[0], Integer.parseInt(p[1])), u32(0), BPF_ANY);
        }
        List<String> order = new ArrayList<>();
        Optional<byte[]> k = m.nextKey(null);
        while (k.isPresent()) {
            byte[] b = k.get();
            order.add((b[4] & 255) + "." + (b[5] & 255) + "." + (b[6] & 255) + "." + (b[7] & 255) + "/" + asInt(b));
            k = m.nextKey(b);
        }
        assertThat(order).containsExactly("10.1.2.3/32", "10.0.0.0/8", "192.168.0.0/24", "192.168.1.0/24",
                "192.168.0.0/16", "0.0.0.0/0");
        assertThat(m.nextKey(key("1.2.3.4", 32)).map(b -> asInt(b))).hasValue(32); // absent: first
        assertThat(m.keys()).hasSize(6);
        Map<String, Integer> all = new LinkedHashMap<>();
        m.forEach((key, value) -> all.put((key[4] & 255) + "." + (key[6] & 255) + "/" + asInt(key), asInt(value)));
        assertThat(all).hasSize(6);
    }

    /** Random prefixes against a brute-force longest match, through inserts and deletes. */
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void agreesWithBruteForce(int dataSize) {
        Random random = new Random(dataSize * 7919L);
        BpfMap m = trie(dataSize, 200);
        Map<String, int[]> model = new LinkedHashMap<>(); // "bits/len" -> {len, value}
        Map<String, byte[]> data = new LinkedHashMap<>();
        int bits = dataSize * 8;
        for (int step = 0; step < 3000; step++) {
            byte[] addr = new byte[dataSize];
            random.nextBytes(addr);
            // Few distinct leading bytes so prefixes nest.
            addr[0] = (byte) (random.nextInt(4) << 6);
            int len = random.nextInt(bits + 1);
            byte[] masked = maskTo(addr, len);
            String id = java.util.HexFormat.of().formatHex(masked) + "/" + len;
            byte[] k = new byte[4 + dataSize];
            seg(k).set(U32, 0, len);
            System.arraycopy(addr, 0, k, 4, dataSize);
            int op = random.nextInt(3);
            if (op == 0 && model.size() < 200) {
                m.update(k, u32(step), BPF_ANY);
                model.put(id, new int[] {len, step});
                data.put(id, masked);
            } else if (op == 1) {
                assertThat(m.delete(k)).isEqualTo(model.remove(id) != null);
                data.remove(id);
            } else {
                int bestLen = -1;
                Integer best = null;
                for (Map.Entry<String, int[]> e : model.entrySet()) {
                    int l = e.getValue()[0];
                    if (l <= len && l > bestLen && java.util.Arrays.equals(maskTo(addr, l), data.get(e.getKey()))) {
                        bestLen = l;
                        best = e.getValue()[1];
                    }
                }
                assertThat(m.lookup(k).map(Bytes::asInt)).as("step %d", step).isEqualTo(Optional.ofNullable(best));
            }
            assertThat(m.size()).isEqualTo(model.size());
        }
        assertThat(m.keys()).hasSize(model.size());
    }

    private static byte[] maskTo(byte[] addr, int len) {
        byte[] out = addr.clone();
        for (int i = len; i < out.length * 8; i++) {
            out[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        return out;
    }
}
