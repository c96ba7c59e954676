package io.dbbackup.engine.mysql;

import io.dbbackup.core.ScratchFile;
import io.dbbackup.core.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * An option file passed as {@code --defaults-extra-file} (always the first argument: the clients
 * only honour it there). Created 0600 from the start in the operation's scratch folder, holding the
 * password in a {@code [client]} group; deleted on close. This is the only way the password reaches
 * mysqldump/mysql: never argv, never {@code MYSQL_PWD}.
 */
final class DefaultsFile implements AutoCloseable {
    private final Path file;

    private DefaultsFile(Path file) {
        this.file = file;
    }

    static DefaultsFile create(Path scratchDir, Secret password) throws IOException {
        StringBuilder text = new StringBuilder("[client]\n");
        if (password != null) {
            text.append("password=").append(quote(password.reveal())).append('\n');
        }
        return new DefaultsFile(ScratchFile.write(scratchDir, "my-" + UUID.randomUUID() + ".cnf", "the option file for the "
                + "MySQL/MariaDB tools", text));
    }

    /**
     * An option-file value in double quotes with the escapes both MySQL's and MariaDB's parsers know
     * ({@code \\ \" \' \n \r \t}), so '#', ';', spaces and quotes in a password survive.
     */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** The argument that must come first on the tool's command line. */
    String argument() {
        return "--defaults-extra-file=" + file;
    }

    Path path() {
        return file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
