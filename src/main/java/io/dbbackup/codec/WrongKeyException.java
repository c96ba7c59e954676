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
    private final int recipientStanzas;

    /**
     * @param tried            what was tried, e.g. {@code identity age1...}, {@code the passphrase from env VAR}
     * @param triedRecipients  the public keys ({@code age1...}) of the identities tried
     * @param recipientStanzas what the file's header holds: the number of its X25519 stanzas (one per recipient), 0 for
     *                         a passphrase (scrypt) file, -1 when not known
     */
    public WrongKeyException(List<String> tried, List<String> triedRecipients, int recipientStanzas, Throwable cause) {
        this("not encrypted to any key given (tried " + String.join(", ", tried) + ")", tried, triedRecipients,
                recipientStanzas, cause);
    }

    public WrongKeyException(List<String> tried, List<String> triedRecipients, Throwable cause) {
        this(tried, triedRecipients, -1, cause);
    }

    private WrongKeyException(String message, List<String> tried, List<String> triedRecipients, int recipientStanzas,
                              Throwable cause) {
        super(message, cause);
        this.tried = List.copyOf(tried);
        this.triedRecipients = List.copyOf(triedRecipients);
        this.recipientStanzas = recipientStanzas;
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
        boolean passphrase = recipients == null ? recipientStanzas == 0 : recipients.equals(List.of("passphrase"));
        String encryptedFor = recipients == null ? "; whom it was encrypted for is not recorded"
                : "; it was encrypted for " + (passphrase ? "a passphrase" : String.join(", ", recipients));
        return new WrongKeyException(file + " is not encrypted to any key given: tried " + String.join(", ", tried) + encryptedFor
                + nextStep(passphrase, recipients), tried, triedRecipients, recipientStanzas, this);
    }

    /**
     * What the person at the keyboard brings next, from the manifest's {@code recipients} or else from what the header
     * holds (a manifest may be lost or older): its passphrase in a variable, or the identity file of one of its
     * recipients. Never a key's value.
     */
    private String nextStep(boolean passphrase, List<String> recipients) {
        if (passphrase) {
            boolean passphrasesTried = tried.stream().anyMatch(t -> t.startsWith("the passphrase"));
            return (recipients == null ? " (its header holds a passphrase)" : "") + ": pass " + (passphrasesTried ? "the right"
                    : "its") + " passphrase with --passphrase-env VAR (the name of an environment variable holding it; repeatable)";
        }
        int count = recipients != null ? recipients.size() : recipientStanzas;
        if (count < 0) {
            return ": pass the key that opens it with --identity FILE or --passphrase-env VAR (both repeatable)";
        }
        return (recipients == null ? " (its header holds " + (count == 1 ? "1 recipient" : count + " recipients") + ")" : "")
                + ": pass " + (count == 1 ? "its identity file" : "the identity file of one of them")
                + " (AGE-SECRET-KEY-1... lines) with --identity FILE (repeatable)";
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
