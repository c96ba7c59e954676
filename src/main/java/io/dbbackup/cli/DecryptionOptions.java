package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import io.dbbackup.job.DecryptionKeys;
import io.dbbackup.job.IdentityFile;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --identity FILE} / {@code --passphrase-env VAR} for commands that read encrypted backups. */
final class DecryptionOptions {
    @Option(names = "--identity", paramLabel = "FILE", converter = FileNames.NonEmptyPath.class,
            description = "age identity file (AGE-SECRET-KEY-1... lines, e.g. from 'dbbackup keygen') to decrypt with; repeatable.")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Name of the environment variable holding the passphrase to decrypt with (never the passphrase itself);"
                    + " repeatable (the passphrases of before a rotation).")
    List<String> passphraseEnvs = new ArrayList<>();

    /** The keys given; an identity file others can read is warned of now, before any job's work, naming no job. */
    DecryptionKeys keys(Main main, Workspace ws) {
        List<Secret> passphrases = new ArrayList<>();
        List<String> variables = new ArrayList<>();
        for (String passphraseEnv : passphraseEnvs) {
            String value = main.env().get(passphraseEnv);
            if (value == null || value.isBlank()) {
                // a name no shell could set is more likely the passphrase itself, typed where its variable's name belongs
                boolean aName = passphraseEnv.matches("[A-Za-z_][A-Za-z0-9_]*");
                throw DbBackupException.user("--passphrase-env: environment variable " + (aName ? passphraseEnv
                        : "given (its name is not shown: it is not a variable name; is it the passphrase itself?)") + " is "
                        + (value == null ? "not set" : value.isEmpty() ? "empty" : "only white space"));
            }
            if (!variables.contains(passphraseEnv)) {
                passphrases.add(new Secret(value, "env " + passphraseEnv));
                variables.add(passphraseEnv);
            }
        }
        List<Path> files = identities.stream().map(p -> main.workingDir().resolve(p)).toList();
        IdentityFile.warnIfShared(files, ws.log());
        return new DecryptionKeys(files, passphrases, variables);
    }
}
