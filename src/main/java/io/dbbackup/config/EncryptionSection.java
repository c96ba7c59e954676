package io.dbbackup.config;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.core.Secret;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an {@code encryption:} section. Half-configured encryption is an error, never ignored:
 * recipients that do not parse, no recipients and no passphrase, recipients and a passphrase
 * together (age does not mix them), unreadable files, identities that do not parse.
 */
final class EncryptionSection {
    static final int MIN_WORK_FACTOR = 10;
    static final int MAX_WORK_FACTOR = 22;

    private EncryptionSection() {
    }

    /** The section under {@code key} of {@code parent}, or empty when absent (or too broken to use). */
    static Optional<EncryptionConfig> read(YamlSection parent, String key, Problems problems) {
        Optional<Node> node = parent.value(key);
        if (node.isEmpty()) {
            if (parent.keys().contains(key)) { // "encryption:" with nothing under it (all commented out, a template's empty value)
                parent.error(key, "is empty, which would write the backups in clear: give recipients (age1...), "
                        + "recipients_file, or passphrase_env / passphrase_file, or remove the key");
            }
            return Optional.empty();
        }
        YamlSection s = parent.child(key, node.get());
        if (!(node.get() instanceof org.snakeyaml.engine.v2.nodes.MappingNode)) {
            return Optional.empty(); // "expected a mapping of keys" is said; "names no key to encrypt with" would say it twice
        }
        EncryptionConfig c = parse(s, problems);
        s.reportUnknownKeys();
        return Optional.ofNullable(c);
    }

    private static EncryptionConfig parse(YamlSection s, Problems problems) {
        boolean ok = true;
        List<String> recipients = new ArrayList<>();
        boolean recipientsGiven = s.has("recipients");
        if (recipientsGiven) {
            ok &= inlineRecipients(s, problems, recipients);
        }
        boolean fileGiven = s.has("recipients_file");
        String[] recipientsProblem = {null};
        if (fileGiven) {
            ok &= recipientsFile(s, problems, recipients, recipientsProblem);
        }
        boolean passphraseGiven = s.secretGiven("passphrase");
        Optional<Secret> passphrase = s.secret("passphrase");
        ok &= passphrase.isPresent() == passphraseGiven;
        boolean identityGiven = s.secretGiven("identity");
        Optional<Secret> identity = s.secret("identity");
        ok &= identity.isPresent() == identityGiven;
        List<String> identities = List.of();
        if (identity.isPresent() && identity.get().available()) { // a command's identity is checked when it runs
            try {
                String source = identity.get().source();
                identities = AgeKeys.parseIdentities(identity.get().reveal(), source.startsWith("file ") ? source.substring(5) : "FILE");
            } catch (AgeKeys.KeyFormatException e) {
                // only decrypting needs it: a malformed identity of one job must not stop every command of the config
                String which = s.has("identity_file") ? "identity_file" : "identity_env";
                identity = Optional.of(s.unreadSecret(which, identity.get(), identity.get().source() + " " + e.getMessage()));
            }
        }
        boolean workFactorGiven = s.has("scrypt_work_factor");
        Optional<Integer> workFactor = s.integer("scrypt_work_factor", MIN_WORK_FACTOR, MAX_WORK_FACTOR);
        ok &= workFactor.isPresent() == workFactorGiven;

        if (passphraseGiven && (recipientsGiven || fileGiven)) {
            s.error(s.secretSourceKey("passphrase").orElse("passphrase_env"),
                    "give recipients or a passphrase, not both (age does not mix a passphrase with other recipients)");
            return null;
        }
        if (!passphraseGiven && !recipientsGiven && !fileGiven) {
            s.error(null, "names no key to encrypt with: set recipients (age1...), recipients_file, or passphrase_env / passphrase_file"
                    + (identityGiven ? " (an identity only decrypts; give its public key as a recipient)" : ""));
            return null;
        }
        if (workFactorGiven && !passphraseGiven) {
            s.error("scrypt_work_factor", "applies to passphrase encryption only; these backups are encrypted to recipients");
            ok = false;
        }
        if (ok && !passphraseGiven && recipients.isEmpty() && recipientsProblem[0] == null) {
            s.error(recipientsGiven ? "recipients" : "recipients_file",
                    "the recipient list is empty: backups would be encrypted to nobody");
            return null;
        }
        if (!ok) {
            return null;
        }
        if (!identities.isEmpty() && !recipients.isEmpty() && identities.stream().map(AgeKeys::recipientOf).noneMatch(recipients::contains)) {
            s.warn(s.has("identity_file") ? "identity_file" : "identity_env", "is the secret key of none of the recipients "
                    + "(a key rotated on one side only?): this host cannot decrypt the new backups: the read-back after a backup "
                    + "(verify: true) checks only their stored bytes, verify and restore of them fail (exit 1) unless given the "
                    + "secret key of one of the recipients (--identity FILE)");
        }
        if (passphraseGiven && passphrase.get().available()) {
            WeakPassphrase.why(passphrase.get().reveal()).ifPresent(why ->
                    s.warn(s.secretSourceKey("passphrase").orElse("passphrase_env"), WeakPassphrase.warning(why)));
            if (passphrase.get().reveal().startsWith("\uFEFF")) {
                s.warn(s.secretSourceKey("passphrase").orElse("passphrase_env"), WeakPassphrase.BYTE_ORDER_MARK);
            }
        } else if (passphraseGiven && passphrase.get().resolved()) {
            // a command's passphrase is read when a backup (or check, or a restore) first needs it: checked then, the
            // same warning at the same config line in that run's log
            Problem at = s.warningAt(s.secretSourceKey("passphrase").orElse("passphrase_command"), "");
            Secret command = passphrase.get();
            passphrase = Optional.of(Secret.later(command.source(), () -> {
                String value = command.reveal();
                WeakPassphrase.why(value).ifPresent(why -> io.dbbackup.core.Log.get().warn(new Problem(at.file(), at.line(),
                        at.column(), Problem.Severity.WARNING, at.message() + WeakPassphrase.warning(why)).format()));
                return value;
            }));
        }
        if (passphraseGiven) {
            // the backups would fail (a user error naming the memory) in a JVM this small: say so before the night does
            int wf = workFactor.orElse(EncryptionConfig.DEFAULT_WORK_FACTOR);
            io.dbbackup.codec.age.ScryptMemory.warning(wf).ifPresent(w -> s.warn(workFactorGiven ? "scrypt_work_factor" : null,
                    workFactorGiven ? w : w.replaceFirst("^scrypt_work_factor " + wf, "scrypt_work_factor " + wf + " (the default)")));
        }
        return new EncryptionConfig(recipients, passphrase.orElse(null), identity.orElse(null),
                workFactor.orElse(EncryptionConfig.DEFAULT_WORK_FACTOR), s.path(), recipientsProblem[0],
                identityGiven ? where(s, s.secretSourceKey("identity").orElse("identity_file")) : null);
    }

