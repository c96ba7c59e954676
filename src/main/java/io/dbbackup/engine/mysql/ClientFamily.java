package io.dbbackup.engine.mysql;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whose client tools are installed under a name: Debian's {@code mysqldump} is MariaDB's, for
 * example. Options that differ (TLS, GTID) are chosen by what the binary is, not by its name.
 */
public enum ClientFamily {
    MYSQL, MARIADB;

    /**
     * Where a {@code --version} line names the release's major version, first match wins: {@code Distrib 10.11.6-MariaDB}
     * (MySQL 5.7, MariaDB to 10.x; its {@code Ver 10.19} is the tool's own number), {@code from 11.4.2-MariaDB} (MariaDB
     * 11's line, whose {@code client 10.19} is the tool's), {@code Ver 8.0.36} (MySQL 8 and later).
     */
    private static final List<Pattern> MAJOR = List.of(Pattern.compile("\\bDistrib (\\d+)\\."),
            Pattern.compile("\\bfrom (\\d+)\\.\\d+"), Pattern.compile("\\bVer (\\d+)\\."));

    /** The exact release in a {@code --version} line: after {@code Distrib} (to 10.x), {@code from} (MariaDB 11) or {@code Ver}. */
    private static final Pattern RELEASE = Pattern.compile("(?:Distrib|from) ([0-9][^,\\s]*)");
    private static final Pattern VER_RELEASE = Pattern.compile("Ver ([0-9][^,\\s]*)");

    /** The family and major version from a tool's {@code --version} line. */
    public record Probe(ClientFamily family, int major, String line) {
        /**
         * The release, as the manifest's {@code tool_version} line has it ({@code 10.11.19-MariaDB}, {@code 8.0.36}); the
         * whole line when it names none.
         */
        public String release() {
            for (Pattern p : List.of(RELEASE, VER_RELEASE)) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            return line;
        }
    }

    public static Probe parse(String versionOutput) {
        String line = versionOutput.strip().lines().findFirst().orElse("");
        ClientFamily family = line.contains("MariaDB") ? MARIADB : MYSQL;
        for (Pattern p : MAJOR) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return new Probe(family, Integer.parseInt(m.group(1)), line);
            }
        }
        return new Probe(family, 0, line);
    }
}
