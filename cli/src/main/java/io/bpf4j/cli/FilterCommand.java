package io.bpf4j.cli;

import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.PcapWriter;
import io.bpf4j.classic.ClassicFormat;
import io.bpf4j.classic.ClassicProgram;
import io.bpf4j.classic.ClassicWriter;
import io.bpf4j.classic.SocketFilter;
import io.bpf4j.classic.FilterExpressions;
import io.bpf4j.runtime.types.SkBuff;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bpf4j filter EXPR|--classic FILE --pcap IN [--out OUT]}: a classic socket filter over a capture. */
@Command(
        name = "filter",
        mixinStandardHelpOptions = true,
        header = "Run a tcpdump filter or a classic BPF program on a capture, as Linux runs socket filters.",
        description = {
            "The filter is a tcpdump expression (compiled by the installed tcpdump, or else libpcap, for the capture's"
                    + " link type, exactly as 'tcpdump -r IN EXPR' compiles it) or a classic program in any form: tcpdump -d,"
                    + " -dd or -ddd output, bpf_asm syntax, or binary struct sock_filter. It is checked as Linux checks"
                    + " socket filters, converted to eBPF and run on every packet; a packet matches when the filter"
                    + " keeps at least one byte of it. Matching packets go, whole, to OUT (pcap), as 'tcpdump -r IN"
                    + " -w OUT EXPR' writes them. Prints the number of packets read and matched.",
            "Note: the length a filter sees ('len', 'less', 'greater') is the captured length, as in Linux;"
                    + " tcpdump uses the original length, so the two differ on packets the capture truncated."
        })
final class FilterCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Parameters(index = "0", paramLabel = "EXPR", description = "A tcpdump filter expression (quote it).")
        String expression;

        @Option(names = "--classic", paramLabel = "FILE", description = "A classic BPF program file instead of an expression.")
        String classic;
    }

    @Option(names = "--pcap", required = true, paramLabel = "IN", description = "The capture to filter (pcap or pcapng).")
    String input;

    @Option(names = "--out", paramLabel = "OUT", description = "Write the matching packets to this pcap file.")
    String output;

    @Option(names = "--dump", paramLabel = "FORMAT",
            description = "Print the classic program first, in this format: ${COMPLETION-CANDIDATES}.")
    ClassicFormat dump;

    @Option(names = "--ebpf", description = "Print the eBPF program the filter was converted to (llvm-objdump syntax).")
    boolean showEbpf;

    @Override
    public Integer call() {
        ClassicProgram program;
        String programName;
        try {
            if (source.classic != null) {
                programName = source.classic;
                program = ClassicErrors.readProgram(source.classic);
            } else {
                programName = null;
                if (!Files.exists(Path.of(input))) {
                    throw Errors.io(input, new java.nio.file.NoSuchFileException(input));
                }
                program = FilterExpressions.compile(source.expression, Path.of(input));
            }
        } catch (RuntimeException e) {
            throw ClassicErrors.about(source.classic, e);
        }
        PrintStream out = main.terminal().out();
        if (dump != null) {
            if (dump == ClassicFormat.BINARY) {
                throw new CliException(ExitCodes.USAGE, "--dump BINARY would write binary to the terminal; use a text format");
            }
            out.print(ClassicWriter.toText(program, dump));
        }
        SocketFilter filter;
        try {
            filter = SocketFilter.of(program);
        } catch (RuntimeException e) {
            throw ClassicErrors.about(programName, e);
        }
        if (showEbpf) {
            out.print(io.bpf4j.isa.Disassembler.listing(filter.executable().program().code()));
        }
        long read = 0;
        long matched = 0;
        try (CaptureReader capture = CaptureReader.open(Path.of(input))) {
            PcapWriter writer = null;
            try {
                for (CapturedPacket packet : capture) {
                    read++;
                    if (filter.run(skb(packet)).accepted()) {
                        matched++;
                        if (output != null) {
                            if (writer == null) {
                                writer = PcapWriter.create(Path.of(output), packet.linkType(), snapLength(Path.of(input)),
                                        PcapWriter.Precision.MICROSECONDS);
                            }
                            writer.write(packet);
                        }
                    }
                }
                if (writer == null && output != null) {
                    writer = PcapWriter.create(Path.of(output), linkTypeOf(Path.of(input)), snapLength(Path.of(input)),
                            PcapWriter.Precision.MICROSECONDS);
                }
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw ClassicErrors.about(input, e.getCause());
        } catch (IOException | RuntimeException e) {
            throw ClassicErrors.about(input, e);
        }
        out.println(read + " packets read, " + matched + " matched");
        out.flush();
        return ExitCodes.OK;
    }

    /** The packet as a socket filter sees it: an Ethernet frame for link type 1, raw bytes otherwise. */
    private static SkBuff skb(CapturedPacket packet) {
        if (packet.linkType() == 1) {
            return SocketFilter.skbOf(packet.data());
        }
        return SkBuff.builder(packet.data()).build();
    }

    /** What tcpdump -w writes as the snapshot length: the input pcap's own; tcpdump's default for pcapng. */
    private static int snapLength(Path file) throws IOException {
        ByteBuffer header = pcapHeader(file);
        return header == null ? PcapWriter.DEFAULT_SNAP_LENGTH : header.getInt(16);
    }

    private static int linkTypeOf(Path file) throws IOException {
        ByteBuffer header = pcapHeader(file);
        return header == null ? 1 : header.getInt(20) & 0x0fffffff;
    }

    /** The 24-byte pcap file header in its byte order, or null for pcapng. */
    private static ByteBuffer pcapHeader(Path file) throws IOException {
        byte[] b = new byte[24];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(b, 0, 24) < 24) {
                return null;
            }
        }
        ByteBuffer header = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int magic = header.getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            return header;
        }
        if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) {
            return header.order(ByteOrder.BIG_ENDIAN);
        }
        return null;
    }
}
