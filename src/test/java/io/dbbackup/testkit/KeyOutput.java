package io.dbbackup.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the key-guidance tests check of a run's output, and the encrypted object they point it at. */
public final class KeyOutput {
    private KeyOutput() {
    }

    /** No given secret, no age secret key, no stack trace in what {@code r} printed. */
    public static void assertNoSecret(Cli.Result r, String... secrets) {
        for (String s : secrets) {
            assertThat(r.out() + r.err()).doesNotContain(s);
        }
        assertThat(r.out() + r.err()).doesNotContainPattern("AGE-SECRET-KEY-1[0-9A-Z]{10}").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    /** The first age-encrypted object under {@code store}. */
    public static Path ageObject(Path store) throws Exception {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(p -> p.toString().endsWith(".age")).findFirst().orElseThrow();
        }
    }
}
