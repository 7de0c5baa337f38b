package io.bpf4j.runtime;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Memory of the traced system that tracing programs read with {@code bpf_probe_read_kernel},
 * {@code bpf_probe_read_user} and friends: the host maps tracee addresses (a kernel struct, a
 * user-space string) to bytes. Reads of unmapped addresses fail as Linux's page faults do:
 * the helper returns {@code -EFAULT} and zeroes its destination.
 */
@FunctionalInterface
public interface AddressSpace {
    /** Maps nothing: every read fails. */
    AddressSpace EMPTY = (address, destination, offset, length) -> 0;

    /**
     * Copies the bytes at {@code address} into {@code destination[offset..offset+length)}, as far
     * as they are mapped without a gap.
     *
     * @return how many bytes from {@code address} on were mapped and copied (0 if {@code address}
     *     is not mapped); bytes beyond that are left as they were
     */
    int read(long address, byte[] destination, int offset, int length);

    /** An address space holding {@code bytes} at each address: see {@link Builder}. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an immutable address space from blocks of bytes at addresses (compared unsigned, so
     * kernel addresses like {@code 0xffff888000000000L} work). Blocks must not overlap; adjacent
     * blocks read as one.
     */
    final class Builder {
        private final NavigableMap<Long, byte[]> blocks = new TreeMap<>(Long::compareUnsigned);

        private Builder() {}

        /** Maps a copy of {@code bytes} at {@code address}. */
        public Builder map(long address, byte[] bytes) {
            if (bytes.length == 0) {
                return this;
            }
            long last = address + bytes.length - 1;
            if (Long.compareUnsigned(last, address) < 0) {
                throw new IllegalArgumentException(String.format("block at 0x%x wraps around the address space", address));
            }
            Map.Entry<Long, byte[]> below = blocks.floorEntry(last);
            if (below != null && Long.compareUnsigned(below.getKey() + below.getValue().length - 1, address) >= 0) {
                throw new IllegalArgumentException(String.format("block at 0x%x overlaps the block at 0x%x", address, below.getKey()));
            }
            blocks.put(address, bytes.clone());
            return this;
        }

        public AddressSpace build() {
            NavigableMap<Long, byte[]> copy = new TreeMap<>(blocks);
            return (address, destination, offset, length) -> {
                int done = 0;
                while (done < length) {
                    long at = address + done;
                    Map.Entry<Long, byte[]> block = copy.floorEntry(at);
                    if (block == null) {
                        break;
                    }
                    long into = at - block.getKey();
                    byte[] bytes = block.getValue();
                    if (Long.compareUnsigned(into, bytes.length) >= 0) {
                        break;
                    }
                    int n = (int) Math.min(length - done, bytes.length - into);
                    System.arraycopy(bytes, (int) into, destination, offset + done, n);
                    done += n;
                }
                return done;
            };
        }
    }
}
