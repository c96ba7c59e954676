package io.dbbackup.notify.webhook;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Notifiers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code format: json} example is what a receiver is written from: it names every field the webhook
 * sends, in the order it sends them. It lacked {@code operation} (backup, verify, check, prune, drill), so a receiver
 * built from it could not tell a failed backup from a failed verify of the same job.
 */
class WebhookJsonDocumentedTest {
    @Test
    void theReadmeExampleNamesEveryFieldOfTheBody() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("project.basedir", "."), "README.md"));
        int section = readme.indexOf("`format: json` body:");
        int start = readme.indexOf("```json\n", section) + "```json\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        Map<?, ?> documented = (Map<?, ?>) Json.parse(example);
        Map<?, ?> sent = (Map<?, ?>) Json.parse(WebhookNotifier.json(Notifiers.failure()));
        assertThat(java.util.List.copyOf(documented.keySet())).as("README.md's format: json example")
                .isEqualTo(java.util.List.copyOf(sent.keySet()));
    }
}
