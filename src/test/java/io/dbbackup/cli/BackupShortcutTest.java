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
                "backup @jobs.txt", "backup app --", "backup --parallel=2 app", "-c backup app", "backupp app", "-x backup app")) {
            assertThat(BackupShortcut.parse(main, out, out, line.split(" "))).as(line).isNull();
        }
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
                String.valueOf(r.logFormat), String.valueOf(b.jobs), String.valueOf(b.all), String.valueOf(b.parallel),
                String.valueOf(b.prune), String.valueOf(b.json), String.valueOf(b.noProgress), String.valueOf(b.shard));
    }
}
