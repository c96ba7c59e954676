package io.dbbackup.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SHA-256 helpers and the {@code .sha256} sidecar format ({@code <hex>  <file name>}, as sha256sum writes). */
public final class Sha256 {
    private static final Pattern LINE = Pattern.compile("^([0-9a-fA-F]{64}) [ *](.+)$");

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String hex(byte[] data, int off, int len) {
        MessageDigest d = newDigest();
        d.update(data, off, len);
        return hex(d.digest());
    }

    /** The sidecar's content for {@code fileName}, so that {@code sha256sum -c} works in its folder. */
    public static byte[] sidecar(String hex, String fileName) {
        return (hex + "  " + fileName + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The file name a well-formed sidecar names, whatever it is: one that names another file than its backup's was
     * copied or renamed with it (a backup dated by hand), which is said as such rather than as a malformed sidecar.
     */
    public static Optional<String> sidecarFileName(byte[] content) {
        Matcher m = LINE.matcher(new String(content, StandardCharsets.UTF_8).strip());
        return m.matches() ? Optional.of(m.group(2).strip()) : Optional.empty();
    }

    /** The hex digest in a sidecar, if it is well formed and names {@code fileName}. */
    public static Optional<String> parseSidecar(byte[] content, String fileName) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        Matcher m = LINE.matcher(text);
        if (!m.matches() || !m.group(2).strip().equals(fileName)) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).toLowerCase(Locale.ROOT));
    }
}
