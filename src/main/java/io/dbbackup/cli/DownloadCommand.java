package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.job.Downloader;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "download", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = {"Fetch a backup (the newest by default) to a file, checking its SHA-256 while it is written; the file "
                + "appears only when the whole backup was read and matched (exit 3 and no file if not).",
                "-o - writes to stdout: there a mismatch can only be reported (exit 3) after the bytes."})
final class DownloadCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name from 'list' (default: newest).")
    String key;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", converter = FileNames.NonEmpty.class,
            description = "File or folder to write to, '-' for stdout (default: the backup's file name in the current folder).")
    String output;

    @Option(names = "--decrypt", description = "Decrypt an age-encrypted backup (drops '.age' from the default name).")
    boolean decrypt;

    @Option(names = "--decompress", description = "Decompress (drops '.gz'/'.zst'/'.lz4' from the default name).")
    boolean decompress;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Option(names = "--with-sidecar", description = "Also write FILE.sha256 (sha256sum -c format) beside the stored artifact.")
    boolean withSidecar;

    @Option(names = "--no-progress", description = "No progress line (it is only drawn on a terminal anyway).")
    boolean noProgress;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        boolean toStdout = "-".equals(output);
        if (output != null && output.endsWith("/") && !Files.isDirectory(root.main.workingDir().resolve(output))) {
            throw DbBackupException.user("-o " + output + ": no such folder");
        }
        Downloader downloader = new Downloader(ws, decryption.keys(root.main, ws), root.main.workingDir(), root.main.binaryOut(),
                ProgressLine.forCommand(root, noProgress));
        if (root.main.signals() != null) {
            root.main.signals().onSignal(s -> downloader.cancel("signal " + s.signal()));
        }
        Downloader.Result r;
        try (Log.Tagging tag = Log.tag("job", job)) { // what its store or a library says names it
            r = downloader.download(new Downloader.Request(job, Optional.ofNullable(key),
                    toStdout || output == null ? Optional.empty() : Optional.of(Path.of(output)), toStdout, decrypt, decompress,
                    force, withSidecar));
        }
        if (!toStdout) {
            root.out.println("downloaded " + r.key().key() + " to " + r.file() + " (" + Human.size(r.bytes())
                    + (r.decrypted() ? ", decrypted" : "") + (r.decompressed() ? ", decompressed" : "")
                    + "; sha256 " + r.sha256() + " verified)" + (r.sidecar() != null ? "; checksum in " + r.sidecar() : ""));
        }
        return 0;
    }
}
