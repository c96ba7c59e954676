package io.dbbackup.codec;

import java.io.IOException;
import java.util.List;

/**
 * An encrypted file's header parses, but none of the identities or passphrases given unwraps any of its stanzas: a key
 * problem (exit 1), not damage. Names what was tried without a secret: each identity by its public key, a passphrase by
 * where it came from.
 */
public class WrongKeyException extends IOException {
    private final List<String> tried;
    private final List<String> triedRecipients;

    /**
     * @param tried           what was tried, e.g. {@code identity age1...}, {@code the passphrase from env VAR}
     * @param triedRecipients the public keys ({@code age1...}) of the identities tried
     */
    public WrongKeyException(List<String> tried, List<String> triedRecipients, Throwable cause) {
        this("not encrypted to any key given (tried " + String.join(", ", tried) + ")", tried, triedRecipients, cause);
    }

    private WrongKeyException(String message, List<String> tried, List<String> triedRecipients, Throwable cause) {
        super(message, cause);
        this.tried = List.copyOf(tried);
        this.triedRecipients = List.copyOf(triedRecipients);
    }

    /** The public keys of the identities tried. */
    public List<String> triedRecipients() {
        return triedRecipients;
    }

    /**
     * The same failure as a one-line message naming {@code file} and whom it was encrypted for: {@code recipients} as a
     * manifest records them ({@code age1...}, or {@code passphrase}), null when not recorded.
     */
    public WrongKeyException about(String file, List<String> recipients) {
        String encryptedFor = recipients == null ? "; whom it was encrypted for is not recorded"
                : "; it was encrypted for " + (recipients.equals(List.of("passphrase")) ? "a passphrase" : String.join(", ", recipients));
        return new WrongKeyException(file + " is not encrypted to any key given: tried " + String.join(", ", tried) + encryptedFor,
                tried, triedRecipients, this);
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
