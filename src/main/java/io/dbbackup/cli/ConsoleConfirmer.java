package io.dbbackup.cli;

import io.dbbackup.job.Confirmer;

import java.io.Console;

/** Asks on the terminal; without one, nobody can be asked. */
final class ConsoleConfirmer implements Confirmer {
    /**
     * A new one, typed as the interface: {@link Main}'s verification then needs no Confirmer loaded (a jar that lost it
     * fails inside main, where {@code wal-fetch --stop-recovery-on-error} still exits 255, not before it with 1).
     */
    static Confirmer create() {
        return new ConsoleConfirmer();
    }

    @Override
    public boolean interactive() {
        return System.console() != null;
    }

    @Override
    public boolean confirm(String question) {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        String answer = c.readLine("%s Type 'yes' to continue: ", question);
        return answer != null && answer.strip().equalsIgnoreCase("yes");
    }
}
