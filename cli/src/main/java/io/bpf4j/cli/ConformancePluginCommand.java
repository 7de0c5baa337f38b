package io.bpf4j.cli;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfException;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Program;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bpf4j conformance-plugin}: the plugin protocol of the bpf_conformance runner, so that the
 * suite (or {@code run_conformance.py}) can test bpf4j like any other eBPF implementation.
 */
@Command(
        name = ConformancePluginCommand.NAME,
        mixinStandardHelpOptions = true,
        header = "Run one bpf_conformance test (plugin protocol: program hex on stdin).",
        description = {
            "Speaks the bpf_conformance plugin protocol: reads the program from stdin as hex bytes"
                    + " (\"b7  00  00  00  ...\", white space between bytes optional), runs it on MEM,"
                    + " prints r0 as unsigned 64-bit hex (0x2a) on stdout and exits 0.",
            "On failure it prints one line on stderr and exits non-zero (see 'bpf4j --help').",
            "Use it through a script that runs 'bpf4j conformance-plugin \"$@\"', e.g. bpf4j-plugin:",
            "  python3 run_conformance.py --all -- /path/to/bpf4j-plugin",
            "  bpf_conformance_runner --test_file_directory tests --plugin_path /path/to/bpf4j-plugin"
        })
final class ConformancePluginCommand implements Callable<Integer> {
    static final String NAME = "conformance-plugin";

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "MEM", arity = "0..*",
            description = "Input memory in hex (\"00  01  ff  \"): the first argument not starting with --."
                    + " Other arguments (runner options such as --elf) are ignored.")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--budget", paramLabel = "N", defaultValue = "" + RunCommand.DEFAULT_BUDGET,
            description = "Fault after N executed instructions; 0 for no limit. Default: ${DEFAULT-VALUE}.")
    long budget;

    @Override
    public Integer call() {
        byte[] memory = new byte[0];
        for (String argument : arguments) {
            if (!argument.startsWith("--")) {
                memory = parseHex("memory argument", argument);
                break;
            }
        }
        String programHex;
        try {
            programHex = new String(main.terminal().in().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw Errors.io("stdin", e);
        }
        byte[] program = parseHex("program on stdin", programHex);
        if (program.length == 0) {
            throw CliException.badInput("program on stdin: no instructions");
        }

        Instructions code = null;
        try {
            code = Instructions.decode(program);
            long r0 = BpfRuntime.builder().instructionBudget(budget).build()
                    .load(Program.of("conformance", code))
                    .run(memory);
            main.terminal().out().println("0x" + Long.toHexString(r0));
            main.terminal().out().flush();
            return ExitCodes.OK;
        } catch (BpfException | io.bpf4j.isa.InvalidInstructionException e) {
            throw Errors.about("program", e, code);
        }
    }

    private static byte[] parseHex(String what, String text) {
        try {
            return Hex.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(what + ": " + e.getMessage());
        }
    }
}
