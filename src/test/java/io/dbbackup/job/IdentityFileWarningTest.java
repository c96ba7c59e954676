package io.dbbackup.job;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.core.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The warning about an {@code --identity} file others can read: once per run, naming the fix that works where it is. */
class IdentityFileWarningTest {
    @TempDir
    Path dir;

    private final StringWriter logText = new StringWriter();
    private final Log log = new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC());

    private static String key() {
        return AgeKeys.generate().identity() + "\n";
    }

    /** verify --all --identity FILE reads the file for every job: a 30-job config printed the same warning 30 times. */
    @Test
    void aSharedIdentityFileIsWarnedAboutOncePerRunNotOncePerJob() throws Exception {
        Path f = Files.writeString(dir.resolve("key.txt"), key());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        for (int job = 0; job < 3; job++) {
            assertThat(IdentityFile.identities(f, log)).hasSize(1);
        }
        assertThat(logText.toString().lines().filter(l -> l.contains("readable by other users")))
                .singleElement().asString().contains("chmod 600 " + f);
    }

    /** A Kubernetes secret volume without defaultMode (0644, {@code key -> ..data/key}): chmod cannot be run there. */
    @Test
    void anIdentityOnAKubernetesSecretVolumeNamesDefaultMode() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("secrets"));
        Path stamped = Files.createDirectory(volume.resolve("..2026_12_03_21_04_11.123456789"));
        Path real = Files.writeString(stamped.resolve("age-key"), key());
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(volume.resolve("..data"), stamped.getFileName());
        Files.createSymbolicLink(volume.resolve("age-key"), Path.of("..data/age-key"));
        assertThat(IdentityFile.identities(volume.resolve("age-key"), log)).hasSize(1);
        assertThat(logText.toString()).contains("Kubernetes secret volume").contains("defaultMode: 0400").doesNotContain("chmod 600");
    }
}
