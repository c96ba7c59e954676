package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.job.Inspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = "Show what a datasource holds: server version, size, tables with row counts or estimates (read-only).")
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(paramLabel = "DATASOURCE")
    String datasource;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> info = new Inspector(root.workspace()).inspect(datasource);
        if (json) {
            root.out.println(Json.pretty(info));
            return 0;
        }
        for (Map.Entry<String, Object> e : info.entrySet()) {
            if (!(e.getValue() instanceof List<?>)) {
                root.out.printf(Locale.ROOT, "%-16s %s%n", e.getKey() + ":", e.getValue());
            }
        }
        for (Map.Entry<String, Object> e : info.entrySet()) {
            if (e.getValue() instanceof List<?> list) {
                root.out.println(e.getKey() + ":");
                for (Object item : list) {
                    root.out.println("  " + (item instanceof Map<?, ?> m ? Json.write(m) : item));
                }
            }
        }
        return 0;
    }
}
