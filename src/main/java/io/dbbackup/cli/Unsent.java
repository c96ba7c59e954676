package io.dbbackup.cli;

import io.dbbackup.job.NotifyFailure;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code verify}, {@code prune} and {@code drill --notify} show a notification that was not sent, as backup does:
 * {@code   notify failed: NOTIFIER: REASON} under its job, a count on the closing line, JSON {@code notify_failed}.
 * It never changes an exit code.
 */
final class Unsent {
    private Unsent() {
    }

    /** One {@code   notify failed: NOTIFIER: REASON} line each. */
    static void print(PrintWriter out, List<NotifyFailure> failed) {
        failed.forEach(f -> out.printf(Locale.ROOT, "  notify failed: %s: %s%n", f.notifier(), f.reason()));
    }

    /** {@code [{"notifier", "reason"}]}; empty when every notification went out. */
    static List<Map<String, Object>> json(List<NotifyFailure> failed) {
        return failed.stream().map(f -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("notifier", f.notifier());
            n.put("reason", f.reason());
            return n;
        }).toList();
    }

    /** {@code "; N notifications not sent (the exit code is unchanged)"} for a closing line; empty when none. */
    static String closing(long unsent) {
        return unsent == 0 ? "" : "; " + unsent + (unsent == 1 ? " notification" : " notifications")
                + " not sent (the exit code is unchanged)";
    }
}
