package io.dbbackup.core;

import java.io.IOException;

/**
 * A file on a local disk that dbbackup writes (its scratch folder, a restore's target, a download's destination, a local
 * store) could not be written or made, said with the file ({@link FileFailure}). A fault of that disk, never a finding
 * about a backup: a check that meets it could not run, and removes nothing.
 */
public final class LocalFileException extends IOException {
    /** The words of the message that name the local store ({@code local store ROOT: }); null: it names none. */
    private final String storeWords;
    /** That store's folder, as its words say it; null: none. */
    private final String root;

    public LocalFileException(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    /** One whose {@code message} opens with {@code storeWords}, which name the local store in folder {@code root}. */
    public LocalFileException(String message, Throwable cause, String storeWords, String root) {
        super(message, cause);
        this.storeWords = storeWords;
        this.root = root;
    }

    /**
     * {@code said} without the words that name the store where {@code context} names it by its folder ({@code copy of K
     * to local /srv/backups failed: cannot write /srv/backups/app/K: …}, not {@code …: local store /srv/backups: cannot
     * write …}); as it is otherwise.
     */
    public String saidOnce(String context, String said) {
        if (storeWords == null) {
            return said;
        }
        for (int i = context.indexOf(root); i >= 0; i = context.indexOf(root, i + 1)) {
            int end = i + root.length();
            // the folder itself, not one whose name begins with it (/srv/backups2)
            if (end == context.length() || " :(),;".indexOf(context.charAt(end)) >= 0) {
                return said.replace(storeWords, "");
            }
        }
        return said;
    }

    /** Whether {@code t} or one of its causes is one. */
    public static boolean in(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof LocalFileException) {
                return true;
            }
        }
        return false;
    }
}
