package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.LockFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a whole restore killed inside {@link Swap}, or failed there unable to move a journal back, left beside its target: the target's journals under their aside names
 * ({@code NAME-wal.dbbackup-replaced-ID}). The files present tell the state: the restore's copy
 * ({@code .dbbackup-restore-NAME.ID}) still there means no rename (the target is the old database, its journals aside);
 * the copy gone but its lock file there means the rename happened (the asides are the replaced database's, stale);
 * neither means it cannot be told (the copy was removed since, or a failed rename could not move a journal back).
 * A restore, in part or whole, and its dry run are refused until a DBA has finished or undone it with the commands
 * the error gives: nothing here deletes or moves an aside journal (it may hold committed transactions, and an
 * application may have opened the database since).
 */
final class KilledRestore {
    private KilledRestore() {
    }

    /**
     * Throws (exit 2) when a restore into {@code target} that is no longer running left journals aside. The files do
     * not tell a kill from a failed rename (both leave the copy and an unheld {@code .lock}): the words name both.
     */
    static void refuseIfAny(Path target) {
        Map<String, List<Path>> asideById;
        try {
            asideById = asidesById(target);
        } catch (IOException e) {
            return; // a folder that cannot be listed fails the restore itself, with its own words
        }
        for (Map.Entry<String, List<Path>> e : asideById.entrySet()) {
            Path copy = copy(target, e.getKey());
            Path lock = lock(copy);
            if (running(lock)) {
                continue; // that restore is alive, between its renames
            }
            throw DbBackupException.system("SQLite database " + target + ": a restore into it (" + e.getKey() + ") did "
                    + "not finish (killed, or failed with journal files it could not move back) and nothing was restored "
                    + "now; " + state(target, e.getKey(), e.getValue()));
        }
    }

    /**
     * What restore {@code id}, which failed or was killed with {@code target}'s journals aside, left: its state and the
     * commands that undo or finish it. The failed restore says it with the same words as the next one's refusal.
     */
    static String state(Path target, String id) throws IOException {
        return state(target, id, asidesById(target).getOrDefault(id, List.of()));
    }

    /** The journals of {@code target} under their aside names, by the id of the restore that moved them, sorted. */
    static Map<String, List<Path>> asidesById(Path target) throws IOException {
        Path dir = target.getParent();
        String name = target.getFileName().toString();
        Map<String, List<Path>> asideById = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(name + "-"))) {
            for (Path p : entries) {
                String file = p.getFileName().toString();
                for (Path journal : SqliteEngine.journals(target)) {
                    String prefix = journal.getFileName() + Swap.ASIDE;
                    if (file.startsWith(prefix) && file.length() > prefix.length()) {
                        asideById.computeIfAbsent(file.substring(prefix.length()), id -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
        asideById.values().forEach(java.util.Collections::sort);
        return asideById;
    }

    private static Path copy(Path target, String id) {
        return target.resolveSibling(RestoreTemp.PREFIX + target.getFileName() + "." + id);
    }

    private static Path lock(Path copy) {
        return copy.resolveSibling(copy.getFileName() + RestoreTemp.LOCK);
    }

    private static boolean running(Path lock) {
        if (!Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return !LockFile.whileUnheld(lock, false, () -> { });
        } catch (IOException e) {
            return false;
        }
    }

    private static String state(Path target, String id, List<Path> asides) {
        Path copy = copy(target, id);
        Path lock = lock(copy);
        List<Path> journals = asides.stream().map(a -> a.resolveSibling(a.getFileName().toString()
                .substring(0, a.getFileName().toString().length() - Swap.ASIDE.length() - id.length()))).toList();
        List<Path> made = journals.stream().filter(j -> Files.exists(j, LinkOption.NOFOLLOW_LINKS)).toList();
        List<Path> copyLeft = new ArrayList<>();
        for (Path p : SqliteEngine.journals(copy)) { // the integrity check's read-only open leaves them, empty
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                copyLeft.add(p);
            }
        }
        if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
            copyLeft.add(lock);
        }
        String opened = made.isEmpty() ? "" : " But " + String.join(", ", made.stream().map(Path::toString).toList())
                + " were made since (an application opened the database without the journals set aside): do not move "
                + "those back over them, stop the application and keep every file for a human to judge.";
        String undo = "with the application stopped, " + mv(asides, journals);
        if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> finish = new ArrayList<>(asides);
            finish.addAll(copyLeft);
            finish.addAll(SqliteEngine.journals(target)); // one moved back or made since is the replaced database's
            List<Path> drop = new ArrayList<>(copyLeft);
            drop.add(0, copy);
            return "it stopped before its rename: " + target + " is the database as it was, but its journal "
                    + "files are moved aside and hold transactions it misses until they are back." + opened
                    + " To undo (keep the database as it was), " + undo + " && " + rm(drop) + "; to finish that restore "
                    + "instead (its copy was checked): mv '" + copy + "' '" + target + "' && " + rm(finish);
        }
        if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> finish = new ArrayList<>(asides);
            finish.addAll(copyLeft);
            return "it stopped after its rename: " + target + " is the restored database, and the journal files "
                    + "set aside belong to the database it replaced (gone: no undo) and are stale. To finish: "
                    + rm(finish);
        }
        List<Path> stale = new ArrayList<>(asides);
        stale.addAll(copyLeft);
        return "its copy is gone, so whether it was renamed over " + target + " cannot be told from the files. If "
                + target + " holds the restored backup, the journal files set aside are stale: " + rm(stale)
                + "; if it is the database as it was, they hold transactions it misses: " + undo + "." + opened;
    }

    private static String mv(List<Path> from, List<Path> to) {
        List<String> moves = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            moves.add("mv -n '" + from.get(i) + "' '" + to.get(i) + "'");
        }
        return String.join(" && ", moves);
    }

    private static String rm(List<Path> files) {
        return "rm -f " + String.join(" ", files.stream().map(p -> "'" + p + "'").toList());
    }
}
