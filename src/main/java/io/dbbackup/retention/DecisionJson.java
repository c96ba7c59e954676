package io.dbbackup.retention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PLACEHOLDER until the retention branch lands. */
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
            return e;
        }).toList());
        m.put("delete", d.delete().stream().map(k -> Map.of("key", k.key())).toList());
        return m;
    }
}
