package io.dbbackup.engine.mysql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whose client tools are installed under a name: Debian's {@code mysqldump} is MariaDB's, for
 * example. Options that differ (TLS, GTID) are chosen by what the binary is, not by its name.
 */
public enum ClientFamily {
    MYSQL, MARIADB;

    private static final Pattern DISTRIB = Pattern.compile("Distrib (\\d+)\\.(\\d+)");
    private static final Pattern VER = Pattern.compile("Ver (\\d+)\\.(\\d+)");

    /** The family and major version from a tool's {@code --version} line. */
    public record Probe(ClientFamily family, int major, String line) {
    }

    public static Probe parse(String versionOutput) {
        String line = versionOutput.strip().lines().findFirst().orElse("");
        ClientFamily family = line.contains("MariaDB") ? MARIADB : MYSQL;
        Matcher m = DISTRIB.matcher(line);
        if (!m.find()) {
            m = VER.matcher(line);
            if (!m.find()) {
                return new Probe(family, 0, line);
            }
        }
        return new Probe(family, Integer.parseInt(m.group(1)), line);
    }
}
