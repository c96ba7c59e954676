package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pinned backups: a {@code <key>.pin} marker beside a backup in its store (a small JSON object: when, and the note the
 * user gave) keeps it whatever the job's retention rules say — the backup taken before a migration, the one legal asked
 * to keep. In the store, not in the config, so that every host pruning the job sees it; a marker, not a manifest
 * rewrite, so that the backup's own files are never written again.
 */
public final class Pins {
    /** {@code note}: empty when none was given. */
    public record Pin(BackupKey key, Instant pinnedAt, String note) {
    }

    private final Workspace ws;
    private final Catalog catalog;

    public Pins(Workspace ws) {
        this.ws = ws;
        this.catalog = new Catalog(ws);
    }

    /**
     * Pins the job's backup named {@code name} (the newest when empty); pinning a pinned backup with a note replaces its
     * note. Without a note ({@code null}) a pinned backup keeps its pin as it is — note and time — and that pin is
     * returned with {@code already}: a "make sure it is pinned" must not wipe the reason a legal hold was recorded with.
     */
    public Pinned pin(String jobName, Optional<String> name, String note) {
        JobConfig job = ws.job(jobName);
        BackupKey key = catalog.resolve(job, name);
        if (note == null) {
            Optional<Pin> held = read(job, key);
            if (held.isPresent()) {
                ws.log().info("already pinned: its pin is kept as it is", "job", job.name(), "key", key.key());
                return new Pinned(held.get(), true);
            }
        }
        return new Pinned(pin(job, key, note), false);
    }

    /** What {@code pin} did: {@code already} when the backup was pinned before and its pin was left as it was. */
    public record Pinned(Pin pin, boolean already) {
    }

    Pin pin(JobConfig job, BackupKey key, String note) {
        Instant now = ws.clock().instant();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key.key());
        m.put("pinned_at", now.toString());
        m.put("note", note == null ? "" : note);
        Store store = catalog.store(job);
        try (Workspace.Operation op = ws.operation("pin-" + job.name())) {
            store.put(key.pinKey(), (Json.pretty(m) + "\n").getBytes(StandardCharsets.UTF_8), op.context());
            // a prune on another host may have deleted the backup since it was looked up: the marker would then pin
            // nothing, and a success would be a lie
            if (store.stat(key.key()).isEmpty()) {
                store.delete(key.pinKey());
                throw DbBackupException.user(key.key() + " was deleted (by a prune?) while it was being pinned; "
                        + "nothing is pinned: `list " + job.name() + "` shows what is left");
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.map("cannot pin " + key.key() + " in " + store.describe(), e);
        }
        ws.log().info("pinned", "job", job.name(), "key", key.key(), "note", note == null ? "" : note);
        return new Pin(key, now, note == null ? "" : note);
    }

    /**
     * Removes the pin of the job's backup {@code name}: its retention rules decide about it again. Also the pin of a backup
     * that is gone (deleted by hand), which nothing else would remove.
     */
    public BackupKey unpin(String jobName, String name) {
        JobConfig job = ws.job(jobName);
        BackupKey key = catalog.parse(job, name);
        Store store = catalog.store(job);
        if (read(job, key).isEmpty()) {
            throw DbBackupException.user(key.key() + " is not pinned");
        }
        try {
            store.delete(key.pinKey());
        } catch (IOException e) {
            throw Failures.map("cannot unpin " + key.key() + " in " + store.describe(), e);
        }
        ws.log().info("unpinned", "job", job.name(), "key", key.key());
        return key;
    }

    /** The backup's pin, if it has one; a marker that cannot be parsed still pins (its time and note unknown). */
    public Optional<Pin> read(JobConfig job, BackupKey key) {
        Store store = catalog.store(job);
        String text;
        try (InputStream in = store.open(key.pinKey())) {
            text = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw Failures.map("cannot read " + key.pinKey() + " from " + store.describe(), e);
        }
        try {
            if (Json.parse(text) instanceof Map<?, ?> m) {
                return Optional.of(new Pin(key, Instant.parse(String.valueOf(m.get("pinned_at"))), String.valueOf(m.get("note"))));
            }
        } catch (RuntimeException e) {
            // below
        }
        return Optional.of(new Pin(key, null, "(unreadable pin marker)"));
    }
}
