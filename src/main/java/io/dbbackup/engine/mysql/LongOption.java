package io.dbbackup.engine.mysql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One long option of a dump tool's command line ({@code extra_args}), read as the tool (my_getopt) reads it: any case,
 * {@code _} for {@code -}, behind {@code --loose-}/{@code --enable-}, turned off by {@code --skip-}/{@code --disable-},
 * a unique prefix standing for the whole name.
 *
 * @param name    the name without its dashes and prefixes, lower case, {@code -} for {@code _}
 * @param negated whether {@code --skip-}/{@code --disable-} turned it off
 * @param value   what follows {@code =}, stripped; null without one
 */
record LongOption(String name, boolean negated, String value) {
    /** {@code arg} as a long option; empty when it is none (a short option, a value). */
    static Optional<LongOption> parse(String arg) {
        String a = arg.strip();
        if (!a.startsWith("--")) {
            return Optional.empty();
        }
        String[] parts = a.split("=", 2);
        String name = parts[0].substring(2).toLowerCase(Locale.ROOT).replace('_', '-');
        boolean off = false;
        for (String prefix : List.of("loose-", "enable-", "skip-", "disable-")) {
            if (name.startsWith(prefix)) {
                off = off || prefix.equals("skip-") || prefix.equals("disable-");
                name = name.substring(prefix.length());
            }
        }
        return Optional.of(new LongOption(name, off, parts.length > 1 ? parts[1].strip() : null));
    }

    /** Whether it names one of {@code fullNames} by a prefix of at least {@code shortest} characters. */
    boolean names(int shortest, String... fullNames) {
        if (name.length() < shortest) {
            return false;
        }
        for (String full : fullNames) {
            if (full.startsWith(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether it turns its option on: not negated, and no value among {@code offValues} (compared in lower case). */
    boolean on(String... offValues) {
        return !negated && !(value != null && List.of(offValues).contains(value.toLowerCase(Locale.ROOT)));
    }
}
