package io.dbbackup.engine.postgres;

import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hint after a failed PostgreSQL restore's error line (psql's and pg_restore's own words). */
class RestoreHintTest {
    private static final RestoreOptions CLEAN = new RestoreOptions(true);
    private static final RestoreOptions PLAIN = new RestoreOptions(false);
    private static final RestoreOptions PART = new RestoreOptions(false, true, List.of("orders"), List.of(), false);

    @Test
    void theCleanStepRefusedAnotherRolesSchemaOrLargeObject() {
        assertThat(RestoreHint.of("must be owner of schema theirs", CLEAN)).contains("--clean first drops every user schema");
        assertThat(RestoreHint.of("must be owner of large object 16405", CLEAN)).contains("--clean first drops every user schema");
        // the backup's own statement (a line number): not the clean step
        assertThat(RestoreHint.of("psql:<stdin>:12: ERROR:  must be owner of schema public", CLEAN)).isEmpty();
        assertThat(RestoreHint.of("must be owner of schema theirs", PLAIN)).isEmpty();
    }

    @Test
    void aRoleTheRestoringRoleIsNoMemberOfIsNamedWithTheWaysOut() {
        assertThat(RestoreHint.of("psql:<stdin>:56: ERROR:  must be member of role \"other\"", CLEAN))
                .contains("names role \"other\"").contains("superuser").contains("no_owner").contains("no_privileges");
        assertThat(RestoreHint.of("could not execute query: ERROR:  must be member of role \"app\"", PLAIN)).contains("role \"app\"");
    }

    /** A fresh server without the backup's roles (a superuser restoring): before, the bare "does not exist". */
    @Test
    void aRoleTheTargetLacksIsNamedWithTheRolesBackupAndNoOwner() {
        assertThat(RestoreHint.of("could not execute query: ERROR:  role \"appowner\" does not exist", PLAIN))
                .contains("names role \"appowner\"").contains("roles backup").contains("no_owner: true")
                .contains("no_privileges: true");
        assertThat(RestoreHint.of("psql:<stdin>:69: ERROR:  role \"bob\" does not exist", CLEAN)).contains("role \"bob\"");
        assertThat(RestoreHint.of("psql:<stdin>:69: ERROR:  type \"citext\" does not exist", PLAIN)).isEmpty();
    }

    /** pg_dump's SET default_tablespace refused: before, only "invalid value for parameter" (its DETAIL on another line). */
    @Test
    void aTablespaceTheTargetLacksIsNamedWithHowToCreateIt() {
        assertThat(RestoreHint.of("could not set default_tablespace to fast: ERROR:  invalid value for parameter "
                + "\"default_tablespace\": \"fast\"", PLAIN)).contains("tablespace \"fast\"").contains("CREATE TABLESPACE fast ");
        assertThat(RestoreHint.of("psql:<stdin>:71: ERROR:  invalid value for parameter \"default_tablespace\": \"Fast Disk\"",
                CLEAN)).contains("CREATE TABLESPACE \"Fast Disk\" ");
    }

    /**
     * A server whose lc_messages is German: "Rolle »eigner« existiert nicht", "ungültiger Wert für Parameter
     * »default_tablespace«: »schnell«" (as PostgreSQL 15 words them) got no hint, which followed the English words only.
     * The role is told by psql's LOCATION (get_role_oid) or pg_restore's statement; the tablespace by the parameter's name.
     */
    @Test
    void aRoleOrTablespaceTheTargetLacksIsNamedInAnyLanguage() {
        String psql = "psql:<stdin>:34: FEHLER:  42704: Rolle »eigner« existiert nicht\nLOCATION:  get_role_oid, acl.c:5201";
        assertThat(RestoreHint.of("psql:<stdin>:34: FEHLER:  Rolle »eigner« existiert nicht", "42704", psql, PLAIN))
                .contains("names role \"eigner\"").contains("roles backup");
        String restore = "pg_restore: error: could not execute query: FEHLER:  Rolle »Kasse Chef« existiert nicht\n"
                + "Command was: GRANT SELECT ON TABLE public.t TO \"Kasse Chef\";";
        assertThat(RestoreHint.of("could not execute query: FEHLER:  Rolle »Kasse Chef« existiert nicht", null, restore, PLAIN))
                .contains("names role \"Kasse Chef\"");
        // another missing object, in German: no role named
        String type = "psql:<stdin>:9: FEHLER:  42704: Typ »citext« existiert nicht\nLOCATION:  typenameType, parse_type.c:270";
        assertThat(RestoreHint.of("psql:<stdin>:9: FEHLER:  Typ »citext« existiert nicht", "42704", type, PLAIN)).isEmpty();
        assertThat(RestoreHint.of("could not execute query: FEHLER:  Typ »citext« existiert nicht", null,
                "Command was: CREATE TABLE public.t (\n    e public.citext\n);", PLAIN)).isEmpty();
        assertThat(RestoreHint.of("could not set default_tablespace to schnell: FEHLER:  ungültiger Wert für Parameter "
                + "»default_tablespace«: »schnell«", PLAIN)).contains("tablespace \"schnell\"").contains("CREATE TABLESPACE schnell ");
        assertThat(RestoreHint.of("psql:<stdin>:71: ERREUR:  valeur invalide pour le paramètre « default_tablespace » : « Fast »",
                "22023", PLAIN)).contains("CREATE TABLESPACE \"Fast\" ");
    }

