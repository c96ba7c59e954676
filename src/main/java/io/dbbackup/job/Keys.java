package io.dbbackup.job;

import io.dbbackup.codec.age.AgeKeys;

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

    /** The recipient of every identity in identity file {@code file} (as {@code age-keygen -y}). */
    public static List<String> recipientsOf(java.nio.file.Path file) {
        return IdentityFile.identities(file, null).stream().map(AgeKeys::recipientOf).toList();
    }
}
