package io.dbbackup.cli;

import io.dbbackup.job.Confirmer;

import java.io.Console;

/** Asks on the terminal; without one, nobody can be asked. */
final class ConsoleConfirmer implements Confirmer {
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
