package io.dbbackup.cli;

import io.dbbackup.job.Workspace;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --from-file FILE} for the commands that read one backup: a local copy stands in for the job's store. */
final class LocalCopyOption {
    @Option(names = "--from-file", paramLabel = "FILE", converter = FileNames.NonEmptyPath.class, description = "Read this local copy of one of the job's backups "
            + "(named as 'list' names it; its .sha256 or .manifest.json beside it) instead of the store.")
    Path fromFile;

    /** The backup the file is, once {@link #use}d. */
    private io.dbbackup.core.BackupKey key;

    boolean given() {
        return fromFile != null;
    }

    /** Makes the copy the job's store in {@code ws} and returns the backup's file name, the KEY to read; null without the option. */
    String use(Workspace ws, Main main, String job) {
        if (fromFile == null) {
            return null;
        }
        key = ws.readFromFile(job, main.workingDir().resolve(fromFile), fromFile);
        return key.fileName();
    }

    /**
     * What a line says of the backup, naming the file as given rather than the store key the job's store would hold it
     * under ({@code copies/app-….db.zst}, not {@code prod/app/app-….db.zst}): the file is what was read. {@code text} as it
     * is before {@link #use} or without the option. The file named already (its sidecar, as the copy's store names it) is
     * left as it is, even when its path ends with the key ({@code bucket/pg/pg-….tar.zst}, a copy of the bucket's folders):
     * named once, never {@code bucket/bucket/pg/…}.
     */
    String naming(String text) {
        if (key == null || text == null) {
            return text;
        }
        String given = fromFile.toString();
        String held = "\0"; // no message holds a NUL: the file's own mentions, kept aside while the key is replaced
        return text.replace(given, held).replace(key.key(), given).replace(held, given);
    }

    /**
     * {@code progress} whose line names the file as given ("checking copies/app-….db.zst"), not only its name as the job's
     * store would hold it; {@code progress} itself without the option.
     */
    io.dbbackup.job.Progress naming(io.dbbackup.job.Progress progress) {
        if (fromFile == null || progress == io.dbbackup.job.Progress.NONE) {
            return progress;
        }
        return new io.dbbackup.job.Progress() {
            @Override
            public void started(String what, long total) {
                progress.started(key == null || !what.endsWith(" " + key.fileName()) ? what
                        : what.substring(0, what.length() - key.fileName().length()) + fromFile, total);
            }

            @Override
            public void advanced(long stored) {
                progress.advanced(stored);
            }

            @Override
            public void finished() {
                progress.finished();
            }
        };
    }

    /**
     * Tags every log line of the command with {@code file=FILE} as given, before the {@code key=} of the backup it is a
     * copy of; without the option a tag never set (no field).
     */
    io.dbbackup.core.Log.Tagging tagged() {
        return fromFile == null ? io.dbbackup.core.Log.tag("file") : io.dbbackup.core.Log.tag("file", fromFile);
    }

    /** {@code e} with its message {@link #naming} the file. */
    io.dbbackup.core.DbBackupException naming(io.dbbackup.core.DbBackupException e) {
        String said = naming(e.getMessage());
        return said.equals(e.getMessage()) ? e : new io.dbbackup.core.DbBackupException(e.status(), said, e, e.retryable());
    }
}
