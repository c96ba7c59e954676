package io.dbbackup.retention;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine form of a retention decision, as {@code prune <job> --dry-run --json} prints it and
 * as the golden files hold it: {@code {"job": ..., "keep": [{"key": ..., "reasons": [...]}],
 * "delete": [{"key": ...}]}}, keys relative to the store root, both lists newest first. Maps keep
 * their insertion order so {@code Json.pretty} writes the keys in exactly this order.
 */
public final class DecisionJson {
    private DecisionJson() {
    }

    public static Map<String, Object> render(String job, RetentionDecision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("keep", d.keep().stream().map(k -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", k.backup().key());
            e.put("reasons", k.reasons());
            return (Object) e;
        }).toList());
        m.put("delete", d.delete().stream().map(k -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", k.key());
            return (Object) e;
        }).toList());
        return m;
    }
}
