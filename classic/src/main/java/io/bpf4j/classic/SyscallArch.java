package io.bpf4j.classic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The architectures whose system calls seccomp filters are written for: the {@code AUDIT_ARCH_*}
 * value a filter sees in {@code seccomp_data.arch}, and the system call numbers by name (from
 * Linux's {@code asm/unistd_64.h} and {@code asm/unistd_32.h}).
 */
public enum SyscallArch {
    X86_64("x86_64", 0xc000003e, "syscalls-x86_64.txt"),
    I386("i386", 0x40000003, "syscalls-i386.txt");

    private final String linuxName;
    private final int auditArch;
    private final String table;
    private volatile Map<String, Integer> byName;

    SyscallArch(String linuxName, int auditArch, String table) {
        this.linuxName = linuxName;
        this.auditArch = auditArch;
        this.table = table;
    }

    /** The name {@code uname -m} and libseccomp use: {@code x86_64}, {@code i386}. */
    public String linuxName() {
        return linuxName;
    }

    /** {@code AUDIT_ARCH_X86_64} and so on: what {@code seccomp_data.arch} holds. */
    public int auditArch() {
        return auditArch;
    }

    /** The architecture called {@code name} ({@code x86_64}, {@code amd64}, {@code i386}, {@code x86}). */
    public static SyscallArch of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x86-64" -> X86_64;
            case "i386", "i686", "x86" -> I386;
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; known: x86_64, i386");
        };
    }

    /** The number of system call {@code name} ({@code openat}), if this architecture has it. */
    public Optional<Integer> number(String name) {
        return Optional.ofNullable(table().get(name));
    }

    /** The name of system call {@code nr}, if this architecture has one. */
    public Optional<String> name(int nr) {
        return table().entrySet().stream().filter(e -> e.getValue() == nr).map(Map.Entry::getKey).findFirst();
    }

    /** All system calls by name, in number order. */
    public Map<String, Integer> syscalls() {
        return table();
    }

    private Map<String, Integer> table() {
        Map<String, Integer> t = byName;
        if (t == null) {
            t = load();
            byName = t;
        }
        return t;
    }

    private Map<String, Integer> load() {
        TreeMap<Integer, String> byNumber = new TreeMap<>();
        try (InputStream in = SyscallArch.class.getResourceAsStream(table)) {
            if (in == null) {
                throw new IllegalStateException("system call table " + table + " is missing from the bpf4j-classic jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                byNumber.put(Integer.parseInt(parts[1]), parts[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        byNumber.forEach((nr, name) -> out.put(name, nr));
        return Collections.unmodifiableMap(out);
    }
}
