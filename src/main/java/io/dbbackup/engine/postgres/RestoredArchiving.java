package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a restored data directory will archive WAL when started: its {@code archive_mode} as
 * {@code postgresql.conf} and then {@code postgresql.auto.conf} set it (the last setting wins, as in PostgreSQL).
 * Only what these two files say directly: {@code include} files and command-line settings are not followed.
 */
final class RestoredArchiving {
    /**
     * {@code name = value}: a quoted value (a quote inside doubled or escaped) read in runs of plain characters, never
     * given back; a per-character alternation made the regex engine recurse once per character, and a long value (an
     * archive_command) overflowed the stack.
     */
    private static final Pattern SETTING = Pattern.compile(
            "^\\s*([A-Za-z_][A-Za-z0-9_.$]*)\\s*=?\\s*('[^'\\\\]*+(?:(?:''|\\\\.)[^'\\\\]*+)*+'|[^\\s#']+)");
    private static final List<String> ARCHIVING = List.of("on", "always", "true", "yes", "1");

    /** The setting that makes the server archive, e.g. {@code archive_mode = 'on'}, and the file holding it. */
    record Setting(String value, String file) {
        @Override
        public String toString() {
            return "archive_mode = '" + value + "' in " + file;
        }
    }

    private RestoredArchiving() {
    }

    /** The last {@code archive_mode} of the two files if it archives (on, always, or a boolean true), else empty. */
    static Optional<Setting> of(Path dataDir) throws IOException {
        Setting last = null;
        for (String file : List.of("postgresql.conf", RecoveryConfig.AUTO_CONF)) {
            Path p = dataDir.resolve(file);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                Optional<String> v = archiveMode(line);
                if (v.isPresent()) {
                    last = new Setting(v.get(), file);
                }
            }
        }
        return last != null && ARCHIVING.contains(last.value().toLowerCase(Locale.ROOT)) ? Optional.of(last) : Optional.empty();
    }

    /** The value of an {@code archive_mode} line (quotes removed), empty for any other line or a comment. */
    static Optional<String> archiveMode(String line) {
        Matcher m = SETTING.matcher(line);
        if (!m.find() || !m.group(1).equalsIgnoreCase("archive_mode")) {
            return Optional.empty();
        }
        String v = m.group(2);
        if (v.startsWith("'")) {
            v = v.substring(1, v.length() - 1).replace("''", "'").replace("\\'", "'");
        }
        return Optional.of(v.strip());
    }
}
