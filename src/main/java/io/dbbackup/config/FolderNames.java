package io.dbbackup.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a folder holds, for the error of a {@code *_file} that names a file not in it (a typo: {@code pg.passwrod}) or
 * names the folder itself (a Kubernetes Secret mounted without {@code subPath}): the one name plausibly meant ({@link
 * Suggestion#nearest}), else up to {@value #SHOWN} of the names it holds. Never a guess: the first name of a sorted list
 * is no more likely than the others. Hidden names (the kubelet's {@code ..data}) and names no message may repeat ({@link
 * YamlSection#shownName}) are left out.
 */
final class FolderNames {
    /** How many names a message lists. */
    static final int SHOWN = 3;

    private FolderNames() {
    }

    /**
     * For a file {@code missing} whose folder exists: {@code "; did you mean '/run/secrets/pg.password'?"} when one name
     * there is plausibly what was meant, else {@code "; /run/secrets holds a, b, c and 2 more"} ({@code "; /x is empty"});
     * empty when its folder does not exist or cannot be listed, or its name may not be repeated.
     */
    static String forMissing(Path missing) {
        Path dir = missing.getParent();
        Path name = missing.getFileName();
        if (dir == null || name == null || !Files.isDirectory(dir) || !YamlSection.shownName(name.toString())) {
            return "";
        }
        Optional<List<String>> names = names(dir);
        if (names.isEmpty()) {
            return "";
        }
        Optional<String> meant = Suggestion.nearest(name.toString(), names.get());
        if (meant.isPresent()) {
            return Suggestion.of(dir.resolve(meant.get()).toString());
        }
        return "; " + dir + (names.get().isEmpty() ? " is empty" : " holds " + listed(names.get()));
    }

    /**
     * For a folder {@code dir} named where a file belongs: {@code "it holds password, username; name the file, e.g.
     * /run/secrets/pg/password"}, the example only when one name is plausibly {@code wanted} (the key's own name: a
     * Secret's key {@code password} for {@code password_file}) or is the only one; {@code "it is empty"}.
     */
    static String forFolder(Path dir, String wanted) {
        Optional<List<String>> found = names(dir);
        if (found.isEmpty()) {
            return "name the file in it";
        }
        List<String> names = found.get();
        if (names.isEmpty()) {
            return "it is empty";
        }
        Optional<String> meant = names.size() == 1 ? Optional.of(names.get(0))
                : wanted == null ? Optional.empty()
                : names.contains(wanted) ? Optional.of(wanted) : Suggestion.nearest(wanted, names);
        return "it holds " + listed(names) + meant.map(m -> "; name the file, e.g. " + dir.resolve(m))
                .orElse("; name the file in it");
    }

    /** {@code a, b, c and 2 more}. */
    private static String listed(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(SHOWN, names.size())))
                + (names.size() > SHOWN ? " and " + (names.size() - SHOWN) + " more" : "");
    }

    /** The names {@code dir} holds that a message may show, sorted; none when it cannot be listed. */
    private static Optional<List<String>> names(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return Optional.of(s.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .filter(YamlSection::shownName).sorted().toList());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
