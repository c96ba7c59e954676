package io.dbbackup.cli;

import io.dbbackup.core.ShellWords;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How to run this dbbackup again from a shell (for the restore_command a restore writes): this Java and jar. */
final class SelfCommand {
    private SelfCommand() {
    }

    static String current() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path code;
        try {
            code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            code = null;
        }
        if (code != null && Files.isRegularFile(code) && code.toString().endsWith(".jar")) {
            return ShellWords.join(List.of(java, "-jar", code.toAbsolutePath().toString()));
        }
        return ShellWords.join(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }
}
