package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.ChildProcess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Picks the PostgreSQL client programs for a server: {@code bin_dir} when configured, else
 * {@code <root>/<pg_version>/bin}, else the installed major matching the server, else the newest
 * installed major above it, else the one on PATH. A client older than the server is refused before
 * anything starts (pg_dump cannot dump a newer server), naming both versions and what to install.
 */
final class ClientLocator {
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Path root;
    private final Path binDir;
    private final String pgVersion;
    private final Map<Path, PgVersion> versions = new ConcurrentHashMap<>();

    ClientLocator(Path root, Path binDir, String pgVersion) {
        this.root = root;
        this.binDir = binDir;
        this.pgVersion = pgVersion;
    }

    /** Any psql that can query a server: the configured one, else the newest installed (its version is not asked). */
    Path probeExecutable() {
        if (binDir != null || pgVersion != null) {
            return configured("psql");
        }
        List<Path> installed = installed("psql");
        if (!installed.isEmpty()) {
            return installed.get(0);
        }
        return onPath("psql").orElseThrow(() -> DbBackupException.permanent(
                "no PostgreSQL client programs found (looked in " + root + "/*/bin and PATH): install them, "
                        + "e.g. apt-get install postgresql-client", null));
    }

    /**
     * The {@code tool} for work without a server (reading an archive): the configured one, else the newest
     * installed major (a newer pg_restore reads every older archive), else the one on PATH.
     */
    Path newest(String tool) {
        if (binDir != null || pgVersion != null) {
            return configured(tool);
        }
        List<Path> installed = installed(tool);
        if (!installed.isEmpty()) {
            return installed.get(0);
        }
        return onPath(tool).orElseThrow(() -> DbBackupException.permanent("no " + tool + " found (looked in " + root
                + "/*/bin and PATH): install the PostgreSQL client programs, e.g. apt-get install postgresql-client", null));
    }

    /**
     * A {@code tool} chosen for a server that {@code ask} describes, with that answer and the tool's own
     * version asked on other threads where they need not come first; {@link #settle()} once it has run.
     */
    record Choice<T>(String tool, Path executable, Asked<T> server, Function<T, PgVersion> version,
                     ClientLocator locator) {
        /** The server's answer, once the client is known to be no older than the server (else refused). */
        T settle() throws IOException {
            T answer = server.get();
            locator.check(tool, executable, version.apply(answer));
            return answer;
        }

        PgClient client() {
            return new PgClient(executable, locator.versionOf(executable));
        }

        /**
         * A version that stands for the server's in how the tool is started, for a setting a server has from version
         * {@code from} on ({@code server_version_num}): the client's own when it is older than that, as a server that new
         * refuses it anyway (the tool starts at once, the server asked beside); else the server's answer, waited for (a
         * connection's round trip before the tool starts).
         */
        PgVersion startingFor(int from) throws IOException {
            PgVersion own = locator.versionOf(executable);
            return own.num() < from ? own : version.apply(server.get());
        }
    }

    /**
     * Picks the {@code tool} for the server {@code ask} describes. With only one to pick ({@link #sole}), it is
     * picked at once and {@code ask} goes on meanwhile, so that the tool can start; otherwise {@code ask}
     * is answered first and picks the major ({@link #forServer}). The tool's own version is asked beside.
     */
    <T> Choice<T> choose(String tool, Asked.Question<T> ask, Function<T, PgVersion> version) throws IOException {
        Optional<Path> only = sole(tool);
        Asked<T> server;
        Path exe;
        if (only.isPresent()) {
            exe = only.get();
            server = Asked.start(tool + "-server", ask);
        } else {
            T answer = ask.ask();
            server = Asked.answered(answer);
            exe = forServer(tool, version.apply(answer)).executable();
        }
        Asked.start(tool + "-version", () -> versionOf(exe)); // ready by the time settle() needs it
        return new Choice<>(tool, exe, server, version, this);
    }

    /**
     * The {@code tool} {@link #forServer} will pick whatever the server's version, when there is only
     * one to pick (bin_dir or pg_version set, or one major installed): it can start before the server
     * is asked its version, and {@link #check} then refuses it if it is too old.
     */
    private Optional<Path> sole(String tool) {
        if (binDir != null || pgVersion != null) {
            return Optional.of(configured(tool));
        }
        List<Path> installed = installed(tool);
        if (installed.size() == 1) {
            return Optional.of(installed.get(0));
        }
        return installed.isEmpty() ? onPath(tool) : Optional.empty();
    }

