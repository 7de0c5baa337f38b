package io.bpf4j.cli;

import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ObjectFormatException;
import java.io.IOException;
import java.nio.file.Path;

/** Reads ELF object files for the commands that take them, with one-line errors. */
final class ObjectFiles {
    private ObjectFiles() {}

    static BpfObject read(String file) {
        try {
            return BpfObject.read(Path.of(file));
        } catch (ObjectFormatException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw Errors.io(file, e);
        }
    }
}
