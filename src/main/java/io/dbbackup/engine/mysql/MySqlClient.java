package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ToolFailedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the flavor's tools ({@code mysqldump}/{@code mysql} or {@code mariadb-dump}/{@code mariadb})
 * for one datasource: finds them (bin_dir or PATH), builds the connection options every run shares,
 * and turns failures into one clear line.
 */
final class MySqlClient {
    private static final ConcurrentHashMap<Path, ClientFamily.Probe> PROBES = new ConcurrentHashMap<>();
    /**
     * The client's statements and names in utf8mb4: asked for at connect ({@code --default-character-set}) and set again
     * once connected ({@code SET NAMES}), because a server with {@code skip-character-set-client-handshake} (or an
     * {@code init_connect} that sets the names) ignores the first and would read a database named {@code café} in its own
     * {@code character_set_server} (latin1: {@code cafÃ©}): a restore created and filled {@code cafÃ©} and said it restored
     * into {@code café}, and a backup said {@code café} did not exist.
     */
    static final List<String> UTF8MB4 = List.of("--default-character-set=utf8mb4", "--init-command=SET NAMES utf8mb4");

    private final MySqlSettings s;
    /** How long {@code tool --version} may take: a wrapper script that hangs must not hold the run until its timeout. */
    Duration versionTimeout = Duration.ofSeconds(30);
    /** The session of this run was seen encrypted ({@link #requireEncryption}). */
    private volatile boolean encryptionChecked;

    MySqlClient(MySqlSettings settings) {
        this.s = settings;
    }

    Path dumpTool() throws IOException {
        return locate(s.flavor().dumpTool());
    }

    Path clientTool() throws IOException {
        return locate(s.flavor().clientTool());
    }

    private Path locate(String name) throws IOException {
        if (s.binDir() != null) {
            Path p = s.binDir().resolve(name);
            if (!Files.isExecutable(p)) {
                throw DbBackupException.permanent(name + " not found in bin_dir " + s.binDir(), null);
            }
            return p;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw DbBackupException.permanent(name + " not found on PATH (engine " + s.flavor().type()
                + "; install the client tools or set bin_dir)", null);
    }

    /** Which family the tool really is (cached per binary). */
    ClientFamily.Probe probe(Path tool, OperationContext ctx) throws IOException {
        ClientFamily.Probe p = PROBES.get(tool);
        if (p != null) {
            return p;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChildProcess.of(List.of(tool.toString(), "--version")).timeout(versionTimeout).run(null, out, ctx.cancellation());
        p = ClientFamily.parse(out.toString(StandardCharsets.UTF_8));
        PROBES.put(tool, p);
        return p;
    }

    /** {@code tool --defaults-extra-file=F <connection options>}: the start of every command line. */
    List<String> base(Path tool, DefaultsFile defaults, ClientFamily family) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.add(defaults.argument());
        cmd.addAll(connectionArgs(s, family));
        if (tool.getFileName().toString().equals(s.flavor().clientTool())) {
            cmd.add("--connect-timeout=" + CONNECT_TIMEOUT_SECONDS);
        }
        return cmd;
    }

    static List<String> connectionArgs(MySqlSettings s, ClientFamily family) {
        return connectionArgs(s, s.tls(), family);
    }

    private static List<String> connectionArgs(MySqlSettings s, Tls tls, ClientFamily family) {
        List<String> a = new ArrayList<>();
        if (s.socket() != null) {
            a.add("--protocol=SOCKET");
            a.add("--socket=" + s.socket());
        } else {
            a.add("--protocol=TCP");
            a.add("--host=" + s.host());
            a.add("--port=" + s.port());
        }
        if (s.user() != null) {
            a.add("--user=" + s.user());
        }
        a.addAll(tls.args(family));
        return a;
    }

    /**
     * Runs a command with the datasource's timeout; maps a permanent failure to one clear line. The first command of a run
     * whose TLS the client may not enforce is preceded by {@link #requireEncryption}.
     */
    String run(List<String> command, InputStream in, OutputStream out, OperationContext ctx) throws IOException {
        requireEncryption(Path.of(command.get(0)), ctx);
        return execute(command, in, out, ctx);
    }

    /**
     * {@code ssl_mode: required} with a MariaDB client ({@link Tls#unenforcedBy}): before the first command of the run (the
     * preflight of a dump, the first query or load of a restore, sync or drill), one login with the same connection and TLS
     * options asks the server whether the session is encrypted; if not, the run stops (permanent, exit 2) before any data
     * went over such a connection. One connection per run is checked: against an attacker who strips TLS from later
     * connections only {@code verify_ca}/{@code verify_identity} protect.
     */
    private void requireEncryption(Path tool, OperationContext ctx) throws IOException {
        // the config first (ssl_mode, the client in bin_dir), then what the binaries are: no tool is asked in vain
        if (encryptionChecked || !Tls.REQUIRED.equals(s.tls().mode())) {
            return;
        }
        Path client = clientTool();
        if (!s.tls().unenforcedBy(probe(tool, ctx).family())) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DefaultsFile defaults = DefaultsFile.create(ctx.scratchDir(), s.password())) {
            List<String> cmd = base(client, defaults, probe(client, ctx).family());
            cmd.addAll(List.of("--batch", "--skip-column-names", "--execute=" + Tls.CIPHER_QUERY));
            execute(cmd, null, out, ctx);
        }
        if (!Tls.encrypted(Sql.parseBatch(out.toString(StandardCharsets.UTF_8)))) {
            throw DbBackupException.permanent(s.flavor().type() + " datasource " + s.datasource() + " (" + s.address()
                    + "): the server did not use TLS although ssl_mode: required — " + tool.getFileName() + " connects "
                    + "without TLS to a server that offers none, so nothing was dumped or restored; enable TLS on the server "
                    + "(ssl_cert and ssl_key in its configuration), or set ssl_mode: verify_ca with ssl_ca, which the client "
                    + "enforces", null);
        }
        encryptionChecked = true;
    }

