package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A base backup's extra tablespaces: recorded in its manifest facts ({@code tablespace.<oid>}: the server's
 * location), and named in the {@code tablespace_map} file inside it, from which PostgreSQL makes the
 * {@code pg_tblspc/<oid>} links when the restored server starts. A restore that puts a tablespace elsewhere
 * rewrites that file to say where.
 */
final class Tablespaces {
    static final String COUNT_FACT = "tablespaces";
    static final String FACT_PREFIX = "tablespace.";
    static final String MAP_FILE = "tablespace_map";

    private Tablespaces() {
    }

    /** OID to location, from manifest facts (sorted by OID). */
    static Map<String, String> fromFacts(Map<String, String> facts) {
        Map<String, String> t = new TreeMap<>();
        facts.forEach((k, v) -> {
            if (k.startsWith(FACT_PREFIX) && k.length() > FACT_PREFIX.length()) {
                t.put(k.substring(FACT_PREFIX.length()), v);
            }
        });
        return t;
    }

    /** The entries of a {@code tablespace_map} file: "OID PATH" lines, the path's newline, CR and backslash escaped. */
    static Map<String, String> parseMap(String text) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                line.append(c).append(text.charAt(++i));
            } else if (c == '\n') {
                entry(line.toString(), map);
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
        if (!line.isEmpty()) {
            entry(line.toString(), map);
        }
        return map;
    }

    private static void entry(String line, Map<String, String> map) throws IOException {
        if (line.strip().isEmpty()) {
            return;
        }
        int space = line.indexOf(' ');
        if (space <= 0 || !line.substring(0, space).chars().allMatch(Character::isDigit)) {
            throw new IOException("the base backup's " + MAP_FILE + " holds a line that is not 'OID PATH'");
        }
        StringBuilder path = new StringBuilder();
        String raw = line.substring(space + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            path.append(c == '\\' && i + 1 < raw.length() ? raw.charAt(++i) : c);
        }
        map.put(line.substring(0, space), path.toString());
    }

    /** The text of a {@code tablespace_map} file, escaped as PostgreSQL writes it. */
    static String formatMap(Map<String, String> map) {
        StringBuilder s = new StringBuilder();
        map.forEach((oid, path) -> {
            s.append(oid).append(' ');
            for (char c : path.toCharArray()) {
                if (c == '\n' || c == '\r' || c == '\\') {
                    s.append('\\');
                }
                s.append(c);
            }
            s.append('\n');
        });
        return s.toString();
    }

    /**
     * After extraction: points {@code tablespace_map} at the folders the tablespaces were written to (unchanged
     * when each is where the server had it), and refuses a tablespace the map names whose files stayed in the
     * data directory because no folder was given for it (its manifest, which lists the tablespaces, missing).
     * Returns whether the file was rewritten.
     */
    static boolean repoint(Path pgdata, Map<String, Path> folders) throws IOException {
        Path file = pgdata.resolve(MAP_FILE);
        if (!Files.isRegularFile(file)) {
            if (!folders.isEmpty()) {
                throw new IOException("the base backup holds tablespaces " + folders.keySet() + " but no " + MAP_FILE);
            }
            return false;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> map = parseMap(text);
        for (String oid : map.keySet()) {
            if (!folders.containsKey(oid) && Files.exists(pgdata.resolve(TarExtractor.TABLESPACES + oid))) {
                throw DbBackupException.user("the backup holds tablespace "
                        + oid + " (at " + map.get(oid) + " on the server) but its manifest, which lists the tablespaces, could "
                        + "not be read: restore again with --tablespace-mapping " + oid + "=DIR");
            }
        }
        Map<String, String> repointed = new LinkedHashMap<>(map);
        for (Map.Entry<String, Path> f : folders.entrySet()) {
            if (!map.containsKey(f.getKey())) {
                throw new IOException("the base backup's " + MAP_FILE + " does not name tablespace " + f.getKey());
            }
            repointed.put(f.getKey(), f.getValue().toString());
        }
        if (repointed.equals(map)) {
            return false;
        }
        Files.writeString(file, formatMap(repointed), StandardCharsets.UTF_8);
        return true;
    }
}
