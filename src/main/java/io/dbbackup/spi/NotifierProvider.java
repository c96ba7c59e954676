package io.dbbackup.spi;

/** Creates notifiers of one {@code type:} from their config section; found by ServiceLoader. */
public interface NotifierProvider {
    String type();

    Notifier create(ConfigSection section);
}