    /** A standby, or default_transaction_read_only on: before, only the server's "cannot execute … read-only transaction". */
    @Test
    void aTargetThatTakesNoWritesIsSaidToBeAStandbyOrReadOnly() {
        assertThat(RestoreHint.of("could not execute query: ERROR:  cannot execute CREATE TABLE in a read-only transaction",
                PLAIN)).contains("standby").contains("default_transaction_read_only = off");
        assertThat(RestoreHint.of("cannot execute DROP SCHEMA in a read-only transaction", CLEAN)).contains("standby");
        assertThat(RestoreHint.of("psql:<stdin>:20: FEHLER:  kann CREATE TABLE nicht in einer Read-only-Transaktion ausführen",
                "25006", PLAIN)).contains("standby");
    }

    @Test
    void objectsAlreadyThere() {
        assertThat(RestoreHint.of("relation \"t\" already exists", PLAIN)).contains("restore with --clean");
        assertThat(RestoreHint.of("relation \"orders\" already exists", PART)).contains("drop it first");
        assertThat(RestoreHint.of("relation \"t\" already exists", CLEAN)).isEmpty();
        assertThat(RestoreHint.of("division by zero", PLAIN)).isEmpty();
    }

    /**
     * A server whose lc_messages is not English: psql shows the SQLSTATE (VERBOSITY verbose), which the hints read.
     * Before, "Relation »t« existiert bereits" and the clean step's "muss Eigentümer von Schema theirs sein" got no hint.
     */
    @Test
    void theSqlstateGivesTheHintInAnyLanguage() {
        assertThat(RestoreHint.of("psql:<stdin>:32: FEHLER:  Relation »t« existiert bereits", "42P07", PLAIN))
                .contains("restore with --clean");
        assertThat(RestoreHint.of("psql:<stdin>:20: ERREUR:  le schéma « s » existe déjà", "42P06", PART)).contains("drop it first");
        assertThat(RestoreHint.of("psql:<stdin>:32: FEHLER:  Relation »t« existiert bereits", "42P07", CLEAN)).isEmpty();
        assertThat(RestoreHint.of("muss Eigentümer von Schema theirs sein", "42501", CLEAN)).contains("--clean first drops");
        // a statement of the backup's own (a line number) refused: not the clean step
        assertThat(RestoreHint.of("psql:<stdin>:12: FEHLER:  keine Berechtigung für Schema public", "42501", CLEAN)).isEmpty();
        assertThat(RestoreHint.of("psql:<stdin>:12: FEHLER:  Division durch Null", "22012", PLAIN)).isEmpty();
        assertThat(RestoreHint.alreadyThere(PLAIN)).contains("restore with --clean");
        assertThat(RestoreHint.alreadyThere(CLEAN)).isEmpty();
    }

    /**
     * CREATE EXTENSION of an extension whose files the target's server lacks: named, with where it is missing and the
     * package, from the control file's path (PostgreSQL 15's DETAIL, 13's message; a path in any language).
     */
    @Test
    void anExtensionTheTargetLacksIsNamedWithItsPackage() {
        String pg15 = "pg_restore: error: could not execute query: ERROR:  extension \"pg_cron\" is not available\n"
                + "DETAIL:  Could not open extension control file \"/usr/share/postgresql/15/extension/pg_cron.control\": No "
                + "such file or directory.\nHINT:  The extension must first be installed on the system where PostgreSQL is "
                + "running.\nCommand was: CREATE EXTENSION IF NOT EXISTS pg_cron WITH SCHEMA pg_catalog;";
        assertThat(RestoreHint.missingExtension(pg15, "15")).contains("extension \"pg_cron\"")
                .contains("no pg_cron.control in /usr/share/postgresql/15/extension").contains("postgresql-15-")
                .contains("grep -i cron").contains("contrib").doesNotContain("\n");
        String pg13 = "psql:<stdin>:25: ERROR:  58P01: could not open extension control file "
                + "\"/usr/share/postgresql/13/extension/postgis.control\": No such file or directory";
        assertThat(RestoreHint.missingExtension(pg13, "13")).contains("extension \"postgis\"").contains("postgresql-13-");
        String german = "psql:<stdin>:25: FEHLER:  0A000: Erweiterung »vector« ist nicht verfügbar\nDETAIL:  Konnte "
                + "Erweiterungskontrolldatei »/opt/pg/share/extension/vector.control« nicht öffnen: Datei existiert nicht";
        assertThat(RestoreHint.missingExtension(german, "16")).as("the server's own quotes")
                .contains("extension \"vector\"").contains("no vector.control in /opt/pg/share/extension");
        assertThat(RestoreHint.missingExtension("psql:<stdin>:3: ERROR:  relation \"t\" already exists", "15")).isEmpty();
    }

