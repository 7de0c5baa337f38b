package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@link MapType#LPM_TRIE}: longest-prefix match. A key is a 4-byte prefix length (host order,
 * little-endian) followed by {@code key_size - 4} data bytes in network order (an IPv4 or IPv6
 * address, say). Lookups find the element with the longest prefix that matches the key's first
 * {@code prefixlen} bits; updates and deletes name an element by its exact prefix (bits past the
 * prefix length are ignored, and stored as zero). A full trie refuses new prefixes with
 * {@link Errno#ENOSPC}, and a prefix length over {@code 8 * (key_size - 4)} is {@link Errno#EINVAL},
 * as in Linux.
 *
 * <p>The trie is a path-compressed binary trie like Linux's, made of immutable nodes: writers
 * (serialized by a lock) build a new path and publish a new root, so lookups take no lock and
 * always see a consistent trie. Values live in slots of {@link #storage()} like other maps'.
 * Iteration ({@link #getNextKey}) is in Linux's post-order: more specific prefixes before the
 * prefixes that contain them, a 0 bit before a 1 bit.
 */
public final class LpmTrieMap extends SlotMap {
    private static final class Node {
        final int prefixLen;
        final byte[] data;
        final int slot; // -1 for an intermediate node, which has two children
        final Node left;
        final Node right;

        Node(int prefixLen, byte[] data, int slot, Node left, Node right) {
            this.prefixLen = prefixLen;
            this.data = data;
            this.slot = slot;
            this.left = left;
            this.right = right;
        }

        Node child(int bit) {
            return bit == 0 ? left : right;
        }

        Node withChild(int bit, Node child) {
            return bit == 0 ? new Node(prefixLen, data, slot, child, right) : new Node(prefixLen, data, slot, left, child);
        }
    }

    private final int dataSize;
    private final int maxBits;
    private volatile Node root;
    private volatile int size;
    private final Object writeLock = new Object();
    private final int[] free; // guarded by writeLock
    private int freeTop;
    private int removedSlot; // result of delete(), guarded by writeLock

    LpmTrieMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        this.dataSize = definition.keySize() - 4;
        this.maxBits = dataSize * 8;
        this.free = new int[definition.maxEntries()];
        for (int i = 0; i < free.length; i++) {
            free[i] = free.length - 1 - i;
        }
        this.freeTop = free.length;
    }

    /** Bytes of nodes and free list besides values, for the map factory's estimate. */
    static long overheadBytes(MapDefinition d) {
        // At most one intermediate node per element: two nodes, each a header, a data array and refs.
        return BpfMap.multiply(d.maxEntries(), 2L * (48 + d.keySize()) + 4);
    }

    // ---- Bits --------------------------------------------------------------------------------

    private static int bit(byte[] data, int index) {
        return (data[index >>> 3] >> (7 - (index & 7))) & 1;
    }

    private static int bit(MemorySegment key, long dataOffset, int index) {
        return (key.get(ValueLayout.JAVA_BYTE, dataOffset + (index >>> 3)) >> (7 - (index & 7))) & 1;
    }

    /** Leading bits, up to {@code limit}, in which a node's data and the key's data agree. */
    private static int matchLen(byte[] data, MemorySegment key, long dataOffset, int limit) {
        for (int i = 0, b = 0; i < limit; i += 8, b++) {
            int diff = (data[b] ^ key.get(ValueLayout.JAVA_BYTE, dataOffset + b)) & 0xff;
            if (diff != 0) {
                return Math.min(limit, i + Integer.numberOfLeadingZeros(diff) - 24);
            }
        }
        return limit;
    }

    private static int matchLen(byte[] a, byte[] b, int limit) {
        return matchLen(a, MemorySegment.ofArray(b), 0, limit);
    }

    /** The key's data bytes with every bit past {@code prefixLen} cleared. */
    private byte[] maskedData(MemorySegment key, long offset, int prefixLen) {
        byte[] data = key.asSlice(offset + 4, dataSize).toArray(ValueLayout.JAVA_BYTE);
        return mask(data, prefixLen);
    }

    private static byte[] mask(byte[] data, int prefixLen) {
        byte[] out = data.clone();
        for (int i = prefixLen; i < out.length * 8; i++) {
            out[i >>> 3] &= (byte) ~(0x80 >>> (i & 7));
        }
        return out;
    }

    // ---- Lookup ------------------------------------------------------------------------------

    /** The slot of the longest prefix matching the key, or -1. Lock-free. */
    private int longest(MemorySegment key, long offset) {
        int prefixLen = key.get(U32, offset);
        int limit = Integer.compareUnsigned(prefixLen, maxBits) > 0 ? maxBits : prefixLen;
        long dataOffset = offset + 4;
        int best = -1;
        Node n = root;
        while (n != null) {
            if (matchLen(n.data, key, dataOffset, Math.min(n.prefixLen, limit)) < n.prefixLen) {
                break;
            }
            if (n.slot >= 0) {
                best = n.slot;
            }
            if (n.prefixLen == limit) {
                break;
            }
            n = n.child(bit(key, dataOffset, n.prefixLen));
        }
        return best;
    }

    /** The element node with exactly this prefix, or null. */
    private Node exact(Node n, int prefixLen, byte[] data) {
        while (n != null) {
            if (matchLen(n.data, data, Math.min(n.prefixLen, prefixLen)) < n.prefixLen) {
                return null;
            }
            if (n.prefixLen == prefixLen) {
                return n.slot >= 0 ? n : null;
            }
            n = n.child(bit(data, n.prefixLen));
        }
        return null;
    }

    @Override
    int slotOf(MemorySegment key, long offset) {
        return longest(key, offset);
    }

    @Override
    <T> T withSlot(MemorySegment key, long offset, IntFunction<T> reader) {
        synchronized (writeLock) {
            int slot = longest(key, offset);
            return slot < 0 ? null : reader.apply(slot);
        }
    }

    // ---- Update and delete -------------------------------------------------------------------

    @Override
    int put(MemorySegment key, long offset, ValueSource value, long flags) {
        if (badUpdateFlags(flags)) {
            return -Errno.EINVAL;
        }
        flags &= ~MapFlags.BPF_F_LOCK;
        int prefixLen = key.get(U32, offset);
        if (Integer.compareUnsigned(prefixLen, maxBits) > 0) {
            return -Errno.EINVAL;
        }
        byte[] data = maskedData(key, offset, prefixLen);
        synchronized (writeLock) {
            Node existing = exact(root, prefixLen, data);
            if (existing != null) {
                if (flags == MapFlags.BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                value.write(this, existing.slot, false);
                return 0;
            }
            if (flags == MapFlags.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (freeTop == 0) {
                return -Errno.ENOSPC;
            }
            int slot = free[--freeTop];
            try {
                value.write(this, slot, true);
                root = insert(root, prefixLen, data, slot);
            } catch (RuntimeException | Error e) {
                free[freeTop++] = slot;
                throw e;
            }
            size = size + 1;
            return 0;
        }
    }

    private static Node insert(Node n, int prefixLen, byte[] data, int slot) {
        if (n == null) {
            return new Node(prefixLen, data, slot, null, null);
        }
        int m = matchLen(n.data, data, Math.min(n.prefixLen, prefixLen));
        if (m == n.prefixLen && m == prefixLen) { // an intermediate node becomes an element
            return new Node(prefixLen, n.data, slot, n.left, n.right);
        }
        if (m == n.prefixLen) {
            int b = bit(data, n.prefixLen);
            return n.withChild(b, insert(n.child(b), prefixLen, data, slot));
        }
        if (m == prefixLen) { // the new prefix contains n's
            return bit(n.data, prefixLen) == 0
                    ? new Node(prefixLen, data, slot, n, null)
                    : new Node(prefixLen, data, slot, null, n);
        }
        Node leaf = new Node(prefixLen, data, slot, null, null);
        byte[] common = mask(data, m);
        return bit(data, m) == 0 ? new Node(m, common, -1, leaf, n) : new Node(m, common, -1, n, leaf);
    }

    @Override
    int remove(MemorySegment key, long offset) {
        int prefixLen = key.get(U32, offset);
        if (Integer.compareUnsigned(prefixLen, maxBits) > 0) {
            return -Errno.EINVAL;
        }
        byte[] data = maskedData(key, offset, prefixLen);
        synchronized (writeLock) {
            removedSlot = -1;
            Node newRoot = delete(root, prefixLen, data);
            if (removedSlot < 0) {
                return -Errno.ENOENT;
            }
            root = newRoot;
            free[freeTop++] = removedSlot;
            size = size - 1;
            return 0;
        }
    }

    private Node delete(Node n, int prefixLen, byte[] data) {
        if (n == null || matchLen(n.data, data, Math.min(n.prefixLen, prefixLen)) < n.prefixLen) {
            return n;
        }
        if (n.prefixLen == prefixLen) {
            if (n.slot < 0) {
                return n;
            }
            removedSlot = n.slot;
            if (n.left != null && n.right != null) {
                return new Node(n.prefixLen, n.data, -1, n.left, n.right);
            }
            return n.left != null ? n.left : n.right;
        }
        int b = bit(data, n.prefixLen);
        Node child = n.child(b);
        Node newChild = delete(child, prefixLen, data);
        if (newChild == child) {
            return n;
        }
        Node r = n.withChild(b, newChild);
        if (r.slot < 0 && (r.left == null || r.right == null)) { // an intermediate node needs two children
            return r.left != null ? r.left : r.right;
        }
        return r;
    }

    // ---- Iteration ---------------------------------------------------------------------------

    private static void postOrder(Node n, List<Node> out) {
        if (n != null) {
            postOrder(n.left, out);
            postOrder(n.right, out);
            if (n.slot >= 0) {
                out.add(n);
            }
        }
    }

    /**
     * Linux's get_next_key for LPM tries: post-order; a null key, a prefix length over the maximum
     * or a prefix not in the trie gives the first element. Takes O(n): it walks a snapshot.
     */
    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        List<Node> nodes = new ArrayList<>();
        postOrder(root, nodes);
        if (nodes.isEmpty()) {
            return -Errno.ENOENT;
        }
        int index = 0;
        if (key != null) {
            int prefixLen = key.get(U32, keyOffset);
            if (Integer.compareUnsigned(prefixLen, maxBits) <= 0) {
                byte[] data = maskedData(key, keyOffset, prefixLen);
                for (int i = 0; i < nodes.size(); i++) {
                    Node n = nodes.get(i);
                    if (n.prefixLen == prefixLen && matchLen(n.data, data, prefixLen) == prefixLen) {
                        index = i + 1;
                        break;
                    }
                }
            }
        }
        if (index >= nodes.size()) {
            return -Errno.ENOENT;
        }
        Node n = nodes.get(index);
        nextKey.set(U32, nextKeyOffset, n.prefixLen);
        MemorySegment.copy(MemorySegment.ofArray(n.data), 0, nextKey, nextKeyOffset + 4, dataSize);
        return 0;
    }

    @Override
    void forEachSlot(SlotVisitor visitor) {
        synchronized (writeLock) {
            List<Node> nodes = new ArrayList<>();
            postOrder(root, nodes);
            MemorySegment key = MemorySegment.ofArray(new byte[keySize()]);
            for (Node n : nodes) {
                key.set(U32, 0, n.prefixLen);
                MemorySegment.copy(MemorySegment.ofArray(n.data), 0, key, 4, dataSize);
                visitor.visit(key, 0, n.slot);
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    String explain(String operation, int negativeErrno) {
        if (negativeErrno == -Errno.ENOSPC) {
            return "the trie is full (max_entries " + maxEntries() + ")";
        }
        if (negativeErrno == -Errno.EINVAL) {
            return "invalid flags, or a prefix length over " + maxBits;
        }
        return super.explain(operation, negativeErrno);
    }
}
