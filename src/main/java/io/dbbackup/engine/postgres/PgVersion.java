package io.dbbackup.engine.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL version as {@code server_version_num} counts it (150014 = 15.14, 90624 = 9.6.24).
 * Majors are compared by {@link #majorNum()}; {@link #major()} is the name of a major as Debian
 * names client folders and packages ({@code 15}, {@code 9.6}).
 */
record PgVersion(int num, String text) implements Comparable<PgVersion> {
    private static final Pattern TOOL = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
    /** At most 4 digits: a longer "major" (99999999999) is none, and no longer overflows an int ("cannot be set up"). */
    private static final Pattern DIR = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,2}))?");

    /** From {@code server_version_num} and {@code server_version}. */
    static PgVersion ofServer(int num, String text) {
        return new PgVersion(num, text);
    }

    /** From the first line of {@code pg_dump --version}: {@code pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)}. */
    static Optional<PgVersion> ofToolOutput(String output) {
        Matcher m = TOOL.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        int a = Integer.parseInt(m.group(1));
        int b = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int c = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int num = a >= 10 ? a * 10000 + b : a * 10000 + b * 100 + c;
        String text = output.substring(m.start(1)).split("\\s")[0];
        return Optional.of(new PgVersion(num, text));
    }

    /** From a client folder name under {@code /usr/lib/postgresql}: {@code 15}, {@code 9.6}. */
    static Optional<PgVersion> ofMajorName(String name) {
        Matcher m = DIR.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        int a = Integer.parseInt(m.group(1));
        if (a >= 10 && m.group(2) != null) {
            return Optional.empty();
        }
        int b = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return Optional.of(new PgVersion(a >= 10 ? a * 10000 : a * 10000 + b * 100, name));
    }

    int majorNum() {
        return num >= 100000 ? num / 10000 * 10000 : num / 100 * 100;
    }

    String major() {
        return num >= 100000 ? String.valueOf(num / 10000) : (num / 10000) + "." + (num / 100 % 100);
    }

    boolean sameMajor(PgVersion other) {
        return majorNum() == other.majorNum();
    }

    @Override
    public int compareTo(PgVersion o) {
        return Integer.compare(num, o.num);
    }

    @Override
    public String toString() {
        return text;
    }
}
