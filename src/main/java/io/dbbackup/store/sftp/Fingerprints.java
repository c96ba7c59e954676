package io.dbbackup.store.sftp;

import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/** OpenSSH-style {@code SHA256:...} host key fingerprints, as {@code ssh-keygen -lf} prints them. */
final class Fingerprints {
    private Fingerprints() {
    }

    static String of(PublicKey key) {
        return ofBlob(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

    static String ofBlob(byte[] blob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint of a known_hosts line ({@code [@marker] hosts keytype base64 [comment]}), or "?" if unreadable. */
    static String ofKnownHostsLine(String line) {
        String[] f = line.trim().split("\\s+");
        int i = f.length > 0 && f[0].startsWith("@") ? 1 : 0;
        if (f.length < i + 3) {
            return "?";
        }
        try {
            return ofBlob(Base64.getDecoder().decode(f[i + 2]));
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    static String describe(PublicKey key) {
        return KeyType.fromKey(key) + " " + of(key);
    }

    /** {@code SHA256:<base64>} with or without '=' padding, normalized without; null when not such a fingerprint. */
    static String normalize(String text) {
        String t = text.trim();
        if (!t.startsWith("SHA256:")) {
            return null;
        }
        String b64 = t.substring("SHA256:".length()).replaceAll("=+$", "");
        try {
            byte[] raw = Base64.getDecoder().decode(b64 + "=".repeat((4 - b64.length() % 4) % 4));
            return raw.length == 32 ? "SHA256:" + b64 : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
