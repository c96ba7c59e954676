package io.dbbackup.core;

/**
 * A job's Grandfather-Father-Son rules. A count of 0 means the rule is off; negatives are rejected
 * by the config loader. {@code zone} is an IANA name in which periods are taken.
 */
public record RetentionPolicy(int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly,
                              int keepYearly, java.time.ZoneId zone) {

    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, 0, 0, 0, 0, 0, java.time.ZoneOffset.UTC);

    public RetentionPolicy {
        if (keepLast < 0 || keepHourly < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0 || keepYearly < 0) {
            throw new IllegalArgumentException("retention counts must not be negative");
        }
        zone = zone == null ? java.time.ZoneOffset.UTC : zone;
    }

    /** No rule set: everything is kept. */
    public boolean keepsEverything() {
        return keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0
                && keepYearly == 0;
    }
}