    private String execute(List<String> command, InputStream in, OutputStream out, OperationContext ctx) throws IOException {
        ChildProcess p = ChildProcess.of(command).timeout(s.timeout()).permanentWhen(MySqlErrors::isPermanent);
        try {
            return p.run(in, out, ctx.cancellation());
        } catch (ToolFailedException e) {
            throw explain(e, e.retryable() ? "" : onlyOverTls(command, e, ctx));
        }
    }

    /**
     * A login refused with {@code 1045 Access denied} over TCP by a client not asked for TLS: MariaDB refuses so, in words
     * that tell of a wrong password, an account the server accepts only over TLS ({@code require_secure_transport=ON};
     * MySQL says 3159, see {@link SettingHints}; or the account's {@code REQUIRE SSL}). One login with TLS required (the
     * same account, password and certificates) tells which: when it succeeds, the hint that says so and names the
     * datasource key; otherwise (a wrong password) {@code ""}.
     */
    private String onlyOverTls(List<String> command, ToolFailedException e, OperationContext ctx) {
        String mode = s.tls().mode();
        String defaults = command.stream().filter(a -> a.startsWith("--defaults-extra-file=")).findFirst().orElse(null);
        if (s.socket() != null || mode != null && !mode.equals("disabled") && !mode.equals("preferred") || defaults == null
                || !MySqlErrors.errorNumbers(e.stderrTail()).contains(1045)) {
            return "";
        }
        try {
            Path tool = clientTool();
            List<String> login = new ArrayList<>(List.of(tool.toString(), defaults));
            login.addAll(connectionArgs(s, new Tls("required", s.tls().ca(), s.tls().cert(), s.tls().key()),
                    probe(tool, ctx).family()));
            login.add("--execute=SELECT 1");
            ChildProcess.of(login).timeout(Duration.ofSeconds(30)).run(null, new ByteArrayOutputStream(),
                    ctx.cancellation());
        } catch (IOException | RuntimeException again) {
            ctx.log().debug("a login with TLS required failed as well", "reason", again.getMessage());
            return "";
        }
        return " — the server accepts this account only over TLS (require_secure_transport=ON, or the account's REQUIRE "
                + "SSL): a login with TLS succeeded; set ssl_mode: required on the datasource (verify_identity with ssl_ca to "
                + "check the server as well)";
    }

