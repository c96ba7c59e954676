package io.dbbackup.engine.postgres;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object a failed pg_restore statement was creating, read from pg_restore's own English words after the server's
 * error ({@code Command was: CREATE TABLE public.orders (}), as a catalog question: is it in the target already? A
 * server whose {@code lc_messages} is not English says "Relation »orders« existiert bereits", and pg_restore shows no
 * SQLSTATE: the catalog answers whatever language the server speaks.
 */
final class FailedCreate {
    private static final String NAME_PART = "(?:\"(?:[^\"]|\"\")+\"|[^\\s.\"(;,]+)";
    /** A name as pg_dump and pg_restore write it, quoted where it must be: {@code public."Kunden Liste"}. */
    static final String NAME = NAME_PART + "(?:\\." + NAME_PART + ")*";
    private static final Pattern COMMAND = Pattern.compile("(?m)^Command was: CREATE (?:UNLOGGED |FOREIGN |MATERIALIZED )?"
            + "(TABLE|VIEW|SEQUENCE|SCHEMA|TYPE|DOMAIN|FUNCTION|PROCEDURE|AGGREGATE) (" + NAME + ")");

    private FailedCreate() {
    }

    /**
     * A query answering {@code t} when the object {@code stderr}'s failed CREATE names is in the database already (a
     * function by its name, whatever its arguments), {@code f} otherwise; empty when no CREATE of such an object failed.
     */
    static Optional<String> existsQuery(String stderr) {
        Matcher m = COMMAND.matcher(stderr);
        if (!m.find()) {
            return Optional.empty();
        }
        String name = literal(m.group(2));
        String exists = switch (m.group(1).toUpperCase(Locale.ROOT)) {
            case "SCHEMA" -> "pg_catalog.to_regnamespace(" + name + ") IS NOT NULL";
            case "TYPE", "DOMAIN" -> "pg_catalog.to_regtype(" + name + ") IS NOT NULL";
            case "FUNCTION", "PROCEDURE", "AGGREGATE" -> "EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
                    + "ON n.oid = p.pronamespace WHERE ARRAY[n.nspname::text, p.proname::text] = pg_catalog.parse_ident(" + name + "))";
            default -> "pg_catalog.to_regclass(" + name + ") IS NOT NULL";
        };
        return Optional.of("SELECT " + exists + ";");
    }

    /** {@code text} as a SQL expression that no quoting or {@code standard_conforming_strings} can change. */
    static String literal(String text) {
        return "pg_catalog.convert_from(pg_catalog.decode('" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8))
                + "', 'hex'), 'UTF8')";
    }
}
