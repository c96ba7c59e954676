package io.dbbackup.config;

import java.util.Optional;

/**
 * Why an encryption passphrase is weak, if it is: short, or a single word. Such a passphrase is guessed offline by
 * anyone who holds a backup, and since every secret is masked wherever it appears in output, a common word garbles
 * every log line and message that happens to hold it. The warning that says so never shows the passphrase.
 */
final class WeakPassphrase {
    static final int MIN_LENGTH = 10;
    /** Letters only at this length or longer are taken for random, not for a word. */
    static final int WORD_LENGTH = 20;

    /**
     * A passphrase that begins with U+FEFF (a file saved as "UTF-8 with BOM"): the invisible mark is part of it, so no
     * one can type it; backups made with it open only with that very file (never changed: it would change the key).
     */
    static final String BYTE_ORDER_MARK = "begins with a byte order mark (U+FEFF, invisible: the file was saved as 'UTF-8 with "
            + "BOM'), which is part of the passphrase: the backups open with this file, but not with the passphrase typed "
            + "into 'age -d' or a copy saved without the mark; keep the file as it is for the backups made with it, and for "
            + "new ones give a passphrase file saved as UTF-8 without BOM";

    private WeakPassphrase() {
    }

    /** Why {@code passphrase} is weak ("7 characters", "a single word"), or empty when it is not. */
    static Optional<String> why(String passphrase) {
        String p = passphrase.strip();
        if (p.length() < MIN_LENGTH) {
            return Optional.of(p.length() + " characters");
        }
        if (p.length() < WORD_LENGTH && p.matches("\\p{L}+[0-9!?.]*")) { // 32 random letters are no word
            return Optional.of("a single word");
        }
        return Optional.empty();
    }

    /** The warning for a weak passphrase, without it. */
    static String warning(String why) {
        return "the passphrase is weak (" + why + "): whoever holds an encrypted file can guess it offline, and as every "
                + "secret is masked wherever it appears in output, each occurrence of that text in logs, errors and "
                + "notifications shows as ***; use a long random passphrase (e.g. 'openssl rand -base64 32'), or age "
                + "recipients (a key pair from the keygen command)";
    }
}
