package io.dbbackup.job;

/**
 * A text about one backup made to name it once, for a log line whose {@code key=} field gives its key: each naming of the
 * key standing as a word (after a space or a parenthesis, before a space, a colon, a comma, a parenthesis or the end) is
 * said as a pronoun. A key inside a longer name (a path, its {@code .sha256}) is left: that names another thing.
 */
final class KeyAsWord {
    private KeyAsWord() {
    }

    /** {@code text} with its first naming of {@code key} said {@code first} ("the backup"), each later one "it". */
    static String replaced(String text, String key, String first) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        boolean said = false;
        for (int at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + key.length())) {
            int end = at + key.length();
            boolean word = (at == 0 || " (".indexOf(text.charAt(at - 1)) >= 0)
                    && (end == text.length() || " :,;)".indexOf(text.charAt(end)) >= 0);
            if (word) {
                out.append(text, from, at).append(said ? "it" : first);
                said = true;
                from = end;
            }
        }
        return out.append(text.substring(from)).toString();
    }
}
