package io.dbbackup.job;

import io.dbbackup.core.ShellWords;

import java.util.ArrayList;
import java.util.List;

/**
 * The global options of this run that a suggested command must repeat to do the same thing on the same config
 * ({@code -c FILE} as the user gave it, else the absolute path {@code $DBBACKUP_CONFIG} named; {@code --limit-download
 * RATE}): pasted without them, a suggestion would read the default config (and fail, or act on another one). Never a
 * secret.
 *
 * @param options the words after {@code dbbackup}, before the verb
 */
public record Invocation(List<String> options) implements io.dbbackup.spi.Commands {
    /** No global option given (the default config): a suggestion is {@code dbbackup VERB ...}. */
    public static final Invocation NONE = new Invocation(List.of());

    public Invocation {
        options = List.copyOf(options);
    }

    /** {@code config} as given (null: none given) and {@code limitDownload} as given (null: none). */
    public static Invocation of(String config, String limitDownload) {
        List<String> o = new ArrayList<>();
        if (config != null) {
            o.addAll(List.of("-c", config));
        }
        if (limitDownload != null) {
            o.addAll(List.of("--limit-download", limitDownload));
        }
        return new Invocation(o);
    }

    /** {@code dbbackup OPTIONS WORDS}, each word quoted for a POSIX shell as needed: a command to paste. */
    public String command(List<String> words) {
        List<String> all = new ArrayList<>(List.of("dbbackup"));
        all.addAll(options);
        all.addAll(words);
        return ShellWords.join(all);
    }

    @Override
    public String command(String... words) {
        return command(List.of(words));
    }
}
