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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pinned backups: a {@code <key>.pin} marker beside a backup in its store (a small JSON object: when, and the note the
 * user gave) keeps it whatever the job's retention rules say — the backup taken before a migration, the one legal asked
 * to keep. In the store, not in the config, so that every host pruning the job sees it; a marker, not a manifest
 * rewrite, so that the backup's own files are never written again.
 */
public final class Pins {
    /**
     * {@code note}: empty when none was given. {@code unknownFields}: the marker's fields this build does not know (written
     * by a newer dbbackup, e.g. an expiry): the pin still holds, without them — keeping is the safe side of a hold — and
     * list, prune and show say so.
     */
    public record Pin(BackupKey key, Instant pinnedAt, String note, List<String> unknownFields) {
        public Pin {
            unknownFields = List.copyOf(unknownFields);
        }

        Pin(BackupKey key, Instant pinnedAt, String note) {
            this(key, pinnedAt, note, List.of());
        }

        /** "unknown field 'expires'", for a pin a newer dbbackup wrote; empty otherwise. */
        public String unknown() {
            return unknownFields.isEmpty() ? "" : (unknownFields.size() == 1 ? "unknown field " : "unknown fields ")
                    + unknownFields.stream().map(f -> "'" + f + "'").collect(java.util.stream.Collectors.joining(", "));
        }
    }

    /** The fields of a marker this build writes and reads. */
    private static final java.util.Set<String> KNOWN = java.util.Set.of("key", "pinned_at", "note");

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
        Optional<Pin> held = read(job, key);
        if (note != null && held.isPresent() && !held.get().unknownFields().isEmpty()) {
            throw DbBackupException.user(key.key() + " is pinned by a pin a newer dbbackup wrote (" + held.get().unknown()
                    + "): replacing its note here would drop what this dbbackup does not know; nothing was changed (change "
                    + "it with that dbbackup, or `pin --remove` it first)");
        }
        if (note == null) {
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

    /**
     * A warning for each pinned backup among {@code entries} whose pin a newer dbbackup wrote (fields this build does not
     * know, e.g. an expiry): this build keeps it pinned as a pin without end, and says so rather than passing it by.
     * Reads the marker of every pinned backup (list and prune; pins are few).
     */
    public void mentionNewer(JobConfig job, List<Catalog.Entry> entries) {
        for (Catalog.Entry e : entries) {
            if (!e.pinned()) {
                continue;
            }
            Optional<Pin> pin;
            try {
                pin = read(job, e.key());
            } catch (RuntimeException ex) { // a marker that cannot be read still pins: the listing saw it
                ws.warnAboutOne(job, "pin markers could not be read; kept as pinned (" + ws.suggest("list", "JOB")
                        + " names them and why)", e.key().key() + ": its pin marker could not be read (" + ex.getMessage()
                        + "); kept as pinned", "key", e.key().key());
                continue;
            }
            pin.filter(p -> !p.unknownFields().isEmpty()).ifPresent(p -> ws.warnAboutOne(job, "pins were written by a "
                    + "newer dbbackup; kept: this dbbackup holds them as pins without end, whatever their fields say ("
                    + ws.suggest("list", "JOB") + " names them and their fields; read them with the dbbackup that wrote "
                    + "them, or end them with `pin --remove`)",
                    e.key().key() + ": its pin was written by a newer dbbackup (" + p.unknown() + "); kept: this dbbackup "
                            + "holds it as a pin without end, whatever that field says (read it with the dbbackup that "
                            + "wrote it, or end it with `pin --remove`)", "key", e.key().key()));
        }
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
                List<String> unknown = m.keySet().stream().map(String::valueOf).filter(f -> !KNOWN.contains(f)).sorted().toList();
                return Optional.of(new Pin(key, Instant.parse(String.valueOf(m.get("pinned_at"))), String.valueOf(m.get("note")),
                        unknown));
            }
        } catch (RuntimeException e) {
            // below
        }
        return Optional.of(new Pin(key, null, "(unreadable pin marker)"));
    }
}
