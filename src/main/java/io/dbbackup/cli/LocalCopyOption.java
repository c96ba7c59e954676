package io.dbbackup.cli;

import io.dbbackup.job.Workspace;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --from-file FILE} for the commands that read one backup: a local copy stands in for the job's store. */
final class LocalCopyOption {
    @Option(names = "--from-file", paramLabel = "FILE", converter = FileNames.NonEmptyPath.class, description = "Read this local copy of one of the job's backups "
            + "(named as 'list' names it; its .sha256 or .manifest.json beside it) instead of the store.")
    Path fromFile;

    boolean given() {
        return fromFile != null;
    }

    /** Makes the copy the job's store in {@code ws} and returns the backup's file name, the KEY to read; null without the option. */
    String use(Workspace ws, Main main, String job) {
        return fromFile == null ? null : ws.readFromFile(job, main.workingDir().resolve(fromFile)).fileName();
    }
}
