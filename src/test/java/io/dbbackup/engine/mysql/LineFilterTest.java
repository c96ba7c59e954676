package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dump rewriters ({@link Events}, {@link Definers}, {@link ViewNames}, {@link SequenceDefaults}) give the same bytes
 * however the dump arrives: real dumps (src/test/resources/mysql), with and without dbbackup's first line naming the
 * source, and with lines around each filter's limit (longer ones pass untouched or have only their head looked at) and a
 * last line without a line end, written in one piece, byte by byte ({@code write(int)}) and in random chunks of 1 to
 * 8192 bytes mixing both writes. The filter never closes the stream it writes to.
 */
class LineFilterTest {
    private static final String[] RESOURCES = {"mariadb-10.11-dump.sql", "mariadb-10.11-dump-databases.sql",
            "mariadb-10.11-dump-sequences.sql", "mariadb-10.11-events.sql", "rich-schema.sql"};
    private static final String HEADER = "-- dbbackup: mariadb dump of shop from server 10.11.6-MariaDB\n";
    private static final int RANDOM_CHUNKINGS = 12;
    /** Every limit {@link #edges()} writes lines around, and those below {@link ViewNames#MAX_LINE} (1 MiB). */
    private static final int[] LIMITS = {Definers.HEAD, Events.HEAD, SequenceDefaults.MAX_LINE, ViewNames.MAX_LINE};
    private static final int[] LIMITS_BELOW_1_MIB = {Definers.HEAD, Events.HEAD, SequenceDefaults.MAX_LINE};

    /** One filter under test: made on a stream, and what it noted besides its bytes. */
    private record Filter(String name, Function<OutputStream, OutputStream> make, Function<OutputStream, String> notes) {
    }

    private static final List<Filter> FILTERS = List.of(
            new Filter("Events(copy)", out -> new Events("copy", out),
                    f -> ((Events) f).source() + " " + ((Events) f).disabled() + " " + ((Events) f).unread()),
            new Filter("Events(null)", out -> new Events(null, out), f -> String.valueOf(((Events) f).disabled())),
            new Filter("Definers(toCurrentUser)", out -> new Definers(true, out),
                    f -> ((Definers) f).seen() + " " + ((Definers) f).rewritten()),
            new Filter("Definers(keep)", out -> new Definers(false, out),
                    f -> ((Definers) f).seen() + " " + ((Definers) f).rewritten()),
            new Filter("ViewNames(copy)", out -> new ViewNames("copy", out), f -> "" + ((ViewNames) f).rewritten()),
            new Filter("SequenceDefaults(copy)", out -> new SequenceDefaults("copy", out), f -> ""),
            new Filter("SequenceDefaults(null)", out -> new SequenceDefaults(null, out), f -> ""));

