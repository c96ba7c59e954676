package io.dbbackup.engine.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Answers the server's authentication requests for one start-up: trust, password, md5 and
 * SCRAM-SHA-256 (without channel binding, as libpq's default {@code channel_binding=prefer} does when
 * the server offers no -PLUS over this connection). Anything else (GSSAPI, SSPI, Kerberos) is
 * {@link LibpqOnly}: the caller then leaves the work to libpq.
 */
final class PgAuth {
    private final String user;
    private final String password;
    private final String scramName;
    private String clientNonce;
    private String clientFirstBare;
    private byte[] serverSignature;

    /** {@code password} may be null (the server must then not ask for one). */
    PgAuth(String user, String password) {
        this(user, password, null, "");
    }

    /**
     * With a fixed SCRAM client nonce and user name (the test vectors of RFC 7677); PostgreSQL itself takes
     * the user from the start-up message and expects the name empty, which is what libpq sends.
     */
    PgAuth(String user, String password, String clientNonce, String scramName) {
        this.user = user;
        this.password = password;
        this.clientNonce = clientNonce;
        this.scramName = scramName;
    }

    /** The password message to send for an AuthenticationRequest body, or null when none is due. */
    byte[] answer(byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(body);
        int code = b.getInt();
        return switch (code) {
            case 0 -> null;
            case 3 -> cstring(need());
            case 5 -> {
                byte[] salt = new byte[4];
                b.get(salt);
                String inner = md5Hex(bytes(need() + user));
                ByteArrayOutputStream s = new ByteArrayOutputStream();
                s.writeBytes(bytes(inner));
                s.writeBytes(salt);
                yield cstring("md5" + md5Hex(s.toByteArray()));
            }
            case 10 -> saslStart(ReplicationConnection.cstrings(rest(b)));
            case 11 -> saslContinue(new String(rest(b), StandardCharsets.UTF_8));
            case 12 -> {
                saslFinal(new String(rest(b), StandardCharsets.UTF_8));
                yield null;
            }
            case 2, 6, 7, 8, 9 -> throw new LibpqOnly("the server asks for " + switch (code) {
                case 2 -> "Kerberos V5";
                case 6 -> "SCM credentials";
                case 7, 8 -> "GSSAPI";
                default -> "SSPI";
            } + " authentication");
            default -> throw new LibpqOnly("the server asks for authentication method " + code);
        };
    }

    private String need() throws IOException {
        if (password == null) {
            throw PgServerError.client("28000", "no password supplied for user \"" + user
                    + "\": set password_env or password_file on the datasource, or give one in ~/.pgpass");
        }
        return password;
    }

    private byte[] saslStart(String[] mechanisms) throws IOException {
        if (!List.of(mechanisms).contains("SCRAM-SHA-256")) {
            throw new LibpqOnly("the server offers SASL mechanisms " + String.join(", ", mechanisms));
        }
        if (saslprepChanges(need())) {
            throw new LibpqOnly("the password holds characters SASLprep normalizes (libpq does it, SCRAM needs it)");
        }
        if (clientNonce == null) {
            byte[] nonce = new byte[18];
            new SecureRandom().nextBytes(nonce);
            clientNonce = Base64.getEncoder().encodeToString(nonce);
        }
        clientFirstBare = "n=" + scramName + ",r=" + clientNonce;
        byte[] first = bytes("n,," + clientFirstBare);
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(cstring("SCRAM-SHA-256"));
        m.writeBytes(ByteBuffer.allocate(4).putInt(first.length).array());
        m.writeBytes(first);
        return m.toByteArray();
    }

    private byte[] saslContinue(String serverFirst) throws IOException {
        Map<String, String> f = attributes(serverFirst);
        String nonce = f.get("r");
        if (nonce == null || !nonce.startsWith(clientNonce) || f.get("s") == null || f.get("i") == null) {
            throw new IOException("the server's SCRAM challenge is malformed");
        }
        try {
            byte[] salted = pbkdf2(bytes(need()), Base64.getDecoder().decode(f.get("s")), Integer.parseInt(f.get("i")));
            byte[] clientKey = hmac(salted, bytes("Client Key"));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String withoutProof = "c=biws,r=" + nonce;
            byte[] authMessage = bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);
            byte[] signature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            serverSignature = hmac(hmac(salted, bytes("Server Key")), authMessage);
            return bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        } catch (GeneralSecurityException e) {
            throw new IOException("SCRAM-SHA-256: " + e.getMessage(), e);
        }
    }

    private void saslFinal(String serverFinal) throws IOException {
        String v = attributes(serverFinal).get("v");
        if (v == null || serverSignature == null || !MessageDigest.isEqual(Base64.getDecoder().decode(v), serverSignature)) {
            throw new IOException("the server's SCRAM signature does not match: it does not know the password (not the server configured?)");
        }
    }

    /** Characters SASLprep maps to nothing (RFC 3454 table B.1). */
    private static final String MAPPED_TO_NOTHING = "\u00AD\u034F\u1806\u180B\u180C\u180D\u200B\u200C\u200D\u2060"
            + "\uFE00\uFE01\uFE02\uFE03\uFE04\uFE05\uFE06\uFE07\uFE08\uFE09\uFE0A\uFE0B\uFE0C\uFE0D\uFE0E\uFE0F\uFEFF";

    /**
     * Whether SASLprep (RFC 4013, which PostgreSQL applies to a SCRAM password when it stores it and libpq when it sends
     * it) may make {@code password} another string: it holds a non-ASCII space, a character mapped to nothing, or one
     * NFKC changes. Such a password is left to libpq ({@link LibpqOnly}): this client sends a password as it is.
     */
    static boolean saslprepChanges(String password) {
        if (password.chars().allMatch(c -> c < 0x80)) {
            return false;
        }
        return !java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFKC).equals(password)
                || password.chars().anyMatch(c -> c >= 0x80 && (Character.getType(c) == Character.SPACE_SEPARATOR
                        || MAPPED_TO_NOTHING.indexOf(c) >= 0));
    }

    private static Map<String, String> attributes(String message) {
        return Stream.of(message.split(",")).filter(a -> a.length() > 1 && a.charAt(1) == '=')
                .collect(Collectors.toMap(a -> a.substring(0, 1), a -> a.substring(2), (x, y) -> x));
    }

    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(password, "HmacSHA256"));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String md5Hex(byte[] data) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] rest(ByteBuffer b) {
        byte[] r = new byte[b.remaining()];
        b.get(r);
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cstring(String s) {
        byte[] b = bytes(s);
        byte[] r = new byte[b.length + 1];
        System.arraycopy(b, 0, r, 0, b.length);
        return r;
    }
}
