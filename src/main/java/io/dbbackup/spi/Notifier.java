package io.dbbackup.spi;

import java.io.IOException;
import java.time.Clock;

/** Sends a job report somewhere (email, webhook). A failure is logged by the caller, never fatal. */
public interface Notifier {
    /**
     * Sends {@code report}. {@code clock} is the run's (the one its times come from, a test's fixed one): what a message
     * says of when it was sent (a mail's {@code Date} header) is read from it, never from the machine's clock.
     */
    void send(JobReport report, Clock clock) throws IOException;

    String describe();

    /**
     * True for a notifier that records the job's state rather than raising an alert (Prometheus metrics): it gets every
     * report, whatever the {@code on:} of the rule naming it says. A gauge pushed only on failures would say "failed"
     * forever after one failure and never carry a success's time, so an alert on the last success would never fire.
     */
    default boolean everyOutcome() {
        return false;
    }

    /**
     * False for a notifier that never shows a report's text (its error, its "what now" lines, {@link JobReport#next()}):
     * Prometheus metrics carry only numbers. A failure's report asks the store for the job's newest good backup only when
     * some notifier hearing it shows that text.
     */
    default boolean showsText() {
        return true;
    }
}
