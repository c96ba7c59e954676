package io.dbbackup.job;

import java.nio.file.Path;
import io.dbbackup.core.ShellWords;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code restore_command} a point-in-time restore writes into {@code postgresql.auto.conf} (and prints): how the
 * restored server runs {@code wal-fetch}, as PostgreSQL reads it — {@code %f} and {@code %p} where it puts the file name
 * and destination, and a literal '%' of the command doubled (PostgreSQL replaces {@code %f}, {@code %p}, {@code %r}
 * and {@code %%} anywhere in it, so a jar or config under {@code /srv/50%full/} reaches the shell as written).
 *
 * <p>PostgreSQL takes an exit status of 1 to 125 for "not in the archive", ends recovery and promotes; above 125 it
 * stops recovery. A dbbackup that never ran — the jar moved by an upgrade, a JVM that cannot reserve its heap (both
 * exit 1), a {@code docker run} whose daemon failed (125) — must stop it, so {@code wal-fetch} says "not in the
 * archive" with {@value #NOT_ARCHIVED_EXIT}, a status neither a JVM nor a shell uses, and the command ends in a POSIX
 * {@code case} that turns it into 1, keeps 0 and makes every other status 255.
 */
public final class RestoreCommand {
    /** wal-fetch's {@code --not-archived-exit} in the restore_command: no status a JVM, a shell or dbbackup uses otherwise. */
    public static final int NOT_ARCHIVED_EXIT = 99;

    private RestoreCommand() {
    }

    /**
     * {@code (<dbbackupCommand> -c <config> wal-fetch --job <job> --stop-recovery-on-error --not-archived-exit 99
     * [walFetchArgs] %f %p); case $? in 0) exit 0;; 99) exit 1;; *) exit 255;; esac}; {@code dbbackupCommand} is shell
     * text (e.g. {@code /usr/bin/java -jar /opt/dbbackup/dbbackup.jar}), the rest is quoted word by word. The command
     * runs in a subshell: one that starts with {@code exec} (or ends the shell otherwise) still reaches the {@code case}.
     */
    public static String of(String dbbackupCommand, Path config, String job, List<String> walFetchArgs) {
        List<String> words = new ArrayList<>(List.of("-c", config.toAbsolutePath().normalize().toString(), "wal-fetch", "--job", job,
                "--stop-recovery-on-error", "--not-archived-exit", String.valueOf(NOT_ARCHIVED_EXIT)));
        words.addAll(walFetchArgs);
        String walFetch = dbbackupCommand.strip() + " " + ShellWords.join(words);
        return "(" + walFetch.replace("%", "%%") + " %f %p); case $? in 0) exit 0;; " + NOT_ARCHIVED_EXIT + ") exit 1;; *) exit 255;; esac";
    }
}
