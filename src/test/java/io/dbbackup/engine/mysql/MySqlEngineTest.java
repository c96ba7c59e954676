package io.dbbackup.engine.mysql;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigException;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.ToolFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts: dump options, option-file quoting, grants rewriting, error lines, config keys. */
class MySqlEngineTest {
    @TempDir
    Path dir;

    static final ClientFamily.Probe MARIADB = ClientFamily.parse("mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)");
    static final ClientFamily.Probe MYSQL8 = ClientFamily.parse("mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)");
    static final ClientFamily.Probe MYSQL57 = ClientFamily.parse("mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)");

    @Test
    void clientFamiliesAreToldApartByWhatTheBinaryIsNotItsName() {
        assertThat(MARIADB).extracting(ClientFamily.Probe::family, ClientFamily.Probe::major).containsExactly(ClientFamily.MARIADB, 10);
        assertThat(MYSQL8).extracting(ClientFamily.Probe::family, ClientFamily.Probe::major).containsExactly(ClientFamily.MYSQL, 8);
        assertThat(MYSQL57).extracting(ClientFamily.Probe::family, ClientFamily.Probe::major).containsExactly(ClientFamily.MYSQL, 5);
    }

    /** MariaDB 11's line names its release after "from", with no Distrib: its major was read as 0. */
    @Test
    void theMajorVersionIsReadFromEachReleasesRealVersionLine() {
        Map<String, Integer> lines = new java.util.LinkedHashMap<>();
        lines.put("mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)", 5);
        lines.put("mysql  Ver 14.14 Distrib 5.7.44, for Linux (x86_64) using  EditLine wrapper", 5);
        lines.put("mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)", 8);
        lines.put("mysqldump  Ver 8.0.40-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu))", 8);
        lines.put("mysqldump  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)", 8);
        lines.put("mysqldump  Ver 9.1.0 for Linux on aarch64 (MySQL Community Server - GPL)", 9);
        lines.put("mysqldump  Ver 10.17 Distrib 10.5.23-MariaDB, for Linux (x86_64)", 10);
        lines.put("mysqldump  Ver 10.19 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)", 10);
        lines.put("mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)", 11);
        lines.put("mariadb-dump from 11.8.2-MariaDB, client 10.19 for Linux (x86_64)", 11);
        lines.put("mariadb from 11.4.3-MariaDB, client 15.2 for debian-linux-gnu (x86_64) using  EditLine wrapper", 11);
        lines.put("mariadb-dump  Ver 11.4.2-MariaDB for Linux (x86_64)", 11);
        lines.forEach((line, major) -> assertThat(ClientFamily.parse(line + "\n").major()).as(line).isEqualTo(major));
        assertThat(ClientFamily.parse("mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)").family())
                .isEqualTo(ClientFamily.MARIADB);
        assertThat(ClientFamily.parse("some-dump (no version)").major()).isZero();
    }

