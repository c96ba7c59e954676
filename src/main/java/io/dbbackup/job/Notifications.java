package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.config.NotifierConfig;
import io.dbbackup.config.NotifyRule;
import io.dbbackup.spi.JobReport;

import java.net.InetAddress;

/**
 * Sends a job's report to the notifiers its {@code notify} rules pick for the outcome. A notifier that fails
 * (server down, its secret unreadable here) is logged as a warning and never changes the result.
 */
public final class Notifications {
    private Notifications() {
    }

    public static void send(Workspace ws, JobConfig job, JobReport report) {
        for (NotifyRule rule : job.notifyRules()) {
            if (!rule.matches(report.succeeded())) {
                continue;
            }
            NotifierConfig n = ws.config().notifiers().get(rule.notifier());
            if (n == null) {
                continue;
            }
            try {
                n.notifier().send(report);
                ws.log().info("notification sent", "job", job.name(), "notifier", n.name());
            } catch (Exception e) {
                ws.log().warn("notification failed (the " + report.operation().name().toLowerCase(java.util.Locale.ROOT)
                        + " result is unchanged)", "job", job.name(), "notifier", n.name(), "error", String.valueOf(e.getMessage()));
            }
        }
    }

    /** {@code $HOSTNAME} (the pod's name in Kubernetes), else the local host name. */
    public static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
