package io.dbbackup.codec;

/**
 * None of the identities or passphrases given opens an encrypted file (or its header is damaged, which age cannot tell
 * apart): an integrity failure, but one that an older backup made with the same key would repeat.
 */
public class WrongKeyException extends IntegrityException {
    public WrongKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} or one of its causes is a {@link WrongKeyException}. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WrongKeyException) {
                return true;
            }
        }
        return false;
    }
}