    /** The installed client's own line: its major is the release's first number, whichever form the line has. */
    @Test
    void theInstalledMariadbDumpsVersionLineIsRead() throws Exception {
        Process p = new ProcessBuilder("mariadb-dump", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        ClientFamily.Probe probe = ClientFamily.parse(out);
        assertThat(probe.family()).as(out).isEqualTo(ClientFamily.MARIADB);
        assertThat(probe.major()).as(out).isGreaterThanOrEqualTo(10)
                .isEqualTo(Integer.parseInt(probe.release().substring(0, probe.release().indexOf('.'))));
    }

    /** {@code check} names the client's release as the manifest's tool_version has it, MariaDB 11's line too. */
    @Test
    void theClientsReleaseIsReadFromItsVersionLine() {
        assertThat(MARIADB.release()).isEqualTo("10.11.19-MariaDB");
        assertThat(MYSQL8.release()).isEqualTo("8.0.36");
        assertThat(MYSQL57.release()).isEqualTo("5.7.44");
        assertThat(ClientFamily.parse("mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)").release())
                .isEqualTo("11.4.2-MariaDB");
        assertThat(ClientFamily.parse("some-dump (no version)").release()).isEqualTo("some-dump (no version)");
    }

    /** verify --deep's line for a dump of one table and one account: "1 tables, …, 1 accounts" said before. */
    @Test
    void aDeepVerifysCountsAreSingularForOne() throws Exception {
        String dump = "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n-- Table structure for table `t`\nCREATE TABLE t (x int);\n"
                + "-- Dumping data for table `t`\nINSERT INTO t VALUES (1);\n-- Dump completed on 2026-12-06  2:00:00\n"
                + Grants.SECTION_START + "'app'@'%' and its grants\nCREATE USER 'app'@'%';\n";
        io.dbbackup.spi.OperationContext ctx = new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(),
                io.dbbackup.core.Log.get(), dir);
        assertThat(engine("database: shop").verifyDeep(new java.io.ByteArrayInputStream(dump.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                io.dbbackup.core.DumpFormat.SQL, ctx))
                .isEqualTo("dump complete ('-- Dump completed' after the last table): 1 table, 1 with data, 1 account");
    }

    /**
     * A dump (mariadb-dump's own) that holds views, routines and events besides its tables: the deep check's line counts
     * them too; it said "4 tables, 4 with data", as if that were all the dump held.
     */
    @Test
    void aDeepVerifysLineCountsViewsRoutinesAndEventsBesideTheTables() throws Exception {
        io.dbbackup.spi.OperationContext ctx = new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(),
                io.dbbackup.core.Log.get(), dir);
        try (java.io.InputStream dump = getClass().getResourceAsStream("/mysql/mariadb-10.11-dump.sql")) {
            assertThat(engine("database: shop").verifyDeep(dump, io.dbbackup.core.DumpFormat.SQL, ctx))
                    .isEqualTo("dump complete ('-- Dump completed' after the last table): 4 tables, 4 with data, 1 view, 1 routine");
        }
        try (java.io.InputStream dump = getClass().getResourceAsStream("/mysql/mariadb-10.11-events.sql")) {
            assertThat(engine("database: shop").verifyDeep(dump, io.dbbackup.core.DumpFormat.SQL, ctx))
                    .isEqualTo("dump complete ('-- Dump completed' after the last table): 2 tables, 2 with data, 5 events");
        }
    }

    @Test
    void whatATargetHoldsIsCountedInTheSingularForOne() {
        assertThat(MySqlEngine.holding("mariadb shop", 1)).isEqualTo("mariadb shop holds 1 object (tables, views, routines and events)");
        assertThat(MySqlEngine.holding("mariadb shop", 7)).isEqualTo("mariadb shop holds 7 objects (tables, views, routines and events)");
    }

