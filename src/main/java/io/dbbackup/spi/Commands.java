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
}
