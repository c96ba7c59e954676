package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@link LockWaitWatch} says who holds the lock a restore waits for, from its query's rows. */
class LockWaitWatchTest {
    private static String row(String... f) {
        return String.join("\u001f", f);
    }

    @Test
    void namesEachHolderOnceWithItsStateAndSinceWhen() {
        String rows = row("100", "4242", "app", "billing-worker", "10.0.0.5", "idle in transaction", "2026-12-05T03:01:12Z") + "\n"
                + row("101", "4242", "app", "billing-worker", "10.0.0.5", "idle in transaction", "2026-12-05T03:01:12Z") + "\n"
                + row("100", "4243", "app", "", "local socket", "active", "2026-12-05T03:02:00Z") + "\n";

        assertThat(LockWaitWatch.describe(rows)).isEqualTo("pid 4242 (user 'app', application_name 'billing-worker', client "
                + "'10.0.0.5', idle in transaction since 2026-12-05T03:01:12Z); pid 4243 (user 'app', application_name unknown, "
                + "client 'local socket', active since 2026-12-05T03:02:00Z)");
    }

    @Test
    void aRoleThatCannotSeeOtherRolesSessionsSaysWhatItKnows() {
        // without pg_read_all_stats: another role's client address, state and times are null
        String rows = row("100", "4242", "app", "billing-worker", "", "", "") + "\n";

        assertThat(LockWaitWatch.describe(rows)).isEqualTo("pid 4242 (user 'app', application_name 'billing-worker', client "
                + "unknown, state unknown: this role cannot see other roles' sessions (pg_read_all_stats))");
    }

    @Test
    void noWaitSaysNothing() {
        assertThat(LockWaitWatch.describe("")).isEmpty();
        assertThat(LockWaitWatch.describe(row("100", "", "", "", "", "", "") + "\n")).isEmpty();
    }
}