    private static byte[] resource(String name) {
        try (InputStream in = LineFilterTest.class.getResourceAsStream("/mysql/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines each filter rewrites, and lines around each filter's limit ({@value Definers#HEAD} … {@value ViewNames#MAX_LINE}). */
    static String edges() {
        return edges(LIMITS);
    }

    /** {@link #edges()} with lines around {@code limits} only. */
    static String edges(int[] limits) {
        StringBuilder b = new StringBuilder();
        b.append("--\n-- Table structure for table `z`\n--\n\n");
        b.append("CREATE TABLE `z` (\n  `id` int(11) NOT NULL DEFAULT nextval(`shop`.`s`),\n");
        b.append("  `c` varchar(90000) DEFAULT '").append("n;'' \\' ".repeat(9000)).append("nextval(`shop`.`s`)',\n");
        b.append("  `d` int(11) DEFAULT lastval(`shop`.`s`)\n) ENGINE=InnoDB;\n");
        b.append("--\n-- Dumping data for table `z`\n--\n\nLOCK TABLES `z` WRITE;\n");
        b.append("INSERT INTO `z` VALUES (1,'").append("x".repeat((1 << 20) + 100)).append("');\n");
        b.append("UNLOCK TABLES;\n");
        b.append("/*!50001 VIEW `v` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` */;\n");
        String event = "/*!50106 CREATE*/ /*!50117 DEFINER=`app`@`%`*/ /*!50106 EVENT `e` ON SCHEDULE EVERY 1 DAY "
                + "STARTS '2026-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO INSERT INTO t VALUES ('";
        String routine = "CREATE DEFINER=`app`@`%` PROCEDURE `p`() SELECT '";
        String view = "/*!50001 VIEW `w` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` where `shop`.`t`.`n` <> '";
        for (int limit : limits) {
            for (int length = limit - 2; length <= limit + 2; length++) { // with its line end
                b.append(line(event, length)).append(line(routine, length)).append(line(view, length));
            }
        }
        // what each filter reads ends around its head's limit: found inside it, not found past it
        String eventStart = "/*!50106 CREATE*/ /*!50117 DEFINER=`app`@`%`*/ /*!50106 EVENT `";
        String eventEnd = "` ON SCHEDULE EVERY 1 DAY STARTS '2026-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE";
        String definerStart = "CREATE DEFINER=`";
        for (int end = -3; end <= 3; end++) {
            b.append(eventStart).append("n".repeat(Events.HEAD + end - eventStart.length() - eventEnd.length()))
                    .append(eventEnd).append(" DO SELECT 1;\n");
            b.append(definerStart).append("u".repeat(Definers.HEAD + end - definerStart.length() - "`@`%`".length()))
                    .append("`@`%` PROCEDURE `p`() SELECT 1;\n");
        }
        String last = line(event, Events.HEAD);
        return b.append(last, 0, last.length() - 1).toString(); // no line end
    }

    /** {@code start}, filler and {@code ');} with its line end: {@code length} bytes. */
    private static String line(String start, int length) {
        String end = "');\n";
        return start + "y".repeat(length - start.length() - end.length()) + end;
    }

    private static List<byte[]> dumps() {
        byte[] edges = edges().getBytes(StandardCharsets.UTF_8);
        List<byte[]> dumps = new ArrayList<>();
        for (String name : RESOURCES) {
            byte[] dump = resource(name);
            byte[] named = new String(dump, StandardCharsets.UTF_8).startsWith("-- dbbackup:") ? dump
                    : concat(HEADER.getBytes(StandardCharsets.UTF_8), dump);
            dumps.add(dump);
            dumps.add(named);
        }
        dumps.add(concat(dumps.get(dumps.size() - 1), edges));
        return dumps;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A stream that fails a test when closed: the filters leave {@code out} open. */
    private static final class Target extends ByteArrayOutputStream {
        @Override
        public void close() {
            throw new AssertionError("the filter closed the stream it writes to");
        }
    }

    /** The bytes and notes of {@code filter} on {@code dump} written byte by byte, in random chunks, or (neither) at once. */
    private static String[] run(Filter filter, byte[] dump, Random chunks, boolean byteByByte) throws IOException {
        Target out = new Target();
        OutputStream f = filter.make().apply(out);
        // written from inside a larger array: offsets other than 0
        byte[] padded = new byte[dump.length + 10];
        System.arraycopy(dump, 0, padded, 5, dump.length);
        int i = 0;
        while (i < dump.length) {
            if (byteByByte) {
                f.write(dump[i++]);
                continue;
            }
            int n = chunks == null ? dump.length : Math.min(1 + chunks.nextInt(8192), dump.length - i);
            if (n == 1 && chunks != null && chunks.nextBoolean()) {
                f.write(dump[i]);
            } else {
                f.write(padded, 5 + i, n);
            }
            i += n;
            if (chunks != null && chunks.nextInt(50) == 0) {
                f.flush();
            }
        }
        f.flush();
        f.close();
        return new String[] {new String(out.toByteArray(), StandardCharsets.ISO_8859_1), filter.notes().apply(f)};
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    /**
     * Every filter on every dump, at once, byte by byte and in random chunks; the filters run side by side, each on its own
     * streams. Byte by byte is what costs (about 2 s per filter on the last dump, the one with {@link #edges()}, 18 MB, 16
     * of them its lines around the 1 MiB limit of {@link ViewNames}): only ViewNames, whose limit that is, gets that dump
     * byte by byte; every other filter gets it at once and in the random chunks, and byte by byte the same dump with the
     * lines around every limit but 1 MiB ({@link #LIMITS_BELOW_1_MIB}, compared with that dump at once), for which a line
     * of 1 MiB is one over its own limit as those of 64 KiB are. {@code -Dlinefilter.all=true}: every filter gets the
     * whole dump byte by byte too.
     */
    @Test
    void eachFilterGivesTheSameBytesHoweverTheDumpIsWritten() throws Exception {
        List<byte[]> dumps = dumps();
        int last = dumps.size() - 1;
        byte[] lastBelow1Mib = concat(dumps.get(last - 1), edges(LIMITS_BELOW_1_MIB).getBytes(StandardCharsets.UTF_8));
        boolean all = Boolean.getBoolean("linefilter.all");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (Filter filter : FILTERS) {
                for (int d = 0; d < dumps.size(); d++) {
                    byte[] dump = dumps.get(d);
                    int dumpNo = d;
                    boolean bytewiseBelow1Mib = d == last && !all && !filter.name().startsWith("ViewNames");
                    runs.add(pool.submit(() -> {
                        String[] whole = run(filter, dump, null, false);
                        String what = filter.name() + " on dump " + dumpNo;
                        if (bytewiseBelow1Mib) {
                            assertThat(run(filter, lastBelow1Mib, null, true)).as(what + " without the 1 MiB edges byte by byte")
                                    .containsExactly(run(filter, lastBelow1Mib, null, false));
                        } else {
                            assertThat(run(filter, dump, null, true)).as(what + " byte by byte").containsExactly(whole);
                        }
                        for (int seed = 0; seed < RANDOM_CHUNKINGS; seed++) {
                            assertThat(run(filter, dump, new Random(seed * 31L + dumpNo), false)).as(what + " chunks seed " + seed)
                                    .containsExactly(whole);
                        }
                        return null;
                    }));
                }
            }
            for (java.util.concurrent.Future<?> run : runs) {
                try {
                    run.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError a) {
                        throw a;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A dump of {@code shop} whose statements have lines longer than 64 KiB that need rewriting: a CREATE TABLE with a
     * sequence default on such a line, a long ENUM line and a long last line (the statement's {@code ;}), its rows' LOCK
     * TABLES; views of 100 KiB and over 1 MiB; a routine and an event on lines of 100 KiB; a rows line of 200 KiB.
     */
    static final String LONG_VIEW = "/*!50001 VIEW `w` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` where `shop`.`t`.`e` <> '"
            + "y".repeat((1 << 20) + 10) + "' */;\n";
    static final String VIEW = "/*!50001 VIEW `v` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` where `shop`.`t`.`e` <> '"
            + "y".repeat(100_000) + "' */;\n";

    static String longStatements() {
        StringBuilder enums = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            enums.append(i == 0 ? "" : ",").append("'v").append(i).append('\'');
            values.append(i == 0 ? "" : ",").append(i);
        }
        return HEADER + "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n--\n-- Table structure for table `t`\n--\n\n"
                + "DROP TABLE IF EXISTS `t`;\n"
                + "CREATE TABLE `t` (\n"
                + "  `id` bigint(20) NOT NULL DEFAULT nextval(`shop`.`s`),\n"
                + "  `e` enum(" + enums + ") DEFAULT NULL,\n"
                + "  `n` bigint(20) DEFAULT (octet_length('" + "x".repeat(70_000) + "') * 0 + nextval(`shop`.`s`)),\n"
                + "  PRIMARY KEY (`id`)\n"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n"
                + " PARTITION BY LIST (`id` MOD 20000)\n"
                + "(PARTITION `p0` VALUES IN (" + values + ") ENGINE = InnoDB);\n"
                + "\n--\n-- Dumping data for table `t`\n--\n\n"
                + "LOCK TABLES `t` WRITE;\n"
                + "INSERT INTO `t` VALUES " + "(1,'v1',2),".repeat(20_000) + "(3,'v3',4);\n"
                + "UNLOCK TABLES;\n"
                + "CREATE DEFINER=`app`@`%` PROCEDURE `p`() SELECT '" + "z".repeat(100_000) + "';\n"
                + "/*!50106 CREATE*/ /*!50117 DEFINER=`app`@`%`*/ /*!50106 EVENT `e` ON SCHEDULE EVERY 1 DAY STARTS "
                + "'2026-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO SELECT '" + "z".repeat(100_000) + "';\n"
                + "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */\n" + VIEW
                + "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */\n" + LONG_VIEW
                + "-- Dump completed on 2026-12-03 10:00:00\n";
    }

    /** The bytes and notes of {@code filter} on {@code dump} written in pieces cut at {@code cuts} (ascending offsets). */
    private static String[] cut(Filter filter, byte[] dump, List<Integer> cuts) throws IOException {
        Target out = new Target();
        OutputStream f = filter.make().apply(out);
        int from = 0;
        for (int to : cuts) {
            f.write(dump, from, to - from);
            from = to;
        }
        f.write(dump, from, dump.length - from);
        f.close();
        return new String[] {new String(out.toByteArray(), StandardCharsets.ISO_8859_1), filter.notes().apply(f)};
    }

    /**
     * Each filter gives the same bytes for a dump with long statement lines written at once, byte by byte, in 4 KiB
     * writes, split right before each line end and split 64 KiB into each line; and those bytes are rewritten.
     */
    @Test
    void aLongStatementLineIsRewrittenTheSameHoweverTheDumpArrives() throws IOException {
        String in = longStatements();
        byte[] dump = in.getBytes(StandardCharsets.ISO_8859_1);
        List<Integer> kib4 = new ArrayList<>();
        List<Integer> beforeEnds = new ArrayList<>();
        List<Integer> intoLines = new ArrayList<>();
        for (int i = 4096; i < dump.length; i += 4096) {
            kib4.add(i);
        }
        for (int start = 0, end; (end = in.indexOf('\n', start)) >= 0; start = end + 1) {
            beforeEnds.add(end);
            if (end - start > SequenceDefaults.MAX_LINE) {
                intoLines.add(start + SequenceDefaults.MAX_LINE);
            }
        }
        java.util.Map<String, String> expected = java.util.Map.of(
                "Events(copy)", in.replace(" NOT PRESERVE ENABLE DO ", " NOT PRESERVE DISABLE DO "),
                "Definers(toCurrentUser)", in.replace("CREATE DEFINER=`app`@`%`", "CREATE DEFINER=CURRENT_USER")
                        .replace("/*!50013 DEFINER=`app`@`%`", "/*!50013 DEFINER=CURRENT_USER")
                        .replace("/*!50117 DEFINER=`app`@`%`", "/*!50117 DEFINER=CURRENT_USER"),
                "ViewNames(copy)", in.replace(VIEW, VIEW.replace("`shop`.", "`copy`."))
                        .replace(LONG_VIEW, LONG_VIEW.replace("`shop`.", "`copy`.")),
                "SequenceDefaults(copy)", in.replace("nextval(`shop`.`s`)", "nextval(`copy`.`s`)")
                        .replace("LOCK TABLES `t` WRITE;\n", "").replace("UNLOCK TABLES;\n", ""),
                "SequenceDefaults(null)", in.replace("LOCK TABLES `t` WRITE;\n", "").replace("UNLOCK TABLES;\n", ""));
        List<String> wrong = new ArrayList<>();
        for (Filter filter : FILTERS) {
            String[] whole = run(filter, dump, null, false);
            String what = filter.name();
            wrong.add(difference(what + " at once", whole[0], expected.getOrDefault(what, in)));
            wrong.add(difference(what + " byte by byte", run(filter, dump, null, true)[0], whole[0]));
            wrong.add(difference(what + " in 4 KiB writes", cut(filter, dump, kib4)[0], whole[0]));
            wrong.add(difference(what + " split before each line end", cut(filter, dump, beforeEnds)[0], whole[0]));
            wrong.add(difference(what + " split 64 KiB into each long line", cut(filter, dump, intoLines)[0], whole[0]));
        }
        assertThat(wrong.stream().filter(java.util.Objects::nonNull)).isEmpty();
    }

    /**
     * A line of a CREATE TABLE or a view over {@value LineRewriter#WHOLE_LIMIT} bytes stops the load with an error naming
     * its line, however the dump arrives; a rows line as long passes, handed on before its line end (never held whole).
     */
    @Test
    void aStatementLineOverTheBoundStopsTheLoadAndARowsLineAsLongPasses() throws IOException {
        String huge = "y".repeat(LineRewriter.WHOLE_LIMIT);
        String table = HEADER + "--\n-- Table structure for table `t`\n--\n\nCREATE TABLE `t` (\n";
        byte[] create = (table + "  `e` enum('" + huge + "') DEFAULT NULL\n) ENGINE=InnoDB;\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] view = (HEADER + "/*!50001 VIEW `w` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` where `shop`.`t`.`e` <> '"
                + huge + "' */;\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] rows = (table + "  `e` longtext\n) ENGINE=InnoDB;\nINSERT INTO `t` VALUES ('" + huge + "');\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Filter sequences = FILTERS.get(5);
        Filter views = FILTERS.get(4);
        for (List<Integer> cuts : List.of(List.<Integer>of(), List.of(create.length - 1), List.of(4096, 1 << 16, 1 << 24))) {
            assertThatThrownBy(() -> cut(sequences, create, cuts)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("line 7 of the dump, in a CREATE TABLE statement, is longer than 16 MiB: ");
            assertThatThrownBy(() -> cut(views, view, cuts)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("line 2 of the dump, in a view's definition, is longer than 16 MiB: ");
        }
        for (Filter filter : List.of(sequences, views)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            OutputStream f = filter.make().apply(out);
            f.write(rows, 0, rows.length - 1);
            assertThat(out.size()).as(filter.name() + " before the line end").isEqualTo(rows.length - 1);
            f.write(rows, rows.length - 1, 1);
            f.close();
            assertThat(out.toByteArray()).as(filter.name()).isEqualTo(rows);
        }
    }

    /** Null when {@code actual} is {@code expected}, else where they first differ (line, offset) and what each holds there. */
    private static String difference(String what, String actual, String expected) {
        if (actual.equals(expected)) {
            return null;
        }
        int i = 0;
        while (i < actual.length() && i < expected.length() && actual.charAt(i) == expected.charAt(i)) {
            i++;
        }
        int line = 1 + (int) actual.substring(0, i).chars().filter(c -> c == '\n').count();
        int from = Math.max(0, i - 40);
        return what + ": line " + line + " (offset " + i + ") is '" + actual.substring(from, Math.min(actual.length(), i + 40))
                + "', expected '" + expected.substring(from, Math.min(expected.length(), i + 40)) + "'";
    }

    @Test
    void theEdgesAreRewrittenWhereTheirHeadIsLookedAtOrTheyAreReadWholeAndPassUntouchedWhereTheyAreTooLong() throws IOException {
        byte[] dump = (HEADER + edges()).getBytes(StandardCharsets.UTF_8);
        String in = new String(dump, StandardCharsets.ISO_8859_1);
        String events = run(FILTERS.get(0), dump, new Random(1), false)[0];
        // every event line is looked at by its head, however long: each is created DISABLED
        assertThat(in).contains(" NOT PRESERVE ENABLE DO INSERT");
        assertThat(events).doesNotContain(" NOT PRESERVE ENABLE DO INSERT").contains(" NOT PRESERVE DISABLE DO INSERT");
        // a status (a definer) that ends inside the head is read, one past it is not
        assertThat(count(events, " PRESERVE DISABLE DO SELECT 1;\n")).isEqualTo(4);
        assertThat(count(events, " PRESERVE ENABLE DO SELECT 1;\n")).isEqualTo(3);
        String definers = run(FILTERS.get(2), dump, new Random(2), false)[0];
        assertThat(definers).doesNotContain("CREATE DEFINER=`app`@`%` PROCEDURE").contains("CREATE DEFINER=CURRENT_USER PROCEDURE");
        assertThat(count(definers, "CREATE DEFINER=CURRENT_USER PROCEDURE `p`() SELECT 1;\n")).isEqualTo(4);
        String views = run(FILTERS.get(4), dump, new Random(3), false)[0];
        // view lines are rewritten, also past the limit (read whole)
        assertThat(views).contains("/*!50001 VIEW `v` AS select `copy`.`t`.`id` AS `id` from `copy`.`t` */;\n");
        String longView = line("/*!50001 VIEW `w` AS select `shop`.`t`.`id` AS `id` from `shop`.`t` where `shop`.`t`.`n` <> '",
                ViewNames.MAX_LINE + 1);
        assertThat(views).doesNotContain(longView).contains(longView.replace("`shop`.", "`copy`."));
        String sequences = run(FILTERS.get(5), dump, new Random(4), false)[0];
        assertThat(sequences).contains("DEFAULT nextval(`copy`.`s`),", "DEFAULT lastval(`copy`.`s`)")
                .doesNotContain("LOCK TABLES `z` WRITE;");
    }
}
