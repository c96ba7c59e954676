package io.dbbackup.spi;

import java.io.IOException;

/** Sends a job report somewhere (email, webhook). A failure is logged by the caller, never fatal. */
public interface Notifier {
    void send(JobReport report) throws IOException;

    String describe();

    /**
     * True for a notifier that records the job's state rather than raising an alert (Prometheus metrics): it gets every
     * report, whatever the {@code on:} of the rule naming it says. A gauge pushed only on failures would say "failed"
     * forever after one failure and never carry a success's time, so an alert on the last success would never fire.
     */
    default boolean everyOutcome() {
        return false;
    }
}
