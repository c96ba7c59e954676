package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.EncryptedFor;
import io.dbbackup.codec.Sha256;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code show}: one backup as its store holds it — key, stored size, the digest in its {@code .sha256} sidecar and
 * what its manifest says (engine, server and tool versions, timing, sizes, encryption, copied from where), any
 * disagreement between them — and, when asked, what it holds, read from the backup itself by its engine (a PostgreSQL
 * custom archive's table of contents is at its start; a script or a SQLite file is read whole, which also checks its
 * SHA-256). Reads only; the database is never reached.
 */
public final class BackupDetails {
    /**
     * {@code sidecarSha256}, {@code manifest}: null when missing or unreadable (then {@code problems} says so);
     * {@code pin}: its pin ({@link Pins}), if any; {@code contents}: null unless asked for.
     */
    public record Details(BackupKey key, String job, String store, long storedSize, String sidecarSha256,
                          Map<String, Object> manifest, Optional<Pins.Pin> pin, List<String> problems, List<String> contents) {
        public Details {
            problems = List.copyOf(problems);
            contents = contents == null ? null : List.copyOf(contents);
        }
    }

    private final Workspace ws;
    private final DecryptionKeys keys;

    public BackupDetails(Workspace ws, DecryptionKeys keys) {
        this.ws = ws;
        this.keys = keys;
    }

    /**
     * The command that restores {@code d}'s backup into its job's datasource, to paste (this run's -c, the key's file
     * name, the keys given to open it); a physical base backup's names the folder it needs, {@code --pgdata DIR}; an
     * encrypted backup that neither those keys nor the job's config open here names the key it needs,
     * {@code --identity FILE} ({@link MissingKey}), and {@code note} says what FILE is, else it is empty.
     */
    public record Restore(String command, Optional<String> note) {
    }

    /** {@code d}'s {@link Restore}. */
    public Restore restoreCommand(Details d) {
        List<String> words = new ArrayList<>(List.of("restore", d.job(), d.key().fileName()));
        JobConfig job = ws.job(d.job());
        if (ws.datasource(job.datasource()).engine().physical()) {
            words.addAll(List.of("--pgdata", "DIR"));
        }
        Optional<MissingKey> missing = MissingKey.of(d.key(), job, keys, () -> d.manifest() != null
                && d.manifest().get("recipients") instanceof List<?> r && !r.isEmpty()
                ? new EncryptedFor(r.stream().map(String::valueOf).toList(), -1)
                : ArtifactReader.headerOf(new Catalog(ws).store(job), d.key().key()));
        missing.ifPresent(m -> words.addAll(m.args()));
        return new Restore(ws.suggest(keys.withArgs(words).toArray(String[]::new)), missing.map(MissingKey::note));
    }

    public Details show(String jobName, Optional<String> name, boolean withContents) {
        JobConfig job = ws.job(jobName);
        Catalog catalog = new Catalog(ws);
        BackupKey key = catalog.resolve(job, name);
        Store store = catalog.store(job);
        List<String> problems = new ArrayList<>();
        long size = catalog.storedSize(job, key);
        String sidecar = sidecar(store, key, problems);
        Map<String, Object> manifest = manifest(catalog, job, key, problems);
        if (manifest != null) {
            compare(key, size, sidecar, manifest, problems);
        }
        List<String> contents = null;
        if (withContents) {
            contents = contents(job, catalog, key);
        }
        return new Details(key, job.name(), job.store(), size, sidecar, manifest, new Pins(ws).read(job, key), problems, contents);
    }

    private static String sidecar(Store store, BackupKey key, List<String> problems) {
        try (InputStream in = store.open(key.sha256Key())) {
            Optional<String> hex = Sha256.parseSidecar(in.readNBytes(4096), key.fileName());
            if (hex.isEmpty()) {
                problems.add("the checksum sidecar " + key.sha256Key() + " is malformed");
            }
            return hex.orElse(null);
        } catch (NoSuchKeyException e) {
            problems.add("no checksum sidecar " + key.sha256Key());
            return null;
        } catch (IOException e) {
            throw Failures.map("cannot read " + key.sha256Key(), e);
        }
    }

    private static Map<String, Object> manifest(Catalog catalog, JobConfig job, BackupKey key, List<String> problems) {
        try {
            Optional<Map<String, Object>> manifest = catalog.manifest(job, key);
            if (manifest.isEmpty()) {
                problems.add("no manifest " + key.manifestKey());
            }
            return manifest.orElse(null);
        } catch (DbBackupException e) {
            if (e.status() != io.dbbackup.core.ExitStatus.INTEGRITY) {
                throw e;
            }
            problems.add(e.getMessage());
            return null;
        }
    }

    /** The manifest must describe this very object: its key, its size, the sidecar's digest. */
    static void compare(BackupKey key, long size, String sidecar, Map<String, Object> manifest, List<String> problems) {
        if (!key.key().equals(manifest.get("key"))) {
            problems.add("the manifest describes " + manifest.get("key") + ", not " + key.key());
        }
        if (manifest.get("size") instanceof Number n && size >= 0 && n.longValue() != size) {
            problems.add("the manifest records " + n.longValue() + " bytes, the store holds " + size);
        }
        if (sidecar != null && manifest.get("sha256") instanceof String hex && !hex.equals(sidecar)) {
            problems.add("the manifest records sha256 " + hex + ", the sidecar " + sidecar);
        }
    }

    private List<String> contents(JobConfig job, Catalog catalog, BackupKey key) {
        ArtifactReader reader = ArtifactReader.forRecovery(catalog.store(job));
        Decryptor decryptor = Encryption.decryptorFor(key, job, keys, ws);
        try (Workspace.Operation op = ws.operation("show-" + job.name());
             StoppableRead read = StoppableRead.open(reader, key, decryptor, op.context().cancellation())) {
            // a read stalled on the store's connection is cut off by a signal, not waited out
            List<String> contents = ws.datasource(job.datasource()).engine().contents(read.stream(), key.format(), op.context());
            read.finished();
            return contents;
        } catch (IOException | RuntimeException e) {
            // the engine's finding led by the backup, one that names it (a checksum mismatch) as it is: as a restore says it
            throw Restorer.namingTheBackup(key, Failures.map("cannot read the contents of " + key.key(), e));
        }
    }
}
