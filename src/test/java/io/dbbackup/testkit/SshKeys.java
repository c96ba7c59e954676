package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Key pairs made with the real {@code ssh-keygen}, in OpenSSH's own file format. */
public final class SshKeys {
    private SshKeys() {
    }

    /** Writes {@code file} (private, 0600) and {@code file.pub}; {@code type} is ed25519, ecdsa or rsa. */
    public static Path generate(Path file, String type, String passphrase) throws IOException {
        Files.createDirectories(file.getParent());
        run("ssh-keygen", "-q", "-t", type, "-N", passphrase == null ? "" : passphrase, "-C", "dbbackup-test",
                "-f", file.toString());
        return file;
    }

    /** {@code ssh-keygen -lf key.pub}'s fingerprint, e.g. {@code SHA256:abc...}. */
    public static String fingerprint(Path publicKey) throws IOException {
        String out = run("ssh-keygen", "-E", "sha256", "-lf", publicKey.toString());
        for (String f : out.trim().split("\\s+")) {
            if (f.startsWith("SHA256:")) {
                return f;
            }
        }
        throw new IOException("no fingerprint in: " + out);
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd[0], cmd[1]) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
