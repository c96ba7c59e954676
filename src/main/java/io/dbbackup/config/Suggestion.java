package io.dbbackup.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The one "did you mean" of config errors, for an unknown key, a reference to an undefined name and a value outside its
 * set alike: the candidate nearest the typo, when it is near enough and no other is as near (a tie suggests nothing: a
 * guess between two is no help). Near: edits ignoring case, a swap of two neighbouring letters counting one; a short word
 * (3 letters or fewer) at one edit only, since {@code get} is not {@code put}; a longer one at up to a third of its
 * letters, at least 2. Said at the end of the error line, after what the line lists: {@code ; did you mean 'success'?}.
 */
final class Suggestion {

    static final String PREFIX = "; did you mean ";

    private Suggestion() {
    }

    /** The one candidate clearly nearest {@code typo}, if it is near enough; none for a tie, none for {@code typo} itself. */
    static Optional<String> nearest(String typo, Collection<String> candidates) {
        String t = typo.toLowerCase(Locale.ROOT);
        int most = t.length() <= 3 ? 1 : Math.max(2, t.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String c : candidates) {
            if (c.equals(typo)) {
                continue;
            }
            int d = distance(t, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
                tie = false;
            } else if (d == bestDistance && !c.equals(best)) {
                tie = true;
            }
        }
        return best == null || tie || bestDistance > most ? Optional.empty() : Optional.of(best);
    }

    /** {@code "; did you mean 'success'?"} for the one candidate clearly nearest {@code typo}; empty when there is none. */
    static String didYouMean(String typo, Collection<String> candidates) {
        return nearest(typo, candidates).map(Suggestion::of).orElse("");
    }

    /** {@code "; did you mean 'success'?"}. */
    static String of(String candidate) {
        return PREFIX + "'" + candidate + "'?";
    }

    /** {@code message} with {@code note} said before its suggestion, which stays last; at the end when it has none. */
    static String withNote(String message, String note) {
        int at = message.lastIndexOf(PREFIX);
        return at < 0 ? message + note : message.substring(0, at) + note + message.substring(at);
    }

    /**
     * The edits from {@code a} to {@code b}: letters inserted, deleted, replaced, and two neighbouring letters swapped,
     * each counting one ({@code 2r} is one from {@code r2}, {@code retenion} one from {@code retention}).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
