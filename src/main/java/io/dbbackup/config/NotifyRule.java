package io.dbbackup.config;

/** One entry of a job's {@code notify:} list. */
public record NotifyRule(String notifier, When on) {
    public enum When { FAILURE, SUCCESS, ALWAYS }

    public boolean matches(boolean succeeded) {
        return on == When.ALWAYS || (succeeded ? on == When.SUCCESS : on == When.FAILURE);
    }
}
