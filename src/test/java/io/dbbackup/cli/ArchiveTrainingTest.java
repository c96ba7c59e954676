package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run the launcher's class-data archive is made from really goes down the S3 path a backup takes: a
 * multipart upload to the endpoint inside the process, its listing and a verification that reads it back
 * all succeed (an archive trained on failures holds only the start of that path). The launcher's own\n * training config used to be checked for validity only; it is now this class's resource, run here.
 */
class ArchiveTrainingTest {
    @Test
    void theTrainingBacksUpToItsS3EndpointInPartsListsAndVerifiesIt(@TempDir Path work) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ArchiveTraining.Result r = ArchiveTraining.run(Path.of("examples/shop.db"), work,
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(r.codes()).as("exit codes of %s; stderr: %s", ArchiveTraining.COMMAND_LINES, err)
                .hasSize(4).startsWith(0, 0, 0);
        assertThat(r.codes().get(3)).as("nothing listens for the last line's jobs").isNotZero();
        assertThat(r.multipartUploads()).isEqualTo(1);
        assertThat(out.toString()).contains("ok training/training-").contains("6.0 MiB  training/training-");
    }

    /** The launcher runs this training (its config is a resource of the jar, checked above). */
    @Test
    void theLauncherTrainsItsArchiveWithThisClass() throws Exception {
        Path repo = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
        String launcher = java.nio.file.Files.readString(repo.resolve("bin/dbbackup"));
        assertThat(launcher).containsPattern("-XX:ArchiveClassesAtExit=\"\\$tmp/dbbackup.jsa\"[^\\n]*\\\\\\n\\s*-cp \"\\$jar\" "
                + ArchiveTraining.class.getName().replace(".", "\\.") + " \"\\$here/examples/shop.db\" \"\\$tmp\"");
    }
}