    @Test
    void oneDatabaseIsDumpedWithoutItsNameAndGtidIsOffOnlyForMySqlClients() {
        List<String> maria = DumpArgs.of(Scope.one("shop"), MARIADB, "10.11.19-MariaDB", List.of());
        assertThat(maria).containsExactly("--single-transaction", "--routines", "--triggers", "--events", "--hex-blob",
                "--complete-insert", "--default-character-set=utf8mb4", "--", "shop");
        assertThat(DumpArgs.of(Scope.one("shop"), MYSQL8, "8.0.36", List.of("--quick")))
                .containsSequence("--set-gtid-purged=OFF", "--quick", "--", "shop").doesNotContain("--column-statistics=0");
        assertThat(DumpArgs.of(Scope.one("shop"), MYSQL8, "10.11.19-MariaDB", List.of())).contains("--column-statistics=0");
        assertThat(DumpArgs.of(Scope.one("shop"), MYSQL57, "10.11.19-MariaDB", List.of())).doesNotContain("--column-statistics=0");
        assertThat(DumpArgs.of(Scope.some(List.of("a", "-b")), MARIADB, null, List.of())).endsWith("--databases", "--", "a", "-b");
        assertThat(DumpArgs.of(Scope.all(), MARIADB, null, List.of())).endsWith("--all-databases");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-psecret", "-p", "-qpsecret", "--password=x", "--password", "--pass=x", "--PASSWORD", "--defaults-file=/x",
            "--no-defaults", "--result-file=/tmp/x", "--result=/tmp/x", "-r/tmp/x", "-qr/tmp/x", "--tab=/tmp", "-qT/tmp", "--xml", "-X",
            "-qX", "--xm"})
    void extraArgsThatLeakOrRedirectAreRefused(String arg) {
        assertThat(DumpArgs.reject(arg)).isPresent();
    }

    /**
     * Every spelling mariadb-dump (10.11, checked against the binary) reads as an option that makes a dump of one database
     * name databases and switch to them: short, bundled, any case, {@code _}, abbreviated (a unique prefix; {@code --all}
     * and {@code --d} are ambiguous to the tool, which refuses them itself), {@code =value}, behind {@code --loose-},
     * {@code --enable-}, {@code --maximum-}; and what would make later entries databases.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-B", "-A", "-AB", "-qB", "-Bq", "-vqB", "--databases", "--all-databases", "--databases=1",
            "--databases=0", "--all-databases=TRUE", "--databa", "--datab", "--data", "--dat", "--d", "--all-d", "--all",
            "--DATABASES", "--all_databases", "--loose-databases", "--enable-databases", "--loose-enable-data",
            "--enable-loose-databases", "--maximum-databases=1", "--add-drop-database", "--add-drop-data", "--system=all",
            "--system=users", "--sys=timezones", " -B ", "--", "shop", "other", "-"})
    void extraArgsThatMakeTheDumpSwitchDatabasesAreRefused(String arg) {
        assertThat(DumpArgs.reject(arg)).as(arg).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--single-transaction", "--skip-lock-tables", "--add-drop-table", "--add-drop-trigger", "-q", "-Q",
            "-qQ", "--skip-databases", "--disable-all-databases", "--skip-add-drop-database", "--no-create-db", "-n",
            "--tables", "--no-data", "-d", "-qwB", "-w1", "-uB", "--ignore-database=x", "--compact", "--skip-comments",
            "--default-character-set=utf8mb4", "--tz-utc", "--skip-opt"})
    void optionsThatLeaveTheDatabaseAloneAreAccepted(String arg) {
        assertThat(DumpArgs.reject(arg)).as(arg).isEmpty();
    }

    /**
     * Whether the dump holds system-versioned history, as mariadb-dump reads its options: {@code dump_history: true} puts
     * {@code --dump-history} first, and the last spelling wins ({@code -H} alone or bundled before an option that takes
     * a value, any case, {@code _}, a prefix down to {@code --dump-h}, {@code --skip-}/{@code =0} turning it off).
     */
    @Test
    void theDumpHoldsHistoryAsTheToolReadsItsOptions() {
        for (List<String> on : List.of(List.of("--dump-history"), List.of("-H"), List.of("-qH"), List.of("--DUMP_HISTORY"),
                List.of("--dump-h"), List.of("--loose-dump-history"), List.of("--dump-history=1"),
                List.of("--skip-dump-history", "--dump-history"))) {
            assertThat(DumpArgs.dumpsHistory(on)).as(on.toString()).isTrue();
        }
        for (List<String> off : List.of(List.<String>of(), List.of("-h"), List.of("-uH"), List.of("--dump-date"), List.of("--dump"),
                List.of("--dump-history", "--skip-dump-history"), List.of("--dump-history=0"), List.of("--disable-dump-history"),
                List.of("--dump-history", "--dump-history=off"))) {
            assertThat(DumpArgs.dumpsHistory(off)).as(off.toString()).isFalse();
        }
    }

    /**
     * Options that make the dump change the source server (purge its binary logs) or carry replication statements a
     * restore executes on the target (an active {@code CHANGE MASTER TO}, {@code STOP/START SLAVE}): mariadb-dump 10.11's
     * names (checked against its --help) and MySQL 8's (8.0.26+) for them, in the spellings the tools read.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--delete-master-logs", "--delete-master", "--delete_master_logs=0", "--delete-source-logs",
            "--master-data", "--master-data=1", "--master_data=1", "--MASTER-DATA=1", "--master=1", "--loose-master-data",
            "--enable-master-data=1", "--master-data=", "--master-data=3", "--source-data", "--source-data=1", "--dump-slave",
            "--dump-slave=1", "--dump-sl", "--dump_replica", "--dump-replica=1", "--apply-slave-statements", "--apply-slave",
            "--apply-replica-statements", "--skip-master-data=1"})
    void extraArgsThatReplicateOrPurgeLogsAreRefused(String arg) {
        assertThat(DumpArgs.reject(arg)).as(arg).isPresent();
    }

    /** The binary log position as a comment ({@code =2}), off, or GTID form of it: nothing executes on a restore. */
    @ParameterizedTest
    @ValueSource(strings = {"--master-data=2", "--master_data=2", "--source-data=2", "--dump-slave=2", "--dump-replica=2",
            "--master=2", "--master-data=0", "--skip-master-data", "--skip-dump-slave", "--disable-delete-master-logs",
            "--single-transaction", "--gtid", "--include-master-host-port", "--dump-date", "--dump-history"})
    void binaryLogPositionAsACommentIsAccepted(String arg) {
        assertThat(DumpArgs.reject(arg)).as(arg).isEmpty();
    }

    @Test
    void aRefusedSpellingIsNamedWithTheOptionItStandsFor() {
        assertThat(DumpArgs.reject("-qB")).hasValueSatisfying(m -> assertThat(m).startsWith("'-B' (--databases) is not allowed")
                .contains("restore under another name"));
        assertThat(DumpArgs.reject("--all-d")).hasValueSatisfying(m -> assertThat(m).startsWith("'--all-d' (--all-databases)"));
        assertThat(DumpArgs.reject("--databases")).hasValueSatisfying(m -> assertThat(m).startsWith("'--databases' is not"));
        assertThat(DumpArgs.reject("--dump-sl=1")).hasValueSatisfying(m -> assertThat(m).startsWith("'--dump-sl' (--dump-slave)")
                .contains("=2"));
        assertThat(DumpArgs.reject("--pass=hunter2")).hasValueSatisfying(m -> assertThat(m).doesNotContain("hunter2"));
        assertThat(DumpArgs.reject("-qphunter2")).hasValueSatisfying(m -> assertThat(m).doesNotContain("hunter2"));
        assertThat(DumpArgs.reject("hunter2")).hasValueSatisfying(m -> assertThat(m).doesNotContain("hunter2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--quick", "--skip-extended-insert", "--ignore-table=shop.log", "--max-allowed-packet=1G", "--where=1"})
    void ordinaryExtraArgsAreAccepted(String arg) {
        assertThat(DumpArgs.reject(arg)).isEmpty();
    }

    @Test
    void optionFileValuesAreQuotedSoEveryCharacterSurvives() {
        assertThat(DefaultsFile.quote("a\"b#c'd\\e f;g\nh")).isEqualTo("\"a\\\"b#c\\'d\\\\e f;g\\nh\"");
    }

    @Test
    void grantsOnTheDumpedDatabaseFollowItToAnyName() {
        assertThat(Grants.toDefaultDatabase("GRANT SELECT, INSERT ON `shop`.* TO `r`@`%`", "shop"))
                .isEqualTo("GRANT SELECT, INSERT ON * TO `r`@`%`");
        assertThat(Grants.toDefaultDatabase("GRANT INSERT (`v`) ON `shop`.`or``ders` TO `r`@`%`", "shop"))
                .isEqualTo("GRANT INSERT (`v`) ON `or``ders` TO `r`@`%`");
        assertThat(Grants.toDefaultDatabase("GRANT EXECUTE ON PROCEDURE `shop`.`p` TO `r`@`%`", "shop"))
                .isEqualTo("GRANT EXECUTE ON PROCEDURE `p` TO `r`@`%`");
        assertThat(Grants.toDefaultDatabase("GRANT SELECT ON `shopping`.* TO `r`@`%`", "shop")).isEqualTo("GRANT SELECT ON `shopping`.* TO `r`@`%`");
        assertThat(Grants.toDefaultDatabase("GRANT USAGE ON *.* TO `r`@`%`", "shop")).isEqualTo("GRANT USAGE ON *.* TO `r`@`%`");
        String sql = Grants.sql(new MySqlSettings.Account("r", "%"), List.of("CREATE USER `r`@`%` IDENTIFIED BY PASSWORD '*AB'"),
                List.of("GRANT SELECT ON `shop`.* TO `r`@`%`"), null);
        assertThat(sql).contains("CREATE USER IF NOT EXISTS `r`@`%` IDENTIFIED BY PASSWORD '*AB';\nGRANT SELECT ON `shop`.* TO `r`@`%`;\n");
    }

    @Test
    void errorLinesNameTheReason() {
        ToolFailedException denied = new ToolFailedException("mariadb-dump", 2,
                "mariadb-dump: Got error: 1045: \"Access denied for user 'app'@'127.0.0.1' (using password: YES)\" when trying to connect", false);
        assertThat(MySqlErrors.reason(denied)).isEqualTo("Access denied for user 'app'@'127.0.0.1' (using password: YES) when trying to connect");
        assertThat(MySqlErrors.isPermanent(denied.stderrTail())).isTrue();
        ToolFailedException refused = new ToolFailedException("mariadb", 1, "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)", true);
        assertThat(MySqlErrors.reason(refused)).isEqualTo("ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)");
        assertThat(MySqlErrors.isPermanent(refused.stderrTail())).isFalse();
        assertThat(MySqlErrors.isPermanent("ERROR 2005 (HY000): Unknown server host 'x.invalid' (-2)")).isTrue();
        assertThat(MySqlErrors.reason(new ToolFailedException("mariadb", 1,
                "Warning: something\nERROR 1064 (42000) at line 2: You have an error in your SQL syntax", false)))
                .isEqualTo("ERROR 1064 (42000) at line 2: You have an error in your SQL syntax");
    }

    private Config load(String body, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "datasources:\n  shop:\n" + body.indent(4)
                + "stores:\n  local:\n    type: local\n    path: out\njobs:\n  j:\n    datasource: shop\n    store: local\n");
        return new ConfigLoader(PluginRegistry.load(), env).load(file, "config.yaml");
    }

    private MySqlSettings settings(String body, Map<String, String> env) throws Exception {
        return ((MySqlEngine) load(body, env).datasources().get("shop").engine()).settings();
    }

    @Test
    void bothEngineTypesReadTheSameKeys() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "x");
        MySqlSettings s = settings("""
                engine: mariadb
                host: db.internal
                port: 3307
                user: backup
                password_env: DB_PW
                database: shop
                format: plain
                timeout: 2h
                ssl_mode: verify_identity
                ssl_ca: ca.pem
                include_grants: true
                grants_for: [reporter@'%', app@10.0.0.1]
                extra_args: [--skip-extended-insert]
                """, Map.of("DB_PW", "pw"));
        assertThat(s.flavor()).isEqualTo(MySqlFlavor.MARIADB);
        assertThat(s.address()).isEqualTo("db.internal:3307");
        assertThat(s.password().reveal()).isEqualTo("pw");
        assertThat(s.keyName()).isEqualTo("shop");
        assertThat(s.timeout()).hasHours(2);
        assertThat(s.tls().args(ClientFamily.MARIADB)).containsExactly("--ssl", "--ssl-verify-server-cert", "--ssl-ca=" + dir.resolve("ca.pem"));
        assertThat(s.tls().args(ClientFamily.MYSQL)).startsWith("--ssl-mode=VERIFY_IDENTITY");
        assertThat(s.grantsFor()).containsExactly(new MySqlSettings.Account("reporter", "%"), new MySqlSettings.Account("app", "10.0.0.1"));
        assertThat(s.extraArgs()).containsExactly("--skip-extended-insert");

        MySqlSettings m = settings("engine: mysql\nsocket: /run/mysqld/mysqld.sock\ndatabases: [a, b]", Map.of());
        assertThat(m.flavor()).isEqualTo(MySqlFlavor.MYSQL);
        assertThat(m.address()).isEqualTo("/run/mysqld/mysqld.sock");
        assertThat(m.host()).isEqualTo("127.0.0.1");
        assertThat(m.keyName()).isEqualTo("shop"); // several databases: named after the datasource
        assertThat(MySqlClient.connectionArgs(m, ClientFamily.MARIADB)).containsExactly("--protocol=SOCKET", "--socket=/run/mysqld/mysqld.sock");
        assertThat(settings("engine: mysql\nall_databases: true", Map.of()).keyName()).isEqualTo("all");
    }

    private MySqlEngine engine(String scope) throws Exception {
        return new MySqlEngine(settings("engine: mariadb\nhost: db\n" + scope, Map.of()));
    }

    /**
     * What the staged load of a sync refuses once the dump has started — a target of several databases, a source whose dump
     * names its databases ({@code databases:}, even of one, and {@code all_databases}) — is refused before anything runs.
     */
    @Test
    void aSyncNeedsOneDatabaseOnEachSideAndSaysSoBeforeItRuns() throws Exception {
        MySqlEngine one = engine("database: a");
        one.checkSyncFrom(engine("database: b"));
        for (String several : List.of("databases: [b]", "databases: [b, c]", "all_databases: true")) {
            MySqlEngine source = engine(several);
            assertThatThrownBy(() -> one.checkSyncFrom(source)).as(several).isInstanceOf(io.dbbackup.core.DbBackupException.class)
                    .hasMessage("sync into mariadb a on db:3306 needs a one-database source (database: ...): " + source.describe()
                            + " is several databases, whose dump switches to their own names (USE) and cannot be loaded into a"
                            + " scratch database and swapped in; sync each database through a datasource naming it");
        }
        assertThatThrownBy(() -> engine("databases: [a, b]").checkSyncFrom(engine("database: a")))
                .hasMessageStartingWith("sync into mariadb a,b on db:3306 needs a one-database target (database: ...)");
    }

    @Test
    void problemsAreReportedAtTheirKeys() {
        assertThatThrownBy(() -> load("engine: mariadb\nhost: x", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing required key 'database'");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nall_databases: true", Map.of()))
                .hasMessageContaining("give exactly one of database, databases and all_databases");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nformat: custom", Map.of())).hasMessageContaining("format");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nextra_args: [--password=x]", Map.of()))
                .hasMessageContaining("use password_env or password_file").hasMessageNotContaining("=x");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nextra_args: [--single-transaction, -qB]", Map.of()))
                .hasMessageContaining("extra_args").hasMessageContaining("'-B' (--databases) is not allowed");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\ninclude_grants: true", Map.of()))
                .hasMessageContaining("needs grants_for");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nsocket: /s\nport: 1", Map.of()))
                .hasMessageContaining("give either socket or host/port");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a/b", Map.of())).hasMessageContaining("cannot name a backup folder");
        assertThatThrownBy(() -> load("engine: mariadb\ndatabase: a\nssl_mode: maybe", Map.of())).hasMessageContaining("ssl_mode");
        assertThatThrownBy(() -> load("engine: mysql\ndatabase: a\npassword: hunter2", Map.of())).hasMessageNotContaining("hunter2");
    }
}
