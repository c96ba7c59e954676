package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real dump (dbbackup's backup of a MariaDB 10.11 database {@code shop} with five events: three ENABLEd — one with
 * a multi-line body, one with a backtick and a space in its name and 'ENABLE DISABLE' in its body, one with
 * {@code COMMENT 'nightly ENABLE purge'} — one DISABLEd and one {@code DISABLE ON SLAVE}).
 */
class EventsTest {
    static final String DUMP = read();
    static final String[] ENABLED = {
            "EVENT `copy_out` ON SCHEDULE EVERY 10 MINUTE STARTS '2026-12-03 05:57:09' ON COMPLETION NOT PRESERVE ",
            "EVENT `odd``name ev` ON SCHEDULE AT '2035-06-01 00:00:00' ON COMPLETION NOT PRESERVE ",
            "EVENT `purge_old` ON SCHEDULE EVERY 1 DAY STARTS '2026-01-01 03:00:00' ON COMPLETION PRESERVE "};

    private static String read() {
        try (var in = EventsTest.class.getResourceAsStream("/mysql/mariadb-10.11-events.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String filter(String in, String target, int chunk, Events[] holder) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Events e = new Events(target, out);
        holder[0] = e;
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            e.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        e.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String disabledAll(String dump) {
        String expected = dump;
        for (String head : ENABLED) {
            assertThat(expected).contains(head + "ENABLE ");
            expected = expected.replace(head + "ENABLE ", head + "DISABLE ");
        }
        return expected;
    }

    @Test
    void underAnotherNameEveryEnabledEventIsCreatedDisabledAndNothingElseChanges() throws IOException {
        Events[] e = new Events[1];
        for (int chunk : new int[] {1, 13, 1 << 16}) {
            String out = filter(DUMP, "scratch", chunk, e);

            assertThat(out).isEqualTo(disabledAll(DUMP));
            assertThat(out).contains("ON COMPLETION NOT PRESERVE DISABLE DO INSERT INTO audit VALUES (0, 'paused')")
                    .contains("ON COMPLETION NOT PRESERVE DISABLE ON SLAVE DO DELETE FROM audit")
                    .contains("DISABLE COMMENT 'nightly ENABLE purge'")
                    .contains("DISABLE DO INSERT INTO audit VALUES (1, 'ENABLE DISABLE')")
                    .contains("/*!40000 ALTER TABLE `orders` ENABLE KEYS */;");
            assertThat(e[0].source()).isEqualTo("shop");
            assertThat(e[0].disabled()).containsExactly("copy_out", "odd`name ev", "purge_old");
            assertThat(e[0].unread()).isEmpty();
        }
    }

    @Test
    void underItsOwnNameOrWithoutATargetEachEventKeepsItsStatus() throws IOException {
        Events[] e = new Events[1];
        for (String target : new String[] {"shop", null}) {
            assertThat(filter(DUMP, target, 7, e)).isEqualTo(DUMP);
            assertThat(e[0].disabled()).isEmpty();
        }
    }

    @Test
    void aDumpWithoutDbbackupsFirstLineKeepsItsEvents() throws IOException {
        String bare = DUMP.substring(DUMP.indexOf("/*M!999999"));
        Events[] e = new Events[1];
        assertThat(filter(bare, "scratch", 1 << 16, e)).isEqualTo(bare);
        assertThat(e[0].source()).isNull();
    }

    @Test
    void aRewrittenDefinerAndMySqlsReplicaStatusAreRead() throws IOException {
        String dump = DUMP.replace("/*!50117 DEFINER=`root`@`localhost`*/", "/*!50117 DEFINER=CURRENT_USER*/")
                .replace("DISABLE ON SLAVE", "DISABLE ON REPLICA");
        Events[] e = new Events[1];
        String out = filter(dump, "scratch", 1 << 16, e);
        assertThat(out).isEqualTo(disabledAll(dump));
        assertThat(out).contains("DISABLE ON REPLICA DO DELETE FROM audit");
        assertThat(e[0].disabled()).containsExactly("copy_out", "odd`name ev", "purge_old");
    }

    @Test
    void aDefinerHoldingTheMarkersDoesNotFoolIt() throws IOException {
        String dump = DUMP.replace("/*!50117 DEFINER=`root`@`localhost`*/",
                "/*!50117 DEFINER=`a*/ /*!50106 EVENT x ON COMPLETION PRESERVE DISABLE`@`%`*/");
        Events[] e = new Events[1];
        assertThat(filter(dump, "scratch", 1 << 16, e)).isEqualTo(disabledAll(dump));
        assertThat(e[0].disabled()).containsExactly("copy_out", "odd`name ev", "purge_old");
    }

    @Test
    void anEventLineItCannotReadIsNamed() throws IOException {
        String dump = DUMP.replace("ON COMPLETION PRESERVE ENABLE COMMENT", "ON COMPLETION PRESERVE ENABLED COMMENT");
        Events[] e = new Events[1];
        filter(dump, "scratch", 1 << 16, e);
        assertThat(e[0].disabled()).containsExactly("copy_out", "odd`name ev");
        assertThat(e[0].unread()).containsExactly("purge_old");
    }

    @Test
    void enablePutsBackTheNamedEventsOnly() throws IOException {
        String loaded = filter(DUMP, "dbbackup_stage_1", 1 << 16, new Events[1]);

        assertThat(Events.enable(loaded, Set.of("copy_out", "odd`name ev", "purge_old"))).isEqualTo(DUMP);
        String one = Events.enable(loaded, Set.of("purge_old"));
        assertThat(one).contains("ON COMPLETION PRESERVE ENABLE COMMENT 'nightly ENABLE purge'")
                .contains(ENABLED[0] + "DISABLE ").contains(ENABLED[1] + "DISABLE ")
                .contains("NOT PRESERVE DISABLE DO INSERT INTO audit VALUES (0, 'paused')");
        assertThat(Events.enable(loaded, Set.of())).isEqualTo(loaded);
    }
}
