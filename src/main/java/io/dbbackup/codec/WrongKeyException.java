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
    private String finding; // of about(): the message without its next step

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
     * manifest records them ({@code age1...}, or {@code passphrase}), null when not recorded (the header then tells what
     * it can). Ends with what the person at the keyboard brings next (never a key's value).
     */
    public WrongKeyException about(String file, List<String> recipients) {
        String finding = withoutNextStep(file, recipients);
        WrongKeyException about = new WrongKeyException(finding + encryptedFor(recipients).nextStep(
                tried.stream().anyMatch(t -> t.startsWith("the passphrase"))), tried, triedRecipients, recipientStanzas, this);
        about.finding = finding;
        return about;
    }

    /**
     * What was found, without the command-line option to pass next: for a command that takes none ({@code backup}'s
     * read-back with the job's own identity), which names its config key instead.
     */
    public String finding() {
        return finding == null ? getMessage() : finding;
    }

    /** The first {@link WrongKeyException} of {@code e} and its causes, or null. */
    public static WrongKeyException of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WrongKeyException w) {
                return w;
            }
        }
        return null;
    }

    /** As {@link #about}, without what to bring next. */
    private String withoutNextStep(String file, List<String> recipients) {
        return file + " is not encrypted to any key given: tried " + String.join(", ", tried) + encryptedFor(recipients).said();
    }

    /** Whom the file was encrypted for: {@code recipients} as a manifest records them, else what its header holds. */
    public EncryptedFor encryptedFor(List<String> recipients) {
        return new EncryptedFor(recipients, recipients == null ? recipientStanzas : -1);
    }

    /** Whether {@code e} or one of its causes is a {@link WrongKeyException}. */
    public static boolean in(Throwable e) {
        return of(e) != null;
    }
}
