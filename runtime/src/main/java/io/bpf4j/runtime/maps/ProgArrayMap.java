package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@link MapType#PROG_ARRAY}: slots of program references for bpf_tail_call. The runtime decides
 * what a program reference is (its executable type); this map only stores them. The host sets and
 * clears slots at any time; {@link #program(int)} is a lock-free read. There is no value memory
 * ({@link #storage()} is empty), and programs cannot update the map, as in Linux.
 */
public final class ProgArrayMap extends BpfMap {
    private final AtomicReferenceArray<Object> programs;

    ProgArrayMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        this.programs = new AtomicReferenceArray<>(definition.maxEntries());
    }

    /** The program in a slot, or null if the slot is empty or out of range. Lock-free. */
    public Object program(int index) {
        return index >= 0 && index < programs.length() ? programs.getAcquire(index) : null;
    }

    /**
     * Puts a program in a slot, replacing any.
     *
     * @throws MapException {@link Errno#E2BIG} if {@code index} is not below max_entries
     */
    public void setProgram(int index, Object program) {
        java.util.Objects.requireNonNull(program, "program (use clearProgram to empty a slot)");
        checkHostWrite();
        checkIndex(index, "setProgram");
        programs.setRelease(index, program);
    }

    /** Empties a slot. @return false if it was empty */
    public boolean clearProgram(int index) {
        checkHostWrite();
        checkIndex(index, "clearProgram");
        return programs.getAndSet(index, null) != null;
    }

    private void checkIndex(int index, String operation) {
        if (index < 0 || index >= programs.length()) {
            throw new MapException(Errno.E2BIG, definition.label() + ": " + operation + ": index " + Integer.toUnsignedString(index)
                    + " is not below max_entries " + programs.length());
        }
    }

    /** Empties the slot of a 4-byte index key. */
    @Override
    public boolean delete(byte[] key) {
        return clearProgram(keySegment(key).get(U32, 0));
    }

    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return ArrayIndex.nextKey(maxEntries(), key, keyOffset, nextKey, nextKeyOffset);
    }

    /** Number of non-empty slots. */
    @Override
    public int size() {
        int n = 0;
        for (int i = 0; i < programs.length(); i++) {
            if (programs.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public java.util.Optional<byte[]> lookup(byte[] key) {
        throw new MapException(Errno.ENOTSUPP, definition.label() + ": lookup: program arrays hold program references; use program(int)");
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        throw new MapException(Errno.ENOTSUPP, definition.label() + ": update: program arrays hold program references; use setProgram(int, Object)");
    }
}
