package io.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roles a roles script creates, in the encoding pg_dumpall wrote it in. Before, a backup role with {@code
 * client_encoding = LATIN1} had {@code show --contents} list {@code role "m�ller"}.
 */
class RoleScriptNamesTest {
    private static byte[] script(String encoding, Charset charset) {
        return ("--\n-- PostgreSQL database cluster dump\n--\n\nSET client_encoding = '" + encoding + "';\n"
                + "SET standard_conforming_strings = on;\n\nCREATE ROLE \"müller\";\nALTER ROLE \"müller\" WITH LOGIN;\n"
                + "CREATE ROLE app;\n").getBytes(charset);
    }

    @Test
    void namesAreReadInTheScriptsOwnEncoding() throws Exception {
        assertThat(RoleScript.roleNames(new ByteArrayInputStream(script("LATIN1", StandardCharsets.ISO_8859_1))))
                .containsExactly("\"müller\"", "app");
        assertThat(RoleScript.roleNames(new ByteArrayInputStream(script("UTF8", StandardCharsets.UTF_8))))
                .containsExactly("\"müller\"", "app");
        assertThat(RoleScript.roleNames(new ByteArrayInputStream(script("WIN1252", Charset.forName("windows-1252")))))
                .containsExactly("\"müller\"", "app");
        assertThat(RoleScript.charset("LATIN9")).isEqualTo(Charset.forName("ISO-8859-15"));
        assertThat(RoleScript.charset("EUC_JP")).isEqualTo(Charset.forName("EUC-JP"));
        assertThat(RoleScript.charset("MULE_INTERNAL")).isEqualTo(StandardCharsets.UTF_8);
    }

    /**
     * Before: the restoring role's own {@code ALTER ROLE} was looked for by its UTF-8 bytes, so "möller" in a LATIN1 script
     * kept its line and loading the roles put back its old password.
     */
    @Test
    void theRestoringRolesOwnAlterIsLeftOutInTheScriptsOwnEncoding() throws Exception {
        for (String[] enc : new String[][] {{"LATIN1", "ISO-8859-1"}, {"UTF8", "UTF-8"}, {"WIN1252", "windows-1252"}}) {
            byte[] in = ("SET client_encoding = '" + enc[0] + "';\nCREATE ROLE \"möller\";\n"
                    + "ALTER ROLE \"möller\" WITH SUPERUSER LOGIN PASSWORD 'SCRAM-alt';\nCREATE ROLE app;\n"
                    + "ALTER ROLE app WITH LOGIN;\n").getBytes(Charset.forName(enc[1]));
            RoleScript script = new RoleScript(new ByteArrayInputStream(in), "möller");
            String out = new String(script.readAllBytes(), Charset.forName(enc[1]));
            assertThat(out).as(enc[0]).doesNotContain("ALTER ROLE \"möller\"").contains("ALTER ROLE app WITH LOGIN;")
                    .contains("CREATE ROLE \"möller\";");
            assertThat(script.skipped()).as(enc[0]).isEqualTo(1);
        }
        // a role the script's encoding cannot name: nothing left out (not a '?' stand-in for another role)
        byte[] in = "SET client_encoding = 'LATIN1';\nALTER ROLE \"????\" WITH LOGIN;\n".getBytes(StandardCharsets.ISO_8859_1);
        RoleScript script = new RoleScript(new ByteArrayInputStream(in), "Пётр");
        script.readAllBytes();
        assertThat(script.skipped()).isZero();
    }
}
