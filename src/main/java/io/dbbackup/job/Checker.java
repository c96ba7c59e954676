package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Redactor;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code dbbackup check}: whether each job could back up now, without backing up. Its secrets must be readable
 * here; its datasource is connected to as a backup would ({@code Engine.check}: read-only); its store takes a
 * small probe object in the job's folder, gives it back byte for byte and deletes it. Notifiers are not
 * contacted (a check that mails would page someone).
 */
public final class Checker {
    /** One check of one job: {@code what} is secrets, datasource or store; {@code detail} what was found or why not. */
    public record Line(String job, String what, ExitStatus status, String detail) {
        public boolean ok() {
            return status == ExitStatus.OK;
        }
    }

    static final String PROBE_PREFIX = ".dbbackup-check-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Workspace ws;

    public Checker(Workspace ws) {
        this.ws = ws;
    }

    /** The checks of {@code job}, in order; without its secrets the others are not tried (they would fail the same way). */
    public List<Line> check(JobConfig job) {
        List<Line> out = new ArrayList<>();
        try {
            ws.requireBackupSecrets(job);
            out.add(new Line(job.name(), "secrets", ExitStatus.OK, "every secret a backup needs was read"));
        } catch (DbBackupException e) {
            out.add(failed(job, "secrets", e));
            return out;
        }
        try (Workspace.Operation op = ws.operation("check-" + job.name())) {
            out.add(datasource(job, op));
            out.add(store(job, op));
        }
        return out;
    }

    private Line datasource(JobConfig job, Workspace.Operation op) {
        try {
            return new Line(job.name(), "datasource", ExitStatus.OK, ws.datasource(job.datasource()).engine().check(op.context()));
        } catch (IOException | RuntimeException e) {
            return failed(job, "datasource", Failures.map("cannot reach " + ws.datasource(job.datasource()).engine().describe(), e));
        }
    }

    private Line store(JobConfig job, Workspace.Operation op) {
        Catalog catalog = new Catalog(ws);
        Store store = catalog.store(job);
        String key = catalog.folder(job) + PROBE_PREFIX + HexFormat.of().formatHex(bytes(8));
        byte[] content = bytes(4096);
        long t0 = System.nanoTime();
        boolean written = false;
        try {
            store.put(key, content, op.context());
            written = true;
            byte[] back;
            try (InputStream in = store.open(key)) {
                back = in.readAllBytes();
            }
            if (!Arrays.equals(back, content)) {
                throw DbBackupException.integrity(store.describe() + " gave back " + back.length + " bytes that differ from the "
                        + content.length + " written to " + key);
            }
            store.delete(key);
            written = false;
            return new Line(job.name(), "store", ExitStatus.OK, store.describe() + ": wrote, read back and deleted "
                    + key + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        } catch (IOException | RuntimeException e) {
            if (written) {
                try {
                    store.delete(key);
                } catch (IOException | RuntimeException ignored) {
                    // said below: the probe may remain
                }
            }
            DbBackupException d = Failures.map("cannot write, read back and delete " + key + " in " + store.describe(), e);
            return failed(job, "store", d);
        }
    }

    private static Line failed(JobConfig job, String what, DbBackupException e) {
        return new Line(job.name(), what, e.status(), Redactor.redact(e.getMessage()));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
