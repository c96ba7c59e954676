package io.dbbackup.testkit;

/**
 * The config text many tests start from: a SQLite datasource {@code app} ({@code app.db}) and a local store
 * {@code local} (folder {@code store}), in block style, so that the line numbers of what follows are known.
 */
public final class ConfigText {
    /** The datasource and the store, no {@code jobs:} yet (9 lines). */
    public static final String APP_AND_LOCAL_STORE = """
            datasources:
              app:
                engine: sqlite
                path: app.db
            stores:
              local:
                type: local
                path: store
            """;

    private ConfigText() {
    }

    /** {@link #APP_AND_LOCAL_STORE} and {@link #appJob}. */
    public static String withAppJob(String jobLines) {
        return APP_AND_LOCAL_STORE + appJob(jobLines);
    }

    /** {@code jobs:} with a job {@code app} backing up {@code app} to {@code local}, with {@code jobLines} (its keys) more. */
    public static String appJob(String jobLines) {
        return """
                jobs:
                  app:
                    datasource: app
                    store: local
                """ + jobLines.indent(4);
    }
}