    /** {@code exe} as the {@code tool} for a server of version {@code server}: refused when older. */
    private PgClient check(String tool, Path exe, PgVersion server) {
        PgClient client = new PgClient(exe, versionOf(exe));
        if (client.version().majorNum() < server.majorNum()) {
            throw tooOld(tool, server, client);
        }
        return client;
    }

    /** The {@code tool} (pg_dump, pg_restore, psql) to use against a server of version {@code server}. */
    PgClient forServer(String tool, PgVersion server) {
        if (binDir != null || pgVersion != null) {
            Path exe = configured(tool);
            PgVersion v = versionOf(exe);
            if (v.majorNum() < server.majorNum()) {
                throw tooOld(tool, server, new PgClient(exe, v));
            }
            return new PgClient(exe, v);
        }
        List<PgClient> found = new ArrayList<>();
        for (Path exe : installed(tool)) {
            found.add(new PgClient(exe, versionOf(exe)));
        }
        Optional<PgClient> exact = found.stream().filter(c -> c.version().sameMajor(server)).findFirst();
        if (exact.isPresent()) {
            return exact.get();
        }
        Optional<PgClient> newer = found.stream().filter(c -> c.version().majorNum() > server.majorNum()).findFirst();
        if (newer.isPresent()) {
            return newer.get();
        }
        Optional<Path> path = onPath(tool);
        if (path.isPresent()) {
            PgClient c = new PgClient(path.get(), versionOf(path.get()));
            if (c.version().majorNum() >= server.majorNum()) {
                return c;
            }
            found.add(c);
        }
        if (found.isEmpty()) {
            throw DbBackupException.permanent("no " + tool + " found (looked in " + root + "/*/bin and PATH) for PostgreSQL "
                    + server + ": install postgresql-client-" + server.major(), null);
        }
        PgClient newest = found.stream().max(Comparator.comparing(PgClient::version)).get();
        throw tooOld(tool, server, newest);
    }

    private static DbBackupException tooOld(String tool, PgVersion server, PgClient client) {
        return DbBackupException.permanent("the PostgreSQL server is version " + server.major() + " (" + server
                + ") but the newest " + tool + " available is " + client.version() + " (" + client.executable() + "); "
                + tool + " must be at least the server's major version: install postgresql-client-" + server.major()
                + " (apt-get install postgresql-client-" + server.major() + ") or point bin_dir at a newer client", null);
    }

    private Path configured(String tool) {
        Path dir = binDir != null ? binDir : root.resolve(pgVersion).resolve("bin");
        Path exe = dir.resolve(tool);
        if (!Files.isExecutable(exe)) {
            String what = binDir != null ? "bin_dir " + binDir : "pg_version " + pgVersion;
            String hint = binDir != null ? "point bin_dir at a folder holding the PostgreSQL client programs"
                    : "install it: apt-get install postgresql-client-" + pgVersion;
            throw DbBackupException.permanent(what + ": " + exe + " does not exist or is not executable; " + hint, null);
        }
        return exe;
    }

    /** {@code <root>/<major>/bin/<tool>} for every installed major, newest first. */
    List<Path> installed(String tool) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(d -> Map.entry(d, PgVersion.ofMajorName(d.getFileName().toString())))
                    .filter(e -> e.getValue().isPresent() && Files.isExecutable(e.getKey().resolve("bin").resolve(tool)))
                    .sorted(Comparator.comparing((Map.Entry<Path, Optional<PgVersion>> e) -> e.getValue().get()).reversed())
                    .map(e -> e.getKey().resolve("bin").resolve(tool))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path exe = Path.of(dir, tool);
                if (Files.isExecutable(exe) && !Files.isDirectory(exe)) {
                    return Optional.of(exe);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code <exe> --version} once per executable. */
    PgVersion versionOf(Path exe) {
        return versions.computeIfAbsent(exe, ClientLocator::askVersion);
    }

    private static PgVersion askVersion(Path exe) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChildProcess.of(List.of(exe.toString(), "--version")).timeout(Duration.ofSeconds(30))
                    .run(null, out, new Cancellation());
        } catch (IOException e) {
            throw DbBackupException.permanent("cannot run " + exe + " --version: " + e.getMessage(), e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return PgVersion.ofToolOutput(text).orElseThrow(() -> DbBackupException.permanent(
                exe + " --version printed no PostgreSQL version: " + text.strip(), null));
    }
}
