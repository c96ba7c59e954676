package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The backup shortcut takes exactly what picocli would, field for field, and leaves everything else to picocli. */
class BackupShortcutTest {
    private final Main main = new Main(Map.of(), Clock.systemUTC(), io.dbbackup.testkit.Cli.noTerminal(), Path.of("/work"));
    private final PrintWriter out = new PrintWriter(new StringWriter());

    @Test
    void everyPlainFormIsParsedAsPicocliParsesIt() {
        for (String line : List.of(
                "backup app",
                "-c config.yaml backup app billing",
                "--config /etc/dbbackup/config.yaml -q backup --all --parallel 4 --prune",
                "--config=c.yaml --log-format json backup --all --shard 2/5 --json --no-progress",
                "-v --log-format=JSON backup --prune app",
                "backup --all")) {
            String[] args = line.split(" ");
            BackupCommand quick = BackupShortcut.parse(main, out, out, args);
            assertThat(quick).as(line).isNotNull();
            BackupCommand slow = picocli(args);
            assertThat(describe(quick)).as(line).isEqualTo(describe(slow));
        }
    }

    @Test
    void anythingElseGoesToPicocli() {
        for (String line : List.of(
                "backup --help", "backup -h", "backup --version", "--help", "list app", "-qv backup app", "backup app --parallel",
                "backup app --parallel two", "backup app --parallel 0", "backup --all --shard 1", "backup app --prune --prune",
                "-c a.yaml -c b.yaml backup app", "-c a.yaml --config=b.yaml backup app", "--log-format xml backup app",
                "backup @jobs.txt", "backup app --", "backup --parallel=2 app", "-c backup app", "-c backup backup app", "backupp app", "-x backup app")) {
            assertThat(BackupShortcut.parse(main, out, out, line.split(" "))).as(line).isNull();
        }
    }

    /** Pieces of command lines: single tokens and option-value pairs, plain ones and ones picocli refuses or converts. */
    private static final List<List<String>> ROOT_PIECES = pieces(
            "-q", "--quiet", "-v", "--verbose", "-c c.yaml", "--config /etc/c.yaml", "--config=c.yaml", "-c", "--config", "c.yaml",
            "-c ''", "--config ''", "--config=", "-c -q", "--log-format json", "--log-format JSON", "--log-format text",
            "--log-format=json", "--log-format=Text", "--log-format xml", "--log-format", "--log-format=",
            "--limit-download 64KiB", "-qv", "-vq", "-cc.yaml", "--", "-x", "--json", "--help", "-V", "@args.txt", "list", "''");
    private static final List<List<String>> VERB_PIECES = pieces(
            "app", "billing", "app", "--all", "--prune", "--json", "--no-progress", "--parallel 4", "--parallel 1",
            "--parallel 9999", "--parallel 10000", "--parallel 0", "--parallel 04", "--parallel -1", "--parallel two",
            "--parallel", "--parallel=2", "--shard 1/2", "--shard 3/3", "--shard 0/0", "--shard 1234567/1", "--shard 1",
            "--shard x/y", "--shard", "--shard=1/2", "--pin note", "-x", "-q", "-c c.yaml", "@jobs.txt", "''", "-", "--", "backup",
            "list", "--help", "-h", "--version", "--all=true", "--prune=false", "--json=true", "app=1", "-1");

    private static List<List<String>> pieces(String... specs) {
        return java.util.Arrays.stream(specs)
                .map(s -> java.util.Arrays.stream(s.split(" ")).map(t -> t.equals("''") ? "" : t).toList()).toList();
    }

    /**
     * Many generated command lines (seeded, so a failure repeats): whenever the shortcut takes a line, picocli takes it
     * too and sets every field alike; whatever picocli refuses (an error, help, no backup verb), the shortcut leaves to
     * picocli. Both kinds must occur often, or the generator tests nothing.
     */
    @Test
    void generatedCommandLinesAreTakenAlikeOrLeftToPicocli() {
        java.util.Random random = new java.util.Random(20261204L);
        int taken = 0;
        int refused = 0;
        for (int n = 0; n < 8000; n++) {
            List<String> line = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                line.addAll(ROOT_PIECES.get(random.nextInt(ROOT_PIECES.size())));
            }
            if (random.nextInt(20) > 0) {
                line.add("backup");
            }
            for (int i = random.nextInt(6); i > 0; i--) {
                line.addAll(VERB_PIECES.get(random.nextInt(VERB_PIECES.size())));
            }
            String[] args = line.toArray(String[]::new);
            String shown = line.stream().map(t -> t.isEmpty() ? "''" : t).collect(java.util.stream.Collectors.joining(" "));
            BackupCommand quick = BackupShortcut.parse(main, out, out, args);
            BackupCommand slow;
            try {
                slow = picocliOrNull(args);
            } catch (CommandLine.ParameterException e) {
                slow = null;
            }
            if (slow == null) {
                refused++;
                assertThat(quick).as("picocli refuses or does not back up, the shortcut must leave it: " + shown).isNull();
            } else if (quick != null) {
                taken++;
                assertThat(describe(quick)).as(shown).isEqualTo(describe(slow));
            }
        }
        System.out.println("generated lines: " + taken + " taken by the shortcut, " + refused + " refused by picocli");
        assertThat(taken).as("lines the shortcut took").isGreaterThan(400);
        assertThat(refused).as("lines picocli refused").isGreaterThan(2000);
    }

    /** Picocli's model per set of verbs registered ({@link Root#plainVerb}): built once, picocli resets it per parse. */
    private final Map<String, CommandLine> models = new java.util.HashMap<>();

    /** The BackupCommand picocli sets for a plain backup line; null for help, version or another verb. */
    private BackupCommand picocliOrNull(String... args) {
        CommandLine cl = models.computeIfAbsent(String.valueOf(Root.plainVerb(args)), verb -> {
            CommandLine c = new Root(main, out, out).commandLine(args);
            c.setCaseInsensitiveEnumValuesAllowed(true); // as Main.run sets it
            return c;
        });
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || parsed.subcommand() == null
                || parsed.subcommand().isUsageHelpRequested() || parsed.subcommand().isVersionHelpRequested()
                || !(parsed.subcommand().commandSpec().userObject() instanceof BackupCommand b)) {
            return null;
        }
        return b;
    }

    private BackupCommand picocli(String... args) {
        Root root = new Root(main, out, out);
        CommandLine cl = root.commandLine(args);
        cl.setCaseInsensitiveEnumValuesAllowed(true); // as Main.run sets it
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (BackupCommand) parsed.subcommand().commandSpec().userObject();
    }

    private static String describe(BackupCommand b) {
        Root r = b.root;
        return String.join("|", String.valueOf(r.config), String.valueOf(r.quiet), String.valueOf(r.verbose),
                String.valueOf(r.logFormat), String.valueOf(r.limitDownload), String.valueOf(b.jobs), String.valueOf(b.all), String.valueOf(b.parallel),
                String.valueOf(b.prune), String.valueOf(b.json), String.valueOf(b.noProgress), String.valueOf(b.shard));
    }
}
