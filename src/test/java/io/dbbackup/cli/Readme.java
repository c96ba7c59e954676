package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** README.md as the README tests read it: its fenced code blocks, and the real command line to hold them against. */
final class Readme {
    private Readme() {
    }

    /** One line of a fenced code block, with its line number in README.md. */
    record Line(int number, String text) {
        @Override
        public String toString() {
            return "README.md:" + number + ": " + text;
        }
    }

    static List<String> lines() throws IOException {
        return Files.readAllLines(Path.of(System.getProperty("project.basedir", "."), "README.md"));
    }

    /** Every line inside a fenced code block (```), in order. */
    static List<Line> codeLines() throws IOException {
        List<String> all = lines();
        List<Line> out = new ArrayList<>();
        boolean in = false;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).strip().startsWith("```")) {
                in = !in;
            } else if (in) {
                out.add(new Line(i + 1, all.get(i)));
            }
        }
        return out;
    }

    /** A fenced code block: the README line of its first line, and its text. */
    record Block(int line, String text) {
    }

    /** Every fenced code block opened with {@code ```lang}, in order. */
    static List<Block> blocks(String lang) throws IOException {
        List<String> all = lines();
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).strip().equals("```" + lang)) {
                int start = i + 1;
                StringBuilder text = new StringBuilder();
                for (i = start; i < all.size() && !all.get(i).strip().startsWith("```"); i++) {
                    text.append(all.get(i)).append('\n');
                }
                out.add(new Block(start + 1, text.toString()));
            }
        }
        return out;
    }

    /** The lines of the first code block after {@code heading}. */
    static List<Line> blockAfter(String heading) throws IOException {
        List<String> all = lines();
        int start = all.indexOf(heading);
        if (start < 0) {
            throw new AssertionError("README.md has no heading '" + heading + "'");
        }
        List<Line> out = new ArrayList<>();
        boolean in = false;
        for (int i = start + 1; i < all.size(); i++) {
            if (all.get(i).strip().startsWith("```")) {
                if (in) {
                    return out;
                }
                in = true;
            } else if (in) {
                out.add(new Line(i + 1, all.get(i)));
            }
        }
        throw new AssertionError("no code block after '" + heading + "'");
    }

    /** The real command line, every verb registered, configured as {@link Main#run} configures it; nothing runs. */
    static CommandLine commandLine() {
        Main main = new Main(Map.of(), Clock.systemUTC(), Cli.noTerminal(), Path.of("").toAbsolutePath());
        PrintWriter sink = new PrintWriter(new StringWriter());
        CommandLine cl = new Root(main, sink, sink).commandLine();
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
