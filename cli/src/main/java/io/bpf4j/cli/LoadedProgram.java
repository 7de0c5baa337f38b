package io.bpf4j.cli;

import io.bpf4j.isa.Instructions;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A program read from a file, with what the file says about running it.
 *
 * @param file the file's name as the user gave it, for messages
 * @param code the instructions
 * @param memory the input memory the file provides (conformance test files), if any
 * @param expectedResult the r0 the file expects (conformance test files), if any
 */
record LoadedProgram(String file, Instructions code, Optional<byte[]> memory, OptionalLong expectedResult) {
    static LoadedProgram of(String file, Instructions code) {
        return new LoadedProgram(file, code, Optional.empty(), OptionalLong.empty());
    }
}
