package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Log;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;
import io.dbbackup.testkit.Descendants;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The engine through the SPI against a real MariaDB server, for both engine types (the mysql type runs Debian's mysql* names). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlEngineIT {
    /** Makes every dump take seconds: mysqldump evaluates the WHERE clause per row. */
    static final String SLOW = "--where=SLEEP(0.002)=0";

    MariaDbServer server;
    @TempDir
    Path scratch;
    StringWriter logText = new StringWriter();

    @BeforeAll
    void start() throws IOException {
        server = MariaDbServer.start();
        String schema = new String(MySqlEngineIT.class.getResourceAsStream("/mysql/rich-schema.sql").readAllBytes(), StandardCharsets.UTF_8);
        for (MySqlFlavor f : MySqlFlavor.values()) {
            server.createDatabase("shop_" + f.type());
            server.load("shop_" + f.type(), schema);
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG,
                Clock.systemUTC()), scratch);
    }

    MySqlSettings settings(MySqlFlavor flavor, Scope scope, String password, List<String> extraArgs, List<MySqlSettings.Account> grants) {
        return new MySqlSettings(flavor, "127.0.0.1", server.port(), null, MariaDbServer.USER,
                new Secret(password, "test"), scope, scope.kind() == Scope.Kind.ONE ? scope.single() : "x",
                Duration.ofMinutes(5), null, Tls.none(), grants, extraArgs);
    }

    MySqlEngine engine(MySqlFlavor flavor, String database) {
        return new MySqlEngine(settings(flavor, Scope.one(database), server.password(), List.of(), List.of()));
    }

    byte[] dump(MySqlEngine e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.dump(out, ctx());
        return out.toByteArray();
    }

    List<Path> scratchFiles() throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(MySqlFlavor.class)
    void roundTripKeepsEveryRowObjectAndGrant(MySqlFlavor flavor) throws Exception {
        String src = "shop_" + flavor.type();
        String copy = "copy_" + flavor.type();
        String account = "reporter_" + flavor.type();
        server.rootSql("CREATE USER '" + account + "'@'%' IDENTIFIED BY 'r3p0rt#er';\n"
                + "GRANT SELECT, SHOW VIEW ON `" + src + "`.* TO '" + account + "'@'%';\n"
                + "GRANT INSERT (note) ON `" + src + "`.customers TO '" + account + "'@'%';\n"
                + "GRANT EXECUTE ON PROCEDURE `" + src + "`.add_order TO '" + account + "'@'%';\n"
                + "GRANT PROCESS ON *.* TO '" + account + "'@'%';");
        String grantsBefore = server.rootSql("SHOW GRANTS FOR '" + account + "'@'%'").replace("`" + src + "`", "`<db>`");
        String userBefore = server.rootSql("SHOW CREATE USER '" + account + "'@'%'");
        Map<String, String> before = Fingerprint.of(server, src);

        MySqlEngine source = new MySqlEngine(settings(flavor, Scope.one(src), server.password(), List.of(),
                List.of(new MySqlSettings.Account(account, "%"))));
        byte[] sql = dump(source);
        String text = new String(sql, StandardCharsets.UTF_8);
        assertThat(text).contains("CREATE TABLE `customers`").contains("Zoë 🐘 Müller")
                .contains("CREATE DEFINER").contains("TRIGGER").contains("EVENT").contains("0x00FF0102")
                .doesNotContain("CREATE DATABASE").doesNotContain("USE `").doesNotContain(server.password())
                .doesNotContain("SET @@GLOBAL.GTID_PURGED");
        assertThat(scratchFiles()).isEmpty();

        server.rootSql("DROP USER '" + account + "'@'%'");
        MySqlEngine target = engine(flavor, copy);
        assertThat(target.inspectTarget(ctx()).exists()).isFalse();
        target.restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(false), ctx());

        assertThat(Fingerprint.of(server, copy)).isEqualTo(before);
        assertThat(server.rootSql("SHOW GRANTS FOR '" + account + "'@'%'").replace("`" + copy + "`", "`<db>`")).isEqualTo(grantsBefore);
        assertThat(server.rootSql("SHOW CREATE USER '" + account + "'@'%'")).isEqualTo(userBefore);
        assertThat(scratchFiles()).isEmpty();

        // no lock-in: the plain client loads the same bytes into yet another database
        Path file = scratch.resolve("dump.sql");
        Files.write(file, sql);
        String plain = "plain_" + flavor.type();
        server.createDatabase(plain);
        Shell.sh(scratch, "mariadb --no-defaults --socket=" + server.socket() + " -uroot " + plain + " < " + file);
        assertThat(Fingerprint.of(server, plain)).isEqualTo(before);
    }

    @Test
    void passwordIsNeverOnACommandLineOrInTheEnvironmentAndTheOptionFileIsPrivateAndRemoved() throws Exception {
        MySqlEngine e = new MySqlEngine(settings(MySqlFlavor.MARIADB, Scope.one("shop_mariadb"), server.password(), List.of(SLOW), List.of()));
        CompletableFuture<byte[]> dump = CompletableFuture.supplyAsync(() -> {
            try {
                return dump(e);
            } catch (IOException ex) {
                throw new RuntimeException(ex);
            }
        });
        boolean sawDump = false;
        List<String> leaks = new ArrayList<>();
        while (!dump.isDone()) {
            // only what this JVM started: another dbbackup on the machine would show its own tools here
            for (Descendants.Running proc : Descendants.running()) {
                String cmdline = proc.cmdline();
                String environ = proc.environ();
                if (cmdline.contains(server.password()) || environ.contains(server.password()) || environ.contains("MYSQL_PWD")) {
                    leaks.add(proc.pid() + ": " + cmdline.replace('\0', ' '));
                }
                // the dump itself, not the "mariadb-dump --version" probe that may run just before it
                if (cmdline.startsWith("/usr/bin/mariadb-dump\0") && !cmdline.equals("/usr/bin/mariadb-dump\0--version\0")) {
                    sawDump = true;
                    String first = cmdline.split("\0")[1];
                    assertThat(first).startsWith("--defaults-extra-file=" + scratch);
                    Path file = Path.of(first.substring("--defaults-extra-file=".length()));
                    if (Files.exists(file)) {
                        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
                    }
                }
            }
            Thread.sleep(20);
        }
        assertThat(dump.get()).isNotEmpty();
        assertThat(sawDump).as("the dump ran long enough to be seen").isTrue();
        assertThat(leaks).isEmpty();
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void cancellationStopsTheDumpPromptlyAndRemovesTheOptionFile() throws Exception {
        MySqlEngine e = new MySqlEngine(settings(MySqlFlavor.MARIADB, Scope.one("shop_mariadb"), server.password(), List.of(SLOW), List.of()));
        OperationContext ctx = ctx();
        CompletableFuture<Throwable> dump = CompletableFuture.supplyAsync(() -> catchThrowable(() -> e.dump(new ByteArrayOutputStream(), ctx)));
        ProcessHandle child = awaitChild("mariadb-dump");
        long t0 = System.nanoTime();
        ctx.cancellation().cancel("test");
        Throwable t = dump.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(t).isInstanceOf(InterruptedIOException.class);
        assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void aKilledDumpThrowsAndRemovesTheOptionFile() throws Exception {
        MySqlEngine e = new MySqlEngine(settings(MySqlFlavor.MYSQL, Scope.one("shop_mysql"), server.password(), List.of(SLOW), List.of()));
        CompletableFuture<Throwable> dump = CompletableFuture.supplyAsync(() -> catchThrowable(() -> e.dump(new ByteArrayOutputStream(), ctx())));
        awaitChild("mysqldump").destroy(); // SIGTERM, as an OOM killer or an operator would
        Throwable t = dump.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(ToolFailedException.class).hasMessageContaining("mysqldump");
        assertThat(scratchFiles()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MySqlFlavor.class)
    void wrongPasswordIsAOneLinePermanentFailure(MySqlFlavor flavor) throws Exception {
        MySqlEngine e = new MySqlEngine(settings(flavor, Scope.one("shop_mariadb"), "not-the-password", List.of(), List.of()));
        DbBackupException ex = (DbBackupException) catchThrowable(() -> dump(e));
        assertThat(ex).isNotNull();
        assertThat(ex.retryable()).isFalse();
        assertThat(ex.getMessage()).doesNotContain("\n").contains("Access denied for user 'backup'")
                .contains("127.0.0.1:" + server.port()).doesNotContain("not-the-password").doesNotContain(server.password());
        assertThat(scratchFiles()).isEmpty();
        assertThatThrownBy(() -> e.inspectTarget(ctx())).isInstanceOf(DbBackupException.class).hasMessageContaining("Access denied");
        assertThatThrownBy(() -> e.restore(new ByteArrayInputStream(new byte[0]), DumpFormat.SQL, new RestoreOptions(false), ctx()))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("Access denied");
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void missingDatabaseIsAOneLinePermanentFailure() {
        MySqlEngine e = engine(MySqlFlavor.MARIADB, "no_such_db");
        Throwable t = catchThrowable(() -> dump(e));
        assertThat(t).isInstanceOf(DbBackupException.class).hasMessage("mariadb 127.0.0.1:" + server.port() + ": database 'no_such_db' does not exist");
        assertThat(((DbBackupException) t).retryable()).isFalse();
    }

    @Test
    void unreachableServerAndUnknownHostFailWithOneClearLine() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        MySqlSettings base = settings(MySqlFlavor.MARIADB, Scope.one("shop_mariadb"), server.password(), List.of(), List.of());
        MySqlEngine refused = new MySqlEngine(new MySqlSettings(base.flavor(), "127.0.0.1", closed, null, base.user(), base.password(),
                base.scope(), base.keyName(), base.timeout(), null, Tls.none(), List.of(), List.of()));
        Throwable t = catchThrowable(() -> dump(refused));
        assertThat(t).isInstanceOf(ToolFailedException.class);
        assertThat(t.getMessage()).doesNotContain("\n").contains("127.0.0.1:" + closed).contains("Can't connect");
        assertThat(((ToolFailedException) t).retryable()).as("a server that is restarting may be back on retry").isTrue();

        MySqlEngine unknown = new MySqlEngine(new MySqlSettings(base.flavor(), "no-such-host.invalid", 3306, null, base.user(),
                base.password(), base.scope(), base.keyName(), base.timeout(), null, Tls.none(), List.of(), List.of()));
        t = catchThrowable(() -> dump(unknown));
        assertThat(t).isInstanceOf(DbBackupException.class).hasMessageContaining("Unknown server host 'no-such-host.invalid'");
        assertThat(((DbBackupException) t).retryable()).isFalse();
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void aDumpTakenDuringInsertsRestoresToAConsistentSnapshot() throws Exception {
        server.createDatabase("busy");
        server.rootSql("busy", "CREATE TABLE debit (id INT PRIMARY KEY, amount INT NOT NULL) ENGINE=InnoDB;\n"
                + "CREATE TABLE credit (id INT PRIMARY KEY, amount INT NOT NULL) ENGINE=InnoDB;\n"
                + "INSERT INTO debit SELECT seq, seq FROM seq_1_to_200; INSERT INTO credit SELECT seq, seq FROM seq_1_to_200;");
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            int id = 200;
            try (Connection c = server.connect("busy")) {
                c.setAutoCommit(false);
                PreparedStatement d = c.prepareStatement("INSERT INTO debit VALUES (?, ?)");
                PreparedStatement k = c.prepareStatement("INSERT INTO credit VALUES (?, ?)");
                while (!stop.get()) {
                    id++;
                    d.setInt(1, id);
                    d.setInt(2, id);
                    d.executeUpdate();
                    Thread.sleep(1); // between the two halves of the transaction
                    k.setInt(1, id);
                    k.setInt(2, id);
                    k.executeUpdate();
                    c.commit();
                    commits.incrementAndGet();
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return id;
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (commits.get() < 10 && System.nanoTime() < until && !writer.isDone()) { // the writer is up (slow on a loaded box)
            Thread.sleep(20);
        }
        assertThat(commits.get()).as("the writer committed before the dump").isGreaterThanOrEqualTo(10);
        MySqlEngine e = new MySqlEngine(settings(MySqlFlavor.MARIADB, Scope.one("busy"), server.password(), List.of("--where=SLEEP(0.003)=0"), List.of())); // ~1.5 s: room for the writer on a loaded box
        int before = commits.get();
        byte[] sql = dump(e);
        int during = commits.get() - before;
        stop.set(true);
        assertThat(during).as("writers were not blocked by table locks during the dump").isGreaterThan(20);
        int last = writer.get(30, TimeUnit.SECONDS);

        engine(MySqlFlavor.MARIADB, "busy_copy").restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(false), ctx());
        try (Connection c = server.connect("busy_copy"); Statement st = c.createStatement()) {
            long debit = count(st, "SELECT COUNT(*) FROM debit");
            long credit = count(st, "SELECT COUNT(*) FROM credit");
            assertThat(debit).isEqualTo(credit).isGreaterThan(200).isLessThan(last);
            assertThat(count(st, "SELECT COUNT(*) FROM debit d JOIN credit k USING (id, amount)")).isEqualTo(debit);
        }
    }

    /** bin_dir holding the real client and a dump tool wrapper that runs the real one, then does {@code body}. */
    Path wrapped(MySqlFlavor flavor, String name, String body) throws IOException {
        Path bin = Files.createDirectories(scratch.resolve("bin-" + name));
        Path realClient = Path.of(Shell.sh(scratch, "command -v " + flavor.clientTool()).strip());
        Path realDump = Path.of(Shell.sh(scratch, "command -v " + flavor.dumpTool()).strip());
        Files.createSymbolicLink(bin.resolve(flavor.clientTool()), realClient);
        Path tool = bin.resolve(flavor.dumpTool());
        Files.writeString(tool, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --version|-V) exec " + realDump
                + " \"$@\";; esac; done\n" + body.replace("REAL", realDump.toString()) + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    MySqlEngine engineWith(Path binDir, List<String> extraArgs) {
        MySqlSettings d = settings(MySqlFlavor.MARIADB, Scope.one("shop_mariadb"), server.password(), extraArgs, List.of());
        return new MySqlEngine(new MySqlSettings(d.flavor(), d.host(), d.port(), d.socket(), d.user(), d.password(), d.scope(),
                d.keyName(), d.timeout(), binDir, d.tls(), d.grantsFor(), d.extraArgs()));
    }

    /**
     * A dump tool (or a wrapper around one: docker exec, ssh) that exits 0 with a dump cut short, or with none, must
     * not become a backup: retention would count it and delete good ones.
     */
    @Test
    void aDumpToolThatExitsZeroWithoutItsEndFailsTheDump() throws Exception {
        Path whole = wrapped(MySqlFlavor.MARIADB, "whole", "REAL \"$@\"; exit 0");
        assertThat(new String(dump(engineWith(whole, List.of())), StandardCharsets.UTF_8)).contains("-- Dump completed");

        Path cut = wrapped(MySqlFlavor.MARIADB, "cut", "REAL \"$@\" | head -c 3000; exit 0");
        assertThat(catchThrowable(() -> dump(engineWith(cut, List.of()))))
                .isInstanceOfSatisfying(DbBackupException.class, e -> assertThat(e.status()).isEqualTo(io.dbbackup.core.ExitStatus.SYSTEM_ERROR))
                .hasMessageContaining("exited 0, but its dump does not end with '-- Dump completed'");

        Path nothing = wrapped(MySqlFlavor.MARIADB, "nothing", "exit 0");
        assertThat(catchThrowable(() -> dump(engineWith(nothing, List.of()))))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("exited 0 but wrote nothing");

        // without comments a dump has no end to check: accepted as the tool gave it (documented)
        Path cutNoComments = wrapped(MySqlFlavor.MARIADB, "cut-nc", "REAL \"$@\" | head -c 3000; exit 0");
        assertThat(dump(engineWith(cutNoComments, List.of("--skip-comments")))).isNotEmpty();
    }

    /**
     * A database whose name holds {@code _} or {@code %} is granted on exactly, as MySQL's manual (and phpMyAdmin) do,
     * with the wildcard escaped: {@code GRANT SELECT ON `esc\_shop`.*}, which SHOW GRANTS prints so. Such a grant did not
     * follow a restore under another name (it stayed on {@code esc_shop}, and the copy's account could not read the copy);
     * now it is written for the default database as an unescaped one is.
     */
    @Test
    void aGrantOnTheDatabaseWithItsWildcardEscapedFollowsARestoreUnderAnotherName() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS esc_shop; DROP DATABASE IF EXISTS esc_copy; CREATE DATABASE esc_shop;\n"
                + "CREATE TABLE esc_shop.t (id int);\n"
                + "CREATE USER 'esc_reader'@'%';\n"
                + "GRANT SELECT ON `esc\\_shop`.* TO 'esc_reader'@'%';");
        assertThat(server.rootSql("SHOW GRANTS FOR 'esc_reader'@'%'")).contains("esc\\\\_shop");
        MySqlEngine source = new MySqlEngine(settings(MySqlFlavor.MARIADB, Scope.one("esc_shop"), server.password(), List.of(),
                List.of(new MySqlSettings.Account("esc_reader", "%"))));
        byte[] sql = dump(source);
        server.rootSql("DROP USER 'esc_reader'@'%'");

        engine(MySqlFlavor.MARIADB, "esc_copy").restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(false), ctx());

        assertThat(server.rootSql("SHOW GRANTS FOR 'esc_reader'@'%'")).contains("GRANT SELECT ON `esc_copy`.* TO `esc_reader`@`%`")
                .doesNotContain("esc\\\\_shop");
    }

    @Test
    void nonTransactionalTablesAreWarnedAbout() throws Exception {
        server.createDatabase("mixed");
        server.rootSql("mixed", "CREATE TABLE legacy (id INT PRIMARY KEY) ENGINE=MyISAM; CREATE TABLE fine (id INT PRIMARY KEY) ENGINE=InnoDB;");
        MySqlEngine e = engine(MySqlFlavor.MARIADB, "mixed");
        String facts = e.dump(new ByteArrayOutputStream(), ctx()).facts().toString();
        assertThat(logText.toString()).contains("WARN").contains("non-transactional").contains("mixed.legacy (MyISAM)")
                .doesNotContain("mixed.fine");
        assertThat(facts).contains("non_transactional_tables=mixed.legacy (MyISAM)");
        logText.getBuffer().setLength(0);
        dump(engine(MySqlFlavor.MARIADB, "shop_mariadb"));
        assertThat(logText.toString()).doesNotContain("non-transactional");
    }

    @Test
    void inspectAndInspectTarget() throws Exception {
        MySqlEngine e = engine(MySqlFlavor.MYSQL, "shop_mysql");
        TargetState state = e.inspectTarget(ctx());
        assertThat(state.exists()).isTrue();
        assertThat(state.objects()).isEqualTo(3 + 1 + 2 + 1); // tables, view, routines, event
        assertThat(engine(MySqlFlavor.MYSQL, "nothing_here").inspectTarget(ctx()))
                .satisfies(s -> assertThat(s.exists()).isFalse()).satisfies(s -> assertThat(s.isEmpty()).isTrue());

        Map<String, Object> info = e.inspect(ctx());
        assertThat(info.get("server_version").toString()).contains("MariaDB");
        assertThat(info.get("engine")).isEqualTo("mysql");
        @SuppressWarnings("unchecked")
        Map<String, Object> db = ((List<Map<String, Object>>) info.get("databases")).get(0);
        assertThat(db.get("name")).isEqualTo("shop_mysql");
        assertThat(db.get("table_count")).isEqualTo(4);
        assertThat((long) db.get("size_bytes")).isPositive();
        assertThat(db.get("tables").toString()).contains("name=customers").contains("engine=InnoDB").contains("type=view");
        assertThat(io.dbbackup.core.Json.write(info)).contains("\"rows_estimate\"");
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void cleanRestoreDropsWhatTheDumpDoesNotHave() throws Exception {
        byte[] sql = dump(engine(MySqlFlavor.MARIADB, "shop_mariadb"));
        server.createDatabase("cleaned");
        server.rootSql("cleaned", "CREATE TABLE stray (id INT); CREATE TABLE customers (x INT);");
        MySqlEngine target = engine(MySqlFlavor.MARIADB, "cleaned");
        target.restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(false), ctx());
        assertThat(server.rootSql("cleaned", "SHOW TABLES")).contains("stray");
        target.restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(true), ctx());
        assertThat(server.rootSql("cleaned", "SHOW TABLES")).doesNotContain("stray");
        assertThat(Fingerprint.of(server, "cleaned")).isEqualTo(Fingerprint.of(server, "shop_mariadb"));
    }

    @Test
    void aBrokenDumpFailsTheRestoreWithTheLineThatBroke() {
        MySqlEngine target = engine(MySqlFlavor.MARIADB, "broken_target");
        Throwable t = catchThrowable(() -> target.restore(new ByteArrayInputStream("CREATE TABLE t (id INT);\nTHIS IS NOT SQL;\n"
                .getBytes(StandardCharsets.UTF_8)), DumpFormat.SQL, new RestoreOptions(false), ctx()));
        assertThat(t).isInstanceOf(DbBackupException.class).hasMessageContaining("ERROR 1064").hasMessageContaining("at line 2");
    }

    @Test
    void aDumpThatBreaksEarlyReportsTheSqlErrorNotABrokenPipe() {
        StringBuilder big = new StringBuilder("CREATE TABLE t (id INT, pad VARCHAR(100));\nTHIS IS NOT SQL;\n");
        String row = "INSERT INTO t VALUES (1, '" + "x".repeat(90) + "');\n";
        while (big.length() < 8 << 20) {
            big.append(row);
        }
        MySqlEngine target = engine(MySqlFlavor.MARIADB, "broken_big");
        Throwable t = catchThrowable(() -> target.restore(new ByteArrayInputStream(big.toString().getBytes(StandardCharsets.UTF_8)),
                DumpFormat.SQL, new RestoreOptions(false), ctx()));
        assertThat(t).isInstanceOf(DbBackupException.class).hasMessageContaining("ERROR 1064").hasMessageContaining("at line 2");
    }

    @Test
    void severalDatabasesAreDumpedWithTheirCreateStatements() throws Exception {
        server.createDatabase("multi_a");
        server.createDatabase("multi_b");
        server.rootSql("CREATE TABLE multi_a.t (id INT PRIMARY KEY); INSERT INTO multi_a.t VALUES (1),(2);"
                + "CREATE TABLE multi_b.u (id INT PRIMARY KEY); INSERT INTO multi_b.u VALUES (3);");
        MySqlEngine e = new MySqlEngine(settings(MySqlFlavor.MARIADB, Scope.some(List.of("multi_a", "multi_b")), server.password(),
                List.of(), List.of()));
        byte[] sql = dump(e);
        assertThat(new String(sql, StandardCharsets.UTF_8)).contains("CREATE DATABASE").contains("USE `multi_b`");
        server.rootSql("DROP DATABASE multi_a; DROP DATABASE multi_b;");
        assertThat(e.inspectTarget(ctx()).exists()).isFalse();
        e.restore(new ByteArrayInputStream(sql), DumpFormat.SQL, new RestoreOptions(true), ctx());
        assertThat(server.rootSql("SELECT COUNT(*) FROM multi_a.t; SELECT COUNT(*) FROM multi_b.u;")).isEqualTo("2\n1\n");
    }

    static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static ProcessHandle awaitChild(String tool) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            Optional<ProcessHandle> p = ProcessHandle.current().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/" + tool) || c.endsWith("/mariadb-dump")).orElse(false)
                            && h.info().arguments().map(a -> a.length > 0 && a[0].startsWith("--defaults-extra-file")).orElse(false)
                            && h.info().arguments().map(a -> String.join(" ", a).contains("SLEEP")).orElse(false))
                    .findFirst();
            if (p.isPresent()) {
                return p.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(tool + " never started");
    }
}
