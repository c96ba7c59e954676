package io.dbbackup.engine.mysql;

/**
 * What a refusal by a server setting or an account limit leaves unsaid: which setting refused, and the way past it, as
 * the end of the error's one line (after {@code " — "}), or {@code ""} when the error is no such one. Read by the error's
 * number, so a server whose {@code lc_messages} words it in another language gets the same hint.
 */
final class SettingHints {
    private SettingHints() {
    }

    /** The hint for the server error {@code stderr} tells, or {@code ""}. */
    static String of(String stderr) {
        String s = String.valueOf(stderr);
        java.util.Set<Integer> numbers = MySqlErrors.errorNumbers(s);
        if (numbers.contains(1184) && s.contains("init_connect")) {
            return " — the server's init_connect (the SQL it runs at each login of an account without the CONNECTION "
                    + "ADMIN or SUPER privilege) failed for this account, so every login is refused (the server's error log says "
                    + "why): fix init_connect, or grant the account what it needs";
        }
        if (numbers.contains(3159)) {
            return " — the server accepts only TLS connections (require_secure_transport=ON): set ssl_mode: required on the "
                    + "datasource (verify_identity with ssl_ca to check the server as well)";
        }
        return "";
    }
}
