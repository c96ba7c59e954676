package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An ErrorResponse (or NoticeResponse) from the server: severity, SQLSTATE and message, as psql would show them. */
final class PgServerError extends IOException {
    private final String severity;
    private final String sqlState;
    private final boolean fromServer;

    private PgServerError(String severity, String sqlState, String message, boolean fromServer) {
        super(message);
        this.severity = severity;
        this.sqlState = sqlState;
        this.fromServer = fromServer;
    }

    /** Parses the fields of an ErrorResponse/NoticeResponse body (type byte, text, NUL; a NUL ends the list). */
    static PgServerError of(byte[] body) {
        String severity = "ERROR";
        String localized = null;
        String code = "";
        String message = "";
        String detail = null;
        String hint = null;
        int p = 0;
        while (p < body.length && body[p] != 0) {
            byte field = body[p++];
            int end = p;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String value = new String(body, p, end - p, StandardCharsets.UTF_8);
            p = end + 1;
            switch (field) {
                case 'V' -> severity = value;
                case 'S' -> localized = value;
                case 'C' -> code = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                default -> {
                    // position, context, file, line, routine: not shown
                }
            }
        }
        if (localized != null && severity.equals("ERROR") && !localized.isEmpty()) {
            severity = localized.matches("[A-Z]+") ? localized : severity;
        }
        StringBuilder text = new StringBuilder(message);
        if (detail != null) {
            text.append(" (").append(detail).append(')');
        }
        if (hint != null) {
            text.append(" hint: ").append(hint);
        }
        return new PgServerError(severity, code, text.toString(), true);
    }

    /** A failure this client finds itself, classified as the server would (e.g. 28000 for a missing password). */
    static PgServerError client(String sqlState, String message) {
        return new PgServerError("FATAL", sqlState, message, false);
    }

    String severity() {
        return severity;
    }

    String sqlState() {
        return sqlState;
    }

    /** Whether the server sent it (an ErrorResponse), not this client's own finding ({@link #client}). */
    boolean fromServer() {
        return fromServer;
    }

    /** Credentials, a missing role or database, no pg_hba line, no REPLICATION attribute: a retry cannot help. */
    boolean permanent() {
        return sqlState.startsWith("28") || sqlState.startsWith("3D") || sqlState.startsWith("42")
                || sqlState.equals("55000") || sqlState.startsWith("0A");
    }
}
