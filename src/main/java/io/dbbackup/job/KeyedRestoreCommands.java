package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.spi.Commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The run's way of writing a command ({@link Commands}) naming {@code job}, whose restore of that job (its newest backup)
 * carries the key that backup needs ({@link OtherBackupKeys}): of {@code keys}, or {@code --identity FILE} and a line
 * saying whose identity FILE is. A plugin's hint ("a physical base backup … is restored into a data directory:
 * dbbackup restore JOB --pgdata DIR") pasted without it fails with "no key to decrypt it was given".
 */
final class KeyedRestoreCommands implements Commands {
    private final Workspace ws;
    private final JobConfig job;
    private final DecryptionKeys keys;
    private final Commands commands;

    KeyedRestoreCommands(Workspace ws, JobConfig job, DecryptionKeys keys) {
        this.ws = ws;
        this.job = job;
        this.keys = keys;
        this.commands = ws.invocation().naming(job.name());
    }

    @Override
    public String command(String... words) {
        if (words.length < 2 || !words[0].equals("restore") || !words[1].equals(job.name())) {
            return commands.command(words);
        }
        OtherBackupKeys its = newestsKeys();
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(its.args());
        return commands.command(all.toArray(String[]::new)) + its.note().map(n -> "; " + n).orElse("");
    }

    @Override
    public String job() {
        return job.name();
    }

    /** The keys of the job's newest backup; none when it has none or its store cannot be read now (a hint's detail). */
    private OtherBackupKeys newestsKeys() {
        Catalog catalog = new Catalog(ws);
        try {
            BackupKey newest = catalog.resolve(job, Optional.empty());
            return OtherBackupKeys.of(newest, job, keys, () -> catalog.encryptedFor(job, newest));
        } catch (RuntimeException unread) {
            return OtherBackupKeys.NONE;
        }
    }
}