    /**
     * After a login refused with {@code 1045 Access denied} (a wrong password, or a user the server does not know from
     * this host, which the server's line names): the password's config place, e.g. {@code ; check
     * datasources.shop.password_env at config.yaml:7:19, read from env DB_PW}; empty otherwise.
     */
    private String passwordRefused(ToolFailedException e) {
        if (!MySqlErrors.errorNumbers(e.stderrTail()).contains(1045)) {
            return "";
        }
        return s.password() == null ? "; no password is set for datasource " + s.datasource() + " (password_env or password_file)"
                : "; check " + s.password().where();
    }

    /**
     * After the client's own error for a server it could not reach at the configured address (2002: the socket, 2003:
     * refused or timed out, 2005: a host name that does not resolve): the address's config place, e.g. {@code ; check
     * datasources.shop.host at config.yaml:4:11 and datasources.shop.port at config.yaml:5:11}; empty otherwise.
     */
    private String addressUnreached(ToolFailedException e) {
        java.util.Set<Integer> errors = MySqlErrors.errorNumbers(e.stderrTail());
        boolean silent = s.socket() == null && errors.contains(2013) && SILENT_SERVER.matcher(e.stderrTail()).find();
        String words = silent ? ": the server at " + s.address() + " accepted the connection but did not answer within "
                + CONNECT_TIMEOUT_SECONDS + " s: is it " + (s.flavor() == MySqlFlavor.MARIADB ? "MariaDB" : "MySQL")
                + "? (another service on that port, a proxy or load balancer with no server behind it, or a server that "
                + "hangs)" : "";
        if (s.addressPlace() == null || !(silent || errors.contains(2002) || errors.contains(2003) || errors.contains(2005))) {
            return words;
        }
        return words + "; check " + s.addressPlace();
    }

    /**
     * How long the client ({@code mysql}, {@code mariadb}: {@code --connect-timeout}) waits for the connection and the
     * server's greeting; without it a port that takes the connection and sends nothing held the run for ever (the dump
     * tools have no such option, the client's query before every dump meets such a server first).
     */
    static final int CONNECT_TIMEOUT_SECONDS = 30;

    /** The client's 2013 for a greeting that did not come in time (ETIMEDOUT, or EAGAIN of a socket read timeout). */
    private static final java.util.regex.Pattern SILENT_SERVER = java.util.regex.Pattern.compile(
            "reading initial communication packet', system error: (?:110|11)\\b");

        /** Runs one or more statements with the client and returns the rows of the results ({@code -N -B}). */
    List<List<String>> query(String sql, String database, DefaultsFile defaults, OperationContext ctx) throws IOException {
        Path tool = clientTool();
        List<String> cmd = base(tool, defaults, probe(tool, ctx).family());
        cmd.addAll(UTF8MB4);
        cmd.add("--batch");
        cmd.add("--skip-column-names");
        if (database != null) {
            cmd.add("--database=" + database);
        }
        cmd.add("--execute=" + sql); // not stdin: a client that cannot connect never reads it, and its own error must show
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run(cmd, null, out, ctx);
        return Sql.parseBatch(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * A permanent failure becomes a {@link DbBackupException} whose message is one line naming the
     * engine, the server and the reason; a retryable one keeps its type (the job may retry it).
     */
    private IOException explain(ToolFailedException e, String tlsHint) {
        if (e.retryable()) {
            return new ToolFailedException(e.tool(), e.exitCode(), e.stderrTail(), true) {
                @Override
                public String getMessage() {
                    return e.tool() + " against " + s.address() + " failed: " + MySqlErrors.reason(e)
                            + SettingHints.of(e.stderrTail()) + addressUnreached(e);
                }
            };
        }
        throw DbBackupException.permanent(s.flavor().type() + " " + s.address() + ": " + MySqlErrors.reason(e)
                + SettingHints.of(e.stderrTail()) + (tlsHint.isEmpty() ? passwordRefused(e) : tlsHint) + addressUnreached(e), e);
    }
}
