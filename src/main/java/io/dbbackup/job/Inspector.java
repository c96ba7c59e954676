package io.dbbackup.job;

import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.pipeline.Failures;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks a datasource's engine what it holds (read-only): for {@code dbbackup inspect}. */
public final class Inspector {
    private final Workspace ws;

    public Inspector(Workspace ws) {
        this.ws = ws;
    }

    public Map<String, Object> inspect(String datasource) {
        DatasourceConfig ds = ws.datasource(datasource);
        try (Workspace.Operation op = ws.operation("inspect-" + datasource)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("datasource", datasource);
            out.putAll(ds.engine().inspect(op.context()));
            return out;
        } catch (IOException e) {
            throw Failures.map("cannot inspect " + ds.engine().describe(), e);
        }
    }
}
