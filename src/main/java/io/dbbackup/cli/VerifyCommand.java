package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.core.Redactor;
import io.dbbackup.job.Catalog;
import io.dbbackup.job.Verifier;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Re-read a stored backup: check its SHA-256 and that it decodes to the end (exit 3 if not).")
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name (default: newest).")
    String key;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Option(names = "--deep", description = "Also restore the backup into a temporary folder and check it with the "
            + "database's own tool (physical PostgreSQL backups: pg_verifybackup). Needs room for the restored data in "
            + "$DBBACKUP_TMPDIR.")
    boolean deep;

    @Option(names = "--no-progress", description = "No progress line (it is only drawn on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--all-backups", description = "Verify every backup of the job, newest first, going on after a failure "
            + "(exit 3 if every failure is an integrity failure, else 2).")
    boolean allBackups;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        if (allBackups && key != null) {
            throw DbBackupException.user("--all-backups verifies every backup of the job: name no KEY with it");
        }
        Workspace ws = root.workspace();
        Verifier verifier = new Verifier(ws, decryption.keys(root.main), ProgressLine.forCommand(root, noProgress));
        if (allBackups) {
            return verifyAll(ws, verifier);
        }
        Verifier.Result r = verifier.verify(job, Optional.ofNullable(key), deep);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job);
            m.put("key", r.key().key());
            m.put("sha256", r.sha256());
            m.put("decoded_bytes", r.decodedBytes());
            if (r.deep() != null) {
                m.put("deep", r.deep());
            }
            m.put("ok", true);
            root.out.println(Json.pretty(m));
        } else {
            root.out.println("ok " + r.key().key() + " sha256=" + r.sha256() + " (" + Human.size(r.decodedBytes()) + " decoded)"
                    + (r.deep() == null ? "" : "; " + r.deep()));
        }
        return 0;
    }

    /** Every backup of the job, newest first; a failure is reported and the next one checked. */
    private int verifyAll(Workspace ws, Verifier verifier) {
        List<Catalog.Entry> entries = new Catalog(ws).list(ws.job(job));
        if (entries.isEmpty()) {
            throw DbBackupException.user("job '" + job + "' has no backups to verify");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int failed = 0;
        boolean onlyIntegrity = true;
        for (Catalog.Entry e : entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", e.key().key());
            try {
                Verifier.Result r = verifier.verify(job, Optional.of(e.key().key()), deep);
                row.put("ok", true);
                row.put("sha256", r.sha256());
                row.put("decoded_bytes", r.decodedBytes());
                if (r.deep() != null) {
                    row.put("deep", r.deep());
                }
                if (!json) {
                    root.out.println("ok     " + e.key().key() + " sha256=" + r.sha256() + " (" + Human.size(r.decodedBytes())
                            + " decoded)" + (r.deep() == null ? "" : "; " + r.deep()));
                }
            } catch (DbBackupException ex) {
                failed++;
                onlyIntegrity &= ex.status() == ExitStatus.INTEGRITY;
                ws.log().error(ex.getMessage(), "job", job, "key", e.key().key());
                row.put("ok", false);
                row.put("exit", ex.status().code());
                row.put("error", Redactor.redact(ex.getMessage()));
                if (!json) {
                    root.out.println("FAILED " + e.key().key() + ": " + Redactor.redact(ex.getMessage()));
                }
            }
            rows.add(row);
        }
        int code = failed == 0 ? 0 : onlyIntegrity ? ExitStatus.INTEGRITY.code() : ExitStatus.SYSTEM_ERROR.code();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job);
            m.put("verified", entries.size() - failed);
            m.put("failed", failed);
            m.put("backups", rows);
            root.out.println(Json.pretty(m));
        } else {
            root.out.println((entries.size() - failed) + " of " + entries.size() + " backups verified"
                    + (failed == 0 ? "" : ", " + failed + " failed") + " (exit " + code + ")");
        }
        return code;
    }
}
