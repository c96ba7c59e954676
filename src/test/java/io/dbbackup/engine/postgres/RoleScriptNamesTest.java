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
}