    /**
     * CREATE EXTENSION of an extension whose control file and script the target's server has but not its shared library
     * (a package installed in part, or for another major): the library named with where it is missing and the package.
     * Before, no hint (the server's bare "could not access file").
     */
    @Test
    void anExtensionWhoseLibraryTheTargetLacksIsNamedWithItsPackage() {
        String restored = "pg_restore: error: could not execute query: ERROR:  could not access file \"$libdir/postgis-3\": "
                + "No such file or directory\nCommand was: CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;";
        assertThat(RestoreHint.missingExtension(restored, "16")).contains("extension \"postgis\"'s shared library postgis-3.so")
                .contains("pg_config --pkglibdir").contains("/usr/lib/postgresql/16/lib").contains("postgresql-16-")
                .contains("grep -i postgis)").doesNotContain("\n");
        String german = "psql:<stdin>:25: FEHLER:  58P01: konnte nicht auf Datei »$libdir/vector« zugreifen: Datei oder "
                + "Verzeichnis nicht gefunden";
        assertThat(RestoreHint.missingExtension(german, "15")).as("the server's own quotes")
                .contains("an extension's (or a C function's) shared library vector.so").contains("grep -i vector)");
    }

    /** A role's temp_file_limit stops the restore's CREATE INDEX: named, with who may lift it (the setting, in any language). */
    @Test
    void aTempFileLimitIsSaidWithWhoMayLiftIt() {
        assertThat(RestoreHint.of("could not execute query: ERROR:  temporary file size exceeds temp_file_limit (1024kB)", PLAIN))
                .contains("temp_file_limit = -1").contains("superuser").contains("CREATE INDEX");
        assertThat(RestoreHint.of("psql:<stdin>:40: FEHLER:  Größe der temporären Datei überschreitet temp_file_limit (1024kB)",
                "53400", CLEAN)).contains("ALTER ROLE");
    }

    /**
     * A restoring role that is no superuser, and a backup with an extension that is not trusted (pg_stat_statements), as
     * PostgreSQL 15 says it: before, the server's words only; created beforehand, the backup's COMMENT ON EXTENSION fails.
     */
    @Test
    void anUntrustedExtensionAsNoSuperuserSaysToRestoreAsOne() {
        assertThat(RestoreHint.of("could not execute query: ERROR:  permission denied to create extension "
                + "\"pg_stat_statements\"", PLAIN)).contains("extension \"pg_stat_statements\" is not a trusted one")
                .contains("restore as a superuser").contains("COMMENT ON EXTENSION");
        assertThat(RestoreHint.of("psql:<stdin>:20: ERROR:  permission denied to create extension \"plpython3u\"", "42501",
                CLEAN)).contains("\"plpython3u\"");
    }

    /**
     * The target server's data directory filled up (a real PostgreSQL 15 on a 100 MiB tmpfs, its WAL elsewhere): psql's
     * line said "No space left on device" alone, which reads as dbbackup's own disk.
     */
    @Test
    void theServersFullDiskIsSaidAsTheServers() {
        String line = "psql:<stdin>:60062: ERROR:  could not extend file \"base/16395/16399\": No space left on device";
        assertThat(RestoreHint.of(line, PLAIN)).startsWith(" (the database server's disk is full:")
                .contains("data directory").contains("free space there or grow that volume, then restore again");
        assertThat(RestoreHint.of(line, CLEAN)).contains("--clean's drops were rolled back too");
        assertThat(RestoreHint.of("could not execute query: ERROR:  could not write to file \"base/pgsql_tmp/pgsql_tmp9.0\": "
                + "No space left on device", PLAIN)).startsWith(" (the database server's disk is full:");
        assertThat(RestoreHint.of("psql:<stdin>:9: FEHLER:  konnte Datei »base/1/2« nicht erweitern: Auf dem Gerät ist kein "
                + "Speicherplatz mehr verfügbar", "53100", PLAIN)).startsWith(" (the database server's disk is full:");
    }
}
