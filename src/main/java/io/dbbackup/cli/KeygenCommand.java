package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.FilePermissions;
import io.dbbackup.job.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

@Command(name = "keygen", mixinStandardHelpOptions = true, description = {"Generate an age X25519 identity (secret key) and its recipient (public key), like age-keygen.",
        "Put the recipient into 'encryption.recipients'; keep the identity away from the machine that makes backups."})
final class KeygenCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", converter = FileNames.NonEmptyPath.class,
            description = "Write the identity to FILE (created with mode 0600, never overwritten) and print only the public key.")
    Path output;

    @Option(names = "-y", paramLabel = "FILE", converter = FileNames.NonEmptyPath.class, description = "Print the recipient of each identity in FILE instead (like age-keygen -y).")
    Path convert;

    /**
     * {@code dbbackup keygen > key.txt} under the usual umask makes a file every user can read: said on stderr, as
     * age-keygen does (the key is still written: the user asked for it there).
     */
    private void warnIfReadableByOthers(java.util.Optional<Path> stdout) {
        if (stdout.isEmpty() || !Files.isRegularFile(stdout.get())) {
            return;
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(stdout.get());
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                String message = "writing the secret key to a file other users can read (" + PosixFilePermissions.toString(perms)
                        + "): chmod 600 it, or use -o FILE, which creates it 0600";
                if (root.logFormat == io.dbbackup.core.Log.Format.JSON) {
                    root.log().warn(message); // a log pipeline reads every stderr line as an object
                } else {
                    root.err.println("warning: " + message); // as age-keygen words it
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // cannot tell: no warning
        }
    }

    @Override
    public Integer call() {
        if (convert != null) {
            if (output != null) {
                throw DbBackupException.user("give -o or -y, not both");
            }
            Keys.recipientsOf(root.main.workingDir().resolve(convert)).forEach(root.out::println);
            return 0;
        }
        Keys.NewKey key = Keys.generate(root.main.clock().instant());
        if (output == null) {
            warnIfReadableByOthers(root.main.stdoutFile());
            root.out.print(key.text());
            return 0;
        }
        Path file = root.main.workingDir().resolve(output);
        try {
            FilePermissions.OWNER_ONLY.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw DbBackupException.user(output + " already exists; not overwriting a key file");
        } catch (IOException e) {
            throw DbBackupException.system("cannot create " + output + ": " + e.getMessage(), e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(key.text().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            try { // ours, and no key: left, it would refuse the retry as "already exists"
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the error below says what failed; the empty file is then the user's to remove
            }
            throw DbBackupException.system("cannot write " + output + ": " + e.getMessage(), e);
        }
        root.out.println("Public key: " + key.recipient());
        return 0;
    }
}
