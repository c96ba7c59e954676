package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last step of a whole SQLite restore: the checked copy renamed over the target. No stale {@code -wal} or hot
 * {@code -journal} of the replaced file may meet the new one, but they are not deleted before the rename: a rename
 * that then failed left the live database without its {@code -wal}, the transactions committed in it lost. They are
 * moved aside first ({@code NAME-wal.dbbackup-replaced-ID}, same folder, ID the restore's), the copy renamed into
 * place, then they are deleted; a failed rename moves them back and the target is unchanged. A restore killed between
 * these steps leaves them under their aside names: beside the copy ({@code .dbbackup-restore-NAME.ID}) still there,
 * the rename did not happen and they belong to the database (move them back before opening it); else they are stale.
 */
final class Swap {
    static final String ASIDE = ".dbbackup-replaced-";

    private Swap() {
    }

    /** Renames {@code temp} over {@code target} (its journals moved aside first, deleted after). */
    static void replace(Path temp, Path target, Log log) throws IOException {
        String id = temp.getFileName().toString().substring(temp.getFileName().toString().lastIndexOf('.') + 1);
        Map<Path, Path> aside = new LinkedHashMap<>();
        String step = "";
        try {
            for (Path journal : SqliteEngine.journals(target)) {
                if (Files.exists(journal, LinkOption.NOFOLLOW_LINKS)) {
                    Path away = journal.resolveSibling(journal.getFileName() + ASIDE + id);
                    step = "cannot move " + journal + " aside to " + away.getFileName();
                    rename(journal, away);
                    aside.put(journal, away);
                }
            }
            step = "cannot rename the restored copy " + temp + " over " + target;
            rename(temp, target);
        } catch (IOException | RuntimeException e) {
            throw putBack(aside, new IOException(step + ": " + reason(e), e), target, id);
        }
        for (Path away : aside.values()) {
            try {
                Files.deleteIfExists(away);
            } catch (IOException e) {
                log.warn("the replaced database's journal, moved aside, cannot be deleted: it is stale, delete it",
                        "path", away, "error", String.valueOf(e.getMessage()));
            }
        }
    }

    /**
     * Moves the journals back beside the (unchanged) target: the failure then says the target is unchanged. When one
     * cannot be moved back, the copy is kept ({@link RestoreTemp#close}: it tells the next restore that the rename did not
     * happen) and the failure says what {@link KilledRestore} will say: the state and the commands that undo or finish it.
     */
    private static IOException putBack(Map<Path, Path> aside, IOException failure, Path target, String id) {
        boolean stuck = false;
        for (Map.Entry<Path, Path> e : aside.entrySet()) {
            try {
                rename(e.getValue(), e.getKey());
            } catch (IOException | RuntimeException again) {
                stuck = true;
            }
        }
        if (!stuck) {
            try {
                return Unchanged.because(failure, target);
            } catch (IOException e) {
                return e;
            }
        }
        String state;
        try {
            state = KilledRestore.state(target, id);
        } catch (IOException | RuntimeException e) {
            state = "cannot list its folder (" + reason(e) + "): move back each " + target.getFileName() + "-*" + ASIDE
                    + id + " without the suffix before the database is opened";
        }
        return new IOException(failure.getMessage() + "; nothing was restored, but journal files of SQLite database "
                + target + " were moved aside and cannot be moved back, so its copy is kept and the next restore is "
                + "refused until that is settled: " + state, failure);
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason(); // its message repeats both names
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One rename in the target's folder: atomic (rename(2)), replacing what is there. */
    static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
