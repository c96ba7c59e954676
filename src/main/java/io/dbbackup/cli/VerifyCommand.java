package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.job.Verifier;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
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

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        Workspace ws = root.workspace();
        Verifier.Result r = new Verifier(ws, decryption.keys(root.main), ProgressLine.forCommand(root, noProgress)).verify(job, Optional.ofNullable(key), deep);
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
}