    /** {@code key} of this section and where it is: {@code jobs.app.encryption.identity_file (config.yaml line 9)}. */
    private static String where(YamlSection s, String key) {
        Problem at = s.warningAt(key, "");
        return s.path() + "." + key + " (" + at.file() + " line " + at.line() + ")";
    }

    private static boolean inlineRecipients(YamlSection s, Problems problems, List<String> out) {
        Node v = s.value("recipients").orElseThrow();
        List<Node> items = new ArrayList<>();
        if (v instanceof SequenceNode seq) {
            items.addAll(seq.getValue());
        } else if (v instanceof ScalarNode) {
            items.add(v);
        } else {
            problems.error(v, s.path() + ".recipients: expected a list of age recipients (age1...), got " + YamlSection.describe(v));
            return false;
        }
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String at = s.path() + ".recipients" + (v instanceof SequenceNode ? "[" + i + "]" : "");
            if (!(item instanceof ScalarNode sc) || YamlSection.isNull(item) || sc.getValue().isBlank()) {
                problems.error(item, at + ": expected an age recipient (age1...), got " + (YamlSection.isNull(item) ? "nothing" : YamlSection.describe(item)));
                ok = false;
                continue;
            }
            try {
                out.add(AgeKeys.checkRecipient(sc.getValue()));
            } catch (AgeKeys.KeyFormatException e) {
                problems.error(item, at + ": " + e.getMessage());
                ok = false;
            }
        }
        return ok;
    }

    /**
     * The recipients of {@code recipients_file}. A file that cannot be read here is a problem of the backups that
     * encrypt with it only ({@code problem[0]}, when the config defers secrets), as a secret's file is: a ConfigMap
     * renamed for one job, or a config copied to a restore host without it, must not stop every job's work.
     */
    private static boolean recipientsFile(YamlSection s, Problems problems, List<String> out, String[] problem) {
        Optional<Path> file = s.path("recipients_file");
        if (file.isEmpty()) {
            s.errorAtValue("recipients_file", "must name a file");
            return false;
        }
        Path p = file.get();
        // an age secret key pasted in place of the file's name (so no such file) is not repeated
        String shown = !YamlSection.holdsAgeSecretKey(s.string("recipients_file").orElse("")) ? p.toString()
                : "the file named in recipients_file (its name is not shown: is it the secret itself?)";
        Optional<String> unreadable = YamlSection.notAFile(p, shown, "recipients");
        if (unreadable.isPresent()) {
            problem[0] = s.unreadFile("recipients_file", unreadable.get());
            return true;
        }
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            // age-keygen -y key.txt > recipients.txt in Windows PowerShell 5 writes UTF-16
            problem[0] = s.unreadFile("recipients_file", shown + " " + (YamlSection.isUtf16(p) ? YamlSection.UTF16
                    : "is not a text file (not UTF-8): a recipients file holds age1... lines"));
            return true;
        } catch (IOException | SecurityException e) {
            problem[0] = s.unreadFile("recipients_file", "cannot read " + shown + " (" + YamlSection.reason(e) + ")"
                    + (shown.equals(p.toString()) && e instanceof java.nio.file.NoSuchFileException ? FolderNames.forMissing(p) : ""));
            return true;
        }
        try {
            List<String> found = AgeKeys.parseRecipients(text);
            if (found.isEmpty()) {
                s.errorAtValue("recipients_file", p + " holds no recipients (age1... lines)");
                return false;
            }
            out.addAll(found);
            return true;
        } catch (AgeKeys.KeyFormatException e) {
            s.errorAtValue("recipients_file", p + " " + e.getMessage());
            return false;
        }
    }
}
