package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A local store's file failure loses "local store ROOT: " only after words that name that very folder. */
class LocalFileStoreWordsTest {
    @Test
    void theStoreWordsGoOnlyWhereTheContextNamesItsFolder() {
        LocalFileException e = (LocalFileException) FileFailure.ofStore(Path.of("/srv/backups"), "write",
                Path.of("/srv/backups/app/k"), new IOException("No space left on device"));
        String said = e.getMessage();

        assertThat(said).isEqualTo("local store /srv/backups: cannot write /srv/backups/app/k: No space left on device");
        assertThat(e.saidOnce("copy of app/k to local /srv/backups failed", said))
                .isEqualTo("cannot write /srv/backups/app/k: No space left on device");
        assertThat(e.saidOnce("cannot pin app/k in local /srv/backups", said))
                .isEqualTo("cannot write /srv/backups/app/k: No space left on device");
        // another folder whose name begins with it, or none: kept
        assertThat(e.saidOnce("copy of app/k to local /srv/backups2 failed", said)).isEqualTo(said);
        assertThat(e.saidOnce("backup of sqlite /db/app.db failed", said)).isEqualTo(said);
        assertThat(new LocalFileException("cannot write /x: y", null).saidOnce("in /x", "cannot write /x: y"))
                .isEqualTo("cannot write /x: y");
    }
}
