package io.dbbackup.job;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.core.DbBackupException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** age key generation and conversion for {@code dbbackup keygen}, in the age-keygen file format. */
public final class Keys {
    private Keys() {
    }

    /** A new identity: {@code text} is the key file's content, {@code recipient} its public key. */
    public record NewKey(String text, String recipient) {
        @Override
        public String toString() {
            return "NewKey[recipient=" + recipient + "]";
        }
    }

    public static NewKey generate(Instant now) {
        AgeKeys.GeneratedKey k = AgeKeys.generate();
        String text = "# created: " + now.truncatedTo(ChronoUnit.SECONDS) + "\n"
                + "# public key: " + k.recipient() + "\n"
                + k.identity() + "\n";
        return new NewKey(text, k.recipient());
    }

    /** The recipient of every identity in an identity file's text (as {@code age-keygen -y}). */
    public static List<String> recipientsOf(String identityFileText, String source) {
        try {
            return AgeKeys.parseIdentities(identityFileText).stream().map(AgeKeys::recipientOf).toList();
        } catch (AgeKeys.KeyFormatException e) {
            throw DbBackupException.user(source + ": " + e.getMessage());
        }
    }
}
