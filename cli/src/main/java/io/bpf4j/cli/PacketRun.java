package io.bpf4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bpf4j.capture.CaptureFormatException;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.LinkType;
import io.bpf4j.capture.PcapWriter;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.maps.BpfMap;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bpf4j run} on packets: feeds one raw frame ({@code --packet}, run {@code --repeat}
 * times) or every frame of a capture ({@code --pcap}) to a program at its hook, then reports the
 * histogram of return values and the maps' final contents, and optionally writes the frames the
 * program let through to a new capture ({@code --out}).
 */
final class PacketRun {
    /** Where the frames come from. */
    sealed interface Input {
        String name();
    }

    record RawFrame(String name, byte[] frame) implements Input {}

    record Capture(String name) implements Input {}

    private final Executable program;
    private final PacketHook hook;
    private final Map<String, BpfMap> maps;
    private final PacketRunReport report;
    private final Terminal terminal;
    private final String programFile;

    PacketRun(String programFile, Executable program, String typeName, PacketHook hook, Map<String, BpfMap> maps,
            Terminal terminal) {
        this.programFile = programFile;
        this.program = program;
        this.hook = hook;
        this.maps = maps;
        this.terminal = terminal;
        this.report = new PacketRunReport(program.program().name(), typeName, hook);
    }

    /** Runs everything, prints the report (text or JSON) and returns the exit code. */
    int run(Input input, int repeat, String out, boolean json) {
        try (PcapWriter writer = out == null ? null : PcapWriter.create(Path.of(out), LinkType.ETHERNET)) {
            switch (input) {
                case RawFrame raw -> runFrame(1, CapturedPacket.ethernet(0, raw.frame()), repeat, writer);
                case Capture capture -> runCapture(capture.name(), repeat, writer);
            }
        } catch (IOException e) {
            throw Errors.io(out, e);
        }
        PrintStream stdout = terminal.out();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            stdout.println(report.json(mapper, maps).toPrettyString());
            stdout.flush();
        } else {
            report.printText(stdout, input.name(), repeat, maps);
        }
        return ExitCodes.OK;
    }

    private void runCapture(String file, int repeat, PcapWriter writer) throws IOException {
        CaptureReader reader;
        try {
            reader = CaptureReader.open(Path.of(file));
        } catch (CaptureFormatException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw Errors.io(file, e);
        }
        try (reader) {
            ProgressBar progress = new ProgressBar(terminal.err(), reader.size(), ProgressBar.wanted(reader.size()));
            long number = 0;
            for (CapturedPacket packet = next(reader, file); packet != null; packet = next(reader, file)) {
                number++;
                if (packet.linkType() != LinkType.ETHERNET) {
                    throw CliException.badInput(file + ": packet " + number + " has link type " + packet.linkType()
                            + "; bpf4j run feeds Ethernet frames (link type 1) to programs: capture on an Ethernet"
                            + " interface, not 'any' or a tunnel");
                }
                runFrame(number, packet, repeat, writer);
                progress.update(reader.position(), number);
            }
            progress.finish();
        }
    }

    private static CapturedPacket next(CaptureReader reader, String file) {
        try {
            return reader.next();
        } catch (CaptureFormatException e) {
            throw CliException.badInput(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw Errors.io(file, e);
        }
    }

    private void runFrame(long number, CapturedPacket packet, int repeat, PcapWriter writer) throws IOException {
        report.packet();
        PacketHook.PacketVerdict verdict = null;
        for (int i = 0; i < repeat; i++) {
            try {
                verdict = hook.run(program, packet.data().clone());
            } catch (ProgramFault e) {
                CliException fault = Errors.fault(programFile, e, program.program().code());
                throw new CliException(fault.exitCode(), "packet " + number + ": " + fault.getMessage(), e);
            } catch (IllegalArgumentException e) {
                // The hook cannot take this frame (too big for an XDP buffer, shorter than an Ethernet header).
                report.skipped(number, e.getMessage());
                return;
            }
            report.result(verdict.retval(), verdict.passed() != null);
        }
        if (writer != null && verdict.passed() != null) {
            byte[] passed = verdict.passed();
            int notCaptured = Math.max(0, packet.originalLength() - packet.data().length);
            writer.write(new CapturedPacket(packet.timestampNanos(), passed.length + notCaptured, passed, LinkType.ETHERNET));
        }
    }
}
