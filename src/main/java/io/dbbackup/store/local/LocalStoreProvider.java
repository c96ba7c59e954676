package io.dbbackup.store.local;

import io.dbbackup.core.FilePermissions;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;

import java.nio.file.Path;
import java.util.Optional;

/** {@code type: local}: a folder on this machine (or a mounted volume). */
public final class LocalStoreProvider implements StoreProvider {
    @Override
    public String type() {
        return "local";
    }

    @Override
    public Store create(ConfigSection section) {
        Path root = section.path("path").orElse(null);
        if (root == null && !section.has("path")) {
            section.error("path", "missing required key 'path' (the folder backups are written to)");
            return null;
        }
        boolean fsync = section.bool("fsync").orElse(true);
        Optional<FilePermissions> mode = section.fileMode();
        return root == null || mode.isEmpty() ? null : new LocalStore(root, fsync, mode.get());
    }
}
