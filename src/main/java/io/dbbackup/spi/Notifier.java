package io.dbbackup.spi;

import java.io.IOException;

/** Sends a job report somewhere (email, webhook). A failure is logged by the caller, never fatal. */
public interface Notifier {
    void send(JobReport report) throws IOException;

    String describe();
}
