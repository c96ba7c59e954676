package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenFilesTest {
    @Test
    void tooManyOpenFilesNamesTheLimitToRaiseOnce() {
        DbBackupException e = DbBackupException.system("cannot connect to PostgreSQL app: psql failed: cannot start psql: "
                + "Cannot run program \"/usr/bin/stdbuf\": error=24, Too many open files");
        assertThat(e.getMessage()).startsWith("cannot connect to PostgreSQL app: psql failed: cannot start psql: Cannot run "
                + "program \"/usr/bin/stdbuf\": error=24, Too many open files: this process reached its limit on open files "
                + "(ulimit -n: " + OpenFiles.limit() + "): raise it (ulimit -n in the calling shell, LimitNOFILE= in a systemd "
                + "unit, docker run --ulimit nofile=) or run fewer jobs at once (--parallel)");
        // wrapped again (a job's context around a step's failure): the hint is not repeated
        DbBackupException wrapped = DbBackupException.system("job app failed: " + e.getMessage(), e);
        assertThat(wrapped.getMessage()).isEqualTo("job app failed: " + e.getMessage());

        assertThat(DbBackupException.system("cannot open x: Too many open files in system").getMessage())
                .endsWith("the system's limit on open files was reached (sysctl fs.file-max): close what holds them or raise it");
        assertThat(DbBackupException.system("connection refused").getMessage()).isEqualTo("connection refused");
        // jspawnhelper that could not load libc for want of a descriptor: the JDK says only this
        assertThat(DbBackupException.system("psql failed: cannot start psql: Cannot run program \"/usr/bin/stdbuf\": error=0, "
                + "Failed to exec spawn helper: pid: 9540, exit value: 127").getMessage()).endsWith("exit value: 127: the JDK's "
                + "helper that starts programs could not run; when this comes with \"Error 24\" on stderr, this process reached "
                + "its limit on open files (ulimit -n: " + OpenFiles.limit() + "): raise it or run fewer jobs at once (--parallel)");
        assertThat(OpenFiles.limit()).matches("\\d+|unlimited");
    }
}
