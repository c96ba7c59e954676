package io.dbbackup.job;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.TargetState;

/**
 * The confirmation rule of every command that replaces a database ({@code restore}, {@code sync}): a
 * target that holds anything is only touched after a yes on a terminal or {@code --auto-confirm};
 * without a terminal the command refuses (exit 1) and nothing is changed.
 */
final class Overwrite {
    private Overwrite() {
    }

    /**
     * Returns normally when the command may go on; throws a user error otherwise.
     *
     * @param what     the command's noun for the messages, e.g. "restore"
     * @param from     what the command copies in, e.g. "backup" (a target it adds to: an object it holds too fails it)
     * @param question what is asked on the terminal (the target's state is appended)
     */
    static void confirm(Confirmer confirmer, boolean autoConfirm, TargetState state, String target, String what,
                        String from, String question) {
        if (state.isEmpty() || autoConfirm) {
            return;
        }
        String clean = state.withoutClean(what, from);
        if (!confirmer.interactive()) {
            throw DbBackupException.user((clean.isEmpty() ? "refusing to overwrite " : "refusing to " + what + " into ") + target
                    + " (" + state.description() + ") without confirmation: no terminal to ask; pass --auto-confirm"
                    + (clean.isEmpty() ? "" : " (" + clean + ")"));
        }
        if (!confirmer.confirm(question + " " + state.description()
                + (clean.isEmpty() ? " and will be overwritten." : "; " + clean + "."))) {
            throw DbBackupException.user(what + " declined; nothing was changed");
        }
    }
}
