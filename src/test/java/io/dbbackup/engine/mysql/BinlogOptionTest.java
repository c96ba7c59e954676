package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dbbackup check}'s binlog position line: recorded or not, and if not, why and how to get it. */
class BinlogOptionTest {
    @Test
    void extraArgsNameTheOptionAsTheToolReadsThem() {
        assertThat(BinlogOption.askedInExtraArgs(List.of("--quick"))).isEmpty();
        assertThat(BinlogOption.askedInExtraArgs(List.of("--source-data=2"))).contains(true);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--Master_Data=2"))).contains(true);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--loose-master-data=2"))).contains(true);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--master-data=0"))).contains(false);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--skip-source-data"))).contains(false);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--source-data=2", "--source-data=0"))).contains(false);
        assertThat(BinlogOption.askedInExtraArgs(List.of("--mast=2"))).isEmpty(); // too short to be read as it
    }

    private static String note(boolean logBin, boolean lockFree, String option, String tool, List<String> extraArgs) {
        return BinlogOption.checkNote(logBin, lockFree, option, tool, extraArgs).detail();
    }

    @Test
    void theLineSaysWhetherTheBackupRecordsThePositionAndIfNotWhyAndHow() {
        assertThat(note(false, true, "--master-data=2", "mariadb-dump", List.of()))
                .startsWith("not recorded: the server writes no binary log (log_bin is OFF)").contains("start the server with log_bin")
                .doesNotContain("stops");
        assertThat(note(true, true, "--master-data=2", "mariadb-dump", List.of()))
                .startsWith("recorded: mariadb-dump reads it from its consistent snapshot (--master-data=2: no lock");
        assertThat(note(true, true, "--master-data=2", "mariadb-dump", List.of("--master-data=0")))
                .isEqualTo("not recorded: extra_args turn it off (--master-data=0)");
        assertThat(note(true, true, "--master-data=2", "mariadb-dump", List.of("--dump-slave=2")))
                .startsWith("not recorded: extra_args' --dump-slave/--dump-replica");
        // MySQL without the extra arg: why (the lock) and how (the option of this mysqldump, the grant)
        assertThat(note(true, false, "--source-data=2", "mysqldump", List.of()))
                .startsWith("not recorded: with mysqldump, or a MySQL server, mysqldump takes it only under FLUSH TABLES WITH READ LOCK")
                .contains("add extra_args: [--source-data=2] and grant the backup account RELOAD, REPLICATION CLIENT ON *.*");
        assertThat(note(true, false, "--source-data=2", "mysqldump", List.of("--source-data=2")))
                .startsWith("recorded, as extra_args ask: mysqldump takes it under FLUSH TABLES WITH READ LOCK");
        assertThat(note(false, false, "--source-data=2", "mysqldump", List.of("--source-data=2")))
                .startsWith("extra_args ask for it (--source-data=2) but the server writes no binary log (log_bin is OFF): "
                        + "mysqldump stops").contains("the backup fails");
        assertThat(BinlogOption.checkNote(false, true, "--master-data=2", "mariadb-dump", List.of("--master-data=2")).ok())
                .isFalse();
        assertThat(BinlogOption.checkNote(false, true, "--master-data=2", "mariadb-dump", List.of()).ok()).isTrue();
    }
}
