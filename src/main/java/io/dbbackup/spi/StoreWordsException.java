package io.dbbackup.spi;

import java.io.IOException;

/**
 * A store's failure whose words name the store, or its server, themselves ({@code sftp cannot connect to HOST:PORT: …},
 * {@code azure store azure://a/c/: the sas_token expired …}): said so where nothing else names the store; after words
 * that name it already ({@code cannot list d/ in sftp u@h:22:/p: …}) those words give way to {@code shorter}
 * ({@code cannot connect: …}), so that a line names the store once whoever leads it.
 */
public class StoreWordsException extends IOException {
    private final String store;
    private final String words;
    private final String shorter;

    /**
     * @param store   the store as its {@link Store#describe} names it (without a rate limit's words)
     * @param words   the part of {@code message} that names the store or its server
     * @param shorter what {@code words} become after words that name the store ("" to drop them)
     */
    public StoreWordsException(String store, String words, String shorter, String rest, Throwable cause) {
        super(words + rest, cause);
        this.store = store;
        this.words = words;
        this.shorter = shorter;
    }

    /**
     * {@code said}, a line holding this failure, with its words about the store made {@code shorter} where
     * {@code context} names the store (the store as a whole: {@code sftp u@h:/p2} does not name {@code sftp u@h:/p});
     * as it is otherwise.
     */
    public String saidOnce(String context, String said) {
        return names(context, store) ? said.replace(words, shorter) : said;
    }

    /** Whether {@code context} names {@code store} as a whole, not a store whose name begins with it. */
    static boolean names(String context, String store) {
        for (int i = context.indexOf(store); i >= 0; i = context.indexOf(store, i + 1)) {
            int end = i + store.length();
            if (end == context.length() || " :(),;".indexOf(context.charAt(end)) >= 0) {
                return true;
            }
        }
        return false;
    }
}
