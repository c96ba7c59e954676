package io.dbbackup.spi;

/** Creates stores of one {@code type:} from their config section; found by ServiceLoader. */
public interface StoreProvider {
    String type();

    /** Other names accepted for {@code type:} (e.g. {@code sftp} for {@code ssh}). */
    default java.util.Set<String> aliases() {
        return java.util.Set.of();
    }

    Store create(ConfigSection section);
}
