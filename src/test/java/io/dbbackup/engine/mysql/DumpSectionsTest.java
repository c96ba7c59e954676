package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.testkit.Trickle;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Taking a real mariadb-dump script apart (src/test/resources/mysql/mariadb-10.11-dump.sql, made by MariaDB 10.11's
 * mariadb-dump: tables with a foreign key, a trigger, a view, a procedure, a name with a backtick, a value that reads
 * like a section comment) for {@code restore --table/--data-only}.
 */
class DumpSectionsTest {
    static final byte[] DUMP = read("/mysql/mariadb-10.11-dump.sql");

    static byte[] read(String resource) {
        try (InputStream in = DumpSectionsTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final byte[] DATABASES = read("/mysql/mariadb-10.11-dump-databases.sql"); // --databases pr_demo pr_other
    /** Sequences b_seq (at 100, cache 1000: dumped as SETVAL 1101) and odd`seq before tables a_t (ids from b_seq) and m_t. */
    static final byte[] SEQUENCES = read("/mysql/mariadb-10.11-dump-sequences.sql");

    static String part(byte[] dump, Set<String> tables, boolean dataOnly, int chunk) throws IOException {
        return part(dump, tables, Set.of(), dataOnly, chunk);
    }

    static String part(byte[] dump, Set<String> tables, Set<String> databases, boolean dataOnly, int chunk) throws IOException {
        TableSelection rule = new TableSelection(tables, databases, dataOnly);
        try (InputStream in = new io.dbbackup.spi.FilteredInputStream(new Trickle(new ByteArrayInputStream(dump), chunk),
                kept -> new DumpSections(rule, kept))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void contents(byte[] dump, RestoreOptions selection) throws IOException {
        try (DumpContents c = new DumpContents(selection)) {
            c.write(dump);
        }
    }

    static RestoreOptions tables(String... names) {
        return new RestoreOptions(false, false, List.of(names), List.of(), false);
    }

    @Test
    void oneTableIsItsDefinitionRowsAndTriggerWithoutTheDropAndWithoutAnythingElse() throws IOException {
        String sql = part(DUMP, Set.of("orders"), false, 1 << 16);

        assertThat(sql).startsWith("/*M!999999\\- enable the sandbox mode */")
                .contains("/*!40101 SET NAMES utf8mb4 */;", "FOREIGN_KEY_CHECKS=0", "CREATE TABLE `orders` (",
                        "INSERT INTO `orders` VALUES\n(1,1,9.50),\n(2,2,3.25),\n(3,3,7.00);", "trigger orders_total before insert")
                .doesNotContain("DROP TABLE", "CREATE TABLE `customers`", "INSERT INTO `customers`", "`odd", "big_orders", "PROCEDURE",
                        "empty_one");
    }

    @Test
    void rowsOnlyAreEveryTablesRowsBetweenLockAndUnlockWithoutDefinitionsOrTriggers() throws IOException {
        String sql = part(DUMP, Set.of(), true, 1 << 16);

        assertThat(sql).contains("INSERT INTO `customers` VALUES\n(1,'ann\\nline two'),\n(2,'-- Table structure for table `orders`'),",
                        "INSERT INTO `orders` VALUES", "INSERT INTO `odd``name` VALUES\n(42);")
                .doesNotContain("CREATE TABLE", "DROP TABLE", "trigger", "DELIMITER", "VIEW", "PROCEDURE")
                .doesNotContain("LOCK TABLES", "DISABLE KEYS", "ENABLE KEYS"); // each would commit what came before
        assertThat(sql.split("INSERT INTO `", -1)).hasSize(4); // customers, odd`name, orders (empty_one has none)
    }

    @Test
    void aValueThatReadsLikeASectionCommentDoesNotOpenASection() throws IOException {
        String sql = part(DUMP, Set.of("customers"), true, 1 << 16);

        assertThat(sql).contains("(3,'bob');").doesNotContain("INSERT INTO `orders`");
    }

    @Test
    void aNameWithABacktickIsUnquoted() throws IOException {
        assertThat(part(DUMP, Set.of("odd`name"), false, 1 << 16)).contains("CREATE TABLE `odd``name`", "(42);")
                .doesNotContain("`orders`");
        assertThat(DumpSections.unquote("`a``b`")).isEqualTo("a`b");
        assertThat(DumpSections.unquote("plain")).isEqualTo("plain");
    }

    @Test
    void theSameLinesWhateverTheChunksTheDumpArrivesIn() throws IOException {
        String whole = part(DUMP, Set.of("orders", "customers"), false, DUMP.length);
        for (int chunk : new int[] {1, 2, 3, 7, 511, 512, 513, 4096}) {
            assertThat(part(DUMP, Set.of("orders", "customers"), false, chunk)).as("chunks of %d", chunk).isEqualTo(whole);
        }
        assertThat(whole).contains("CREATE TABLE `customers`", "CREATE TABLE `orders`");
    }

    @Test
    void aLineLongerThanTheHeldHeadPassesWholeOrNotAtAll() throws IOException {
        String row = "(" + "9".repeat(5000) + ")";
        String dump = """
                /*!40101 SET NAMES utf8mb4 */;

                --
                -- Dumping data for table `a`
                --

                INSERT INTO `a` VALUES %s;

                --
                -- Dumping data for table `b`
                --

                INSERT INTO `b` VALUES %s;
                """.formatted(row, row.replace('9', '8'));
        byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);

        for (int chunk : new int[] {1, 100, 1 << 16}) {
            String sql = part(bytes, Set.of("b"), true, chunk);
            assertThat(sql).contains("INSERT INTO `b` VALUES " + row.replace('9', '8') + ";\n").doesNotContain("9");
        }
    }

    @Test
    void aTableTheBackupDoesNotHoldFailsSayingWhatItHolds() {
        assertThatThrownBy(() -> contents(DUMP, tables("orders", "invoices", "pr_demo.orders")))
                .isInstanceOf(DbBackupException.class)
                .hasMessage("the backup holds no table invoices, no table pr_demo.orders (name the table without its database: "
                        + "the backup is of one database) (it holds tables customers, empty_one, odd`name, orders; views big_orders); "
                        + "nothing was restored");
    }

    /** A view is its final definition (after every table), without the DROPs before it and without its placeholder. */
    @Test
    void aViewIsItsFinalDefinitionWithoutItsDropsOrItsPlaceholder() throws IOException {
        String sql = part(DUMP, Set.of("orders", "big_orders"), false, 13);

        assertThat(sql).contains("CREATE TABLE `orders` (", "/*!50001 CREATE ALGORITHM=UNDEFINED */",
                        "/*!50001 VIEW `big_orders` AS select `orders`.`id` AS `id`")
                .doesNotContain("DROP VIEW", "DROP TABLE", "NULL AS `customer_id`", "CREATE TABLE `customers`");
        assertThat(sql.indexOf("INSERT INTO `orders`")).as("the view after the tables").isLessThan(sql.indexOf("VIEW `big_orders` AS"));
        contents(DUMP, tables("big_orders"));
        assertThat(part(DUMP, Set.of("big_orders"), true, 1 << 16)).as("a view has no rows").doesNotContain("big_orders");
        assertThatThrownBy(() -> contents(DUMP, new RestoreOptions(false, false, List.of("big_orders"), List.of(), true)))
                .hasMessageContaining("no rows of view big_orders (a view has none: --data-only loads tables' rows)");

        String demo = part(DATABASES, Set.of(), Set.of("pr_demo"), false, 1 << 16);
        assertThat(demo).as("a database's views come with it").contains("VIEW `big_orders` AS select");
        assertThat(demo.lastIndexOf("USE `pr_demo`;")).isLessThan(demo.indexOf("VIEW `big_orders` AS select"));
        assertThat(part(DATABASES, Set.of(), Set.of("pr_other"), false, 1 << 16)).doesNotContain("big_orders");
    }

    @Test
    void tablesTheBackupHoldsPass() throws IOException {
        contents(DUMP, tables("orders", "odd`name"));
        contents(DUMP, new RestoreOptions(false, false, List.of("empty_one"), List.of(), true));
    }

    @Test
    void rowsThatWereNotDumpedAreMissing() {
        byte[] noData = """
                --
                -- Table structure for table `a`
                --

                CREATE TABLE `a` (x int);
                """.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> contents(noData, new RestoreOptions(false, false, List.of("a"), List.of(), true)))
                .hasMessageContaining("no rows of table a (its data was not dumped)");
        assertThatThrownBy(() -> contents(noData, new RestoreOptions(false, false, List.of(), List.of(), true)))
                .hasMessageContaining("no rows of any table");
    }

    @Test
    void aDumpWithoutSectionCommentsCannotBeTakenApart() {
        byte[] compact = "CREATE TABLE `a` (x int);\nINSERT INTO `a` VALUES (1);\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> contents(compact, tables("a")))
                .hasMessageStartingWith("the backup holds no '-- Table structure for table' comments");
    }

    @Test
    void inADumpOfSeveralDatabasesATableIsNamedWithItsDatabase() throws IOException {
        String sql = part(DATABASES, Set.of("pr_other.orders"), false, 1 << 16);

        assertThat(sql).contains("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `pr_other`", "USE `pr_other`;",
                        "CREATE TABLE `orders` (", "INSERT INTO `orders` VALUES\n(7);")
                .doesNotContain("(1,1,9.50)", "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `pr_demo`", "`notes`", "`customers`");
        assertThat(sql.indexOf("USE `pr_other`;")).isLessThan(sql.indexOf("CREATE TABLE `orders`"));
    }

    @Test
    void aSchemaIsADatabaseOfTheDump() throws IOException {
        String other = part(DATABASES, Set.of(), Set.of("pr_other"), false, 1 << 16);
        assertThat(other).contains("CREATE TABLE `notes`", "INSERT INTO `notes` VALUES\n(1,'hello');", "INSERT INTO `orders` VALUES\n(7);")
                .doesNotContain("`customers`", "(1,1,9.50)");

        String rows = part(DATABASES, Set.of(), Set.of("pr_demo"), true, 7);
        assertThat(rows).contains("USE `pr_demo`;", "INSERT INTO `customers`", "(1,1,9.50)")
                .doesNotContain("CREATE DATABASE", "CREATE TABLE", "`notes`", "(7);", "LOCK TABLES");
    }

    @Test
    void namesInADumpOfSeveralDatabases() throws IOException {
        contents(DATABASES, tables("pr_demo.orders", "pr_other.orders"));
        contents(DATABASES, new RestoreOptions(false, false, List.of(), List.of("pr_other"), false));

        assertThatThrownBy(() -> contents(DATABASES, new RestoreOptions(false, false, List.of("orders"), List.of("nope"), false)))
                .hasMessageStartingWith("the backup holds no database nope, no table orders (the backup is of several "
                        + "databases: name the table as database.table) (it holds databases pr_demo, pr_other; tables "
                        + "pr_demo.customers, pr_demo.empty_one, pr_demo.odd`name, pr_demo.orders, pr_other.notes, pr_other.orders; "
                        + "views pr_demo.big_orders)");
    }

    /** The audit's F2: the sequences come first in the dump, and were kept as if they were its preamble. */
    @Test
    void aSequenceIsRestoredOnlyWhenNamedAndNeverWithRowsOnly() throws IOException {
        String other = part(SEQUENCES, Set.of("m_t"), false, 1 << 16);
        assertThat(other).contains("CREATE TABLE `m_t`", "INSERT INTO `m_t` VALUES\n(2);")
                .doesNotContain("SEQUENCE", "SETVAL", "b_seq", "odd");
        String rows = part(SEQUENCES, Set.of(), true, 7);
        assertThat(rows).contains("INSERT INTO `a_t` VALUES", "INSERT INTO `m_t` VALUES").doesNotContain("SEQUENCE", "SETVAL");

        String named = part(SEQUENCES, Set.of("b_seq"), false, 5);
        assertThat(named).contains("CREATE SEQUENCE `b_seq` start with 1", "DO SETVAL(`b_seq`, 1101, 0);")
                .doesNotContain("DROP SEQUENCE", "odd", "CREATE TABLE");
        assertThat(part(SEQUENCES, Set.of("odd`seq", "a_t"), false, 1 << 16)).contains("CREATE SEQUENCE `odd``seq`", "CREATE TABLE `a_t`")
                .doesNotContain("`b_seq` start", "CREATE TABLE `m_t`");
    }

    @Test
    void aSequenceIsPartOfWhatTheDumpHoldsButHasNoRows() throws IOException {
        contents(SEQUENCES, tables("b_seq", "odd`seq"));
        assertThatThrownBy(() -> contents(SEQUENCES, new RestoreOptions(false, false, List.of("b_seq"), List.of(), true)))
                .hasMessageContaining("no rows of sequence b_seq (--data-only never sets a sequence");
        assertThatThrownBy(() -> contents(SEQUENCES, tables("c_seq")))
                .hasMessageContaining("(it holds tables a_t, m_t; sequences b_seq, odd`seq)");
        try (DumpContents c = new DumpContents(null)) {
            c.write(SEQUENCES);
            c.close();
            assertThat(c.lines()).containsExactly("table a_t", "table m_t", "sequence b_seq", "sequence odd`seq");
        }
    }

    /** Rows only leave the CREATE TABLE out: its AUTO_INCREMENT counter is read as it goes by, for the chosen tables only. */
    @Test
    void rowsOnlyReadEachChosenTablesAutoIncrementCounterFromItsCreateTable() throws IOException {
        String[] lines = new String(DATABASES, StandardCharsets.UTF_8).split("\n", -1);
        lines[125] = lines[125].replace(") ENGINE=InnoDB DEFAULT", ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT"); // pr_demo.orders
        lines[226] = lines[226].replace(") ENGINE=InnoDB DEFAULT", ") ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT"); // pr_other.orders
        lines[97] = lines[97].replace(") ENGINE=InnoDB DEFAULT", ") ENGINE=InnoDB AUTO_INCREMENT=9 DEFAULT"); // pr_demo.odd`name
        byte[] dump = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);

        for (int chunk : new int[] {1, 7, 1 << 16}) {
            TableSelection all = new TableSelection(Set.of(), Set.of(), true);
            feed(dump, all, chunk);
            assertThat(all.counters().entrySet()).extracting(e -> e.getKey().qualified() + "=" + e.getValue())
                    .containsExactly("pr_demo.odd`name=9", "pr_demo.orders=42", "pr_other.orders=7");

            TableSelection one = new TableSelection(Set.of("pr_other.orders"), Set.of(), true);
            feed(dump, one, chunk);
            assertThat(one.counters().entrySet()).extracting(e -> e.getKey().qualified() + "=" + e.getValue())
                    .containsExactly("pr_other.orders=7");
        }
        TableSelection whole = new TableSelection(Set.of(), Set.of(), false);
        feed(dump, whole, 1 << 16);
        assertThat(whole.counters()).as("structure and rows: the CREATE TABLE brings it").isEmpty();
    }

    private static void feed(byte[] dump, TableSelection rule, int chunk) throws IOException {
        try (InputStream in = new io.dbbackup.spi.FilteredInputStream(new Trickle(new ByteArrayInputStream(dump), chunk),
                kept -> new DumpSections(rule, kept))) {
            in.readAllBytes();
        }
    }
}
