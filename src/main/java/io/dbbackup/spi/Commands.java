package io.dbbackup.spi;

/**
 * How a plugin writes a dbbackup command it suggests (a prune, a restore): {@code dbbackup}, this run's global options
 * ({@code -c FILE}, {@code --limit-download RATE}), then {@code words}, quoted for a shell. Pasted without the options a
 * suggestion would read the default config, not the one this run read. The job layer gives its invocation.
 */
public interface Commands {
    /** No global option known (a plugin used outside a run, a test): {@code dbbackup WORDS}. */
    Commands PLAIN = words -> "dbbackup " + String.join(" ", words);

    String command(String... words);

    /**
     * The job that backs up the datasource a suggestion is about, when the caller knows it (exactly one job of the
     * config does); else the placeholder {@code JOB}.
     */
    default String job() {
        return "JOB";
    }

    /** These commands, {@link #job()} answering {@code job}. */
    default Commands naming(String job) {
        Commands self = this;
        return new Commands() {
            @Override
            public String command(String... words) {
                return self.command(words);
            }

            @Override
            public String job() {
                return job;
            }
        };
    }
}
