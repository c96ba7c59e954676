package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An empty item in a list whose items become a tool's arguments or patterns (a template's empty value:
 * {@code schemas: ["{{ .Values.schema }}"]}) passed {@code config validate}: {@code pg_dump -n ""} then failed every night
 * ("no matching schemas were found"), and a {@code ""} in {@code extra_args} reached the tool as an argument of its own.
 * Each is one line at the item now.
 */
class EmptyListItemCliTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyItemOfAnArgumentListIsOneLineAtTheItem() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg:
                    engine: postgres
                    host: localhost
                    database: app
                    schemas: [""]
                    exclude_table_data: [logs, " "]
                    extra_args: ["--no-comments", ""]
                  my:
                    engine: mysql
                    host: localhost
                    database: app
                    extra_args: [""]
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  app:
                    datasource: pg
                    store: local
                    drill_checks: ["select true", ""]
                """);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        String fix = ": must not be empty: remove the item or give its value";
        assertThat(r.err().strip().split("\n")).containsExactly(
                "config.yaml:6:15: error: datasources.pg.schemas[0]" + fix,
                "config.yaml:7:32: error: datasources.pg.exclude_table_data[1]" + fix,
                "config.yaml:8:35: error: datasources.pg.extra_args[1]" + fix,
                "config.yaml:13:18: error: datasources.my.extra_args[0]" + fix,
                "config.yaml:22:35: error: jobs.app.drill_checks[1]" + fix);
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
