package io.dbbackup.engine.sqlite;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code PRAGMA integrity_check} found, said in one line: SQLite gives its problems one per line (several in one
 * row, headed {@code *** in database main ***}), hundreds for a badly damaged file; an error is one line, so the first
 * {@link #SHOWN} are said and the rest counted.
 */
final class IntegrityFindings {
    static final int SHOWN = 3;

    private IntegrityFindings() {
    }

    static String oneLine(List<String> rows) {
        List<String> problems = new ArrayList<>();
        for (String row : rows) {
            for (String line : row.split("\\R")) {
                String p = line.strip();
                if (!p.isEmpty() && !p.matches("\\*\\*\\* in database \\S+ \\*\\*\\*")) {
                    problems.add(p);
                }
            }
        }
        if (problems.isEmpty()) { // only headers: say them rather than nothing
            problems.addAll(rows.stream().map(r -> r.replaceAll("\\s*\\R\\s*", " ").strip()).toList());
        }
        if (problems.size() <= SHOWN) {
            return String.join("; ", problems);
        }
        int more = problems.size() - SHOWN;
        return String.join("; ", problems.subList(0, SHOWN)) + "; … and " + more + " more problem" + (more == 1 ? "" : "s");
    }
}
