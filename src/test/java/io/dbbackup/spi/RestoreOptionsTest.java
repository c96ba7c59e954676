package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restore in part restores, as its lines say it: after "restored" or "Restore" ({@code describeSelection}) and as
 * the dry run's note after the target ({@code selectionNote}), for each combination of --table, --schema and
 * --data-only. The note read "(only rows only)" for --data-only alone, and "(only table orders, rows only)" with a table.
 */
class RestoreOptionsTest {
    private static RestoreOptions of(List<String> tables, List<String> schemas, boolean dataOnly) {
        return new RestoreOptions(false, false, tables, schemas, dataOnly);
    }

    @Test
    void everyCombinationReadsAsASentence() {
        List<String> none = List.of();
        List<String> orders = List.of("orders");
        List<String> audit = List.of("audit");
        Object[][] cases = {
                {none, none, false, "everything", ""},
                {none, none, true, "rows only", "(rows only)"},
                {orders, none, false, "table orders", "(only table orders)"},
                {orders, none, true, "rows of table orders", "(only rows of table orders)"},
                {List.of("orders", "items"), none, false, "table orders, table items", "(only table orders, table items)"},
                {List.of("orders", "items"), none, true, "rows of table orders, table items",
                        "(only rows of table orders, table items)"},
                {none, audit, false, "schema audit", "(only schema audit)"},
                {none, audit, true, "rows of schema audit", "(only rows of schema audit)"},
                {orders, audit, false, "table orders, schema audit", "(only table orders, schema audit)"},
                {orders, audit, true, "rows of table orders, schema audit", "(only rows of table orders, schema audit)"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            RestoreOptions options = of((List<String>) c[0], (List<String>) c[1], (Boolean) c[2]);
            String as = c[0] + " " + c[1] + " data-only " + c[2];
            assertThat(options.describeSelection()).as(as).isEqualTo(c[3]);
            assertThat(options.selectionNote()).as(as).isEqualTo(c[4]);
            assertThat(options.selectionNote()).as(as).doesNotContain("only rows only").doesNotContain(", rows only");
        }
    }
}
